import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { dynamoRunHistory } from '../../adapters/dynamo/run-history';
import { type SyncRunsResponse, toRunView } from '../../domain/run-history-view';
import { RUN_HISTORY_DEFAULT_LIMIT, RUN_HISTORY_MAX_LIMIT } from '../../domain/sync-history';
import { HttpError } from '../../shared/errors';
import * as z from '../../shared/zod';
import type { Callers } from './auth';
import { type ApiResult, compressed } from './http';
import { ownModel } from './model-routes';
import { type ApiDeps, authenticate, withEtag } from './routes';

const LIMIT_MESSAGE = `limit must be a whole number from 1 to ${RUN_HISTORY_MAX_LIMIT}`;
const RunsQuerySchema = z.object({
  limit: z._default(
    z.pipe(
      z.pipe(z.string().check(z.regex(/^\d{1,3}$/, LIMIT_MESSAGE)), z.transform(Number)),
      z.number().check(z.minimum(1, LIMIT_MESSAGE), z.maximum(RUN_HISTORY_MAX_LIMIT, LIMIT_MESSAGE)),
    ),
    RUN_HISTORY_DEFAULT_LIMIT,
  ),
});

/**
 * GET /api/models/{modelId}/runs?limit=: the model's latest sync runs, newest first (default 20, at most 100),
 * errors in plain words. The caller's own model only (another agency's is a 404, as on every model route);
 * runs recorded while the model belonged to another agency are left out. One Query on the model's key.
 */
export async function getModelRuns(
  deps: ApiDeps,
  event: APIGatewayProxyEventV2,
  rawId: string,
  callers: Callers = 'any',
): Promise<ApiResult> {
  const agencyId = await authenticate(deps, event, callers);
  const query = RunsQuerySchema.safeParse({ limit: event.queryStringParameters?.limit });
  if (!query.success) throw new HttpError(400, query.error.issues[0]?.message ?? 'invalid query');
  const model = await ownModel(deps, agencyId, rawId);
  const runs = await dynamoRunHistory(deps.doc, deps.tables.control).recent(model.modelId, query.data.limit);
  const body: SyncRunsResponse = { runs: runs.filter((r) => r.agencyId === agencyId).map(toRunView) };
  return withEtag(event, body, body);
}

const RUNS_PATH = /^\/api(\/key)?\/models\/([^/]+)\/runs$/;

/** The runs route under `/api/` (members) and `/api/key/` (read-only access keys); undefined for any other path. */
export async function modelRunsRoute(
  deps: ApiDeps,
  event: APIGatewayProxyEventV2,
  method: string,
  path: string,
): Promise<ApiResult | undefined> {
  const match = RUNS_PATH.exec(path);
  if (!match?.[2]) return undefined;
  if (method !== 'GET' && method !== 'HEAD') throw new HttpError(405, 'method not allowed');
  return compressed(event, await getModelRuns(deps, event, match[2], match[1] ? 'key' : 'any'));
}
