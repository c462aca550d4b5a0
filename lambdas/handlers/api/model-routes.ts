import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { readModel, readModelPeriodData } from '../../adapters/dynamo/dashboard-reader';
import { decodeCursor, readTransactionsPage } from '../../adapters/dynamo/transactions-reader';
import { daysToRead } from '../../domain/dashboard-build';
import type { ModelRecord } from '../../domain/model';
import { buildModelDetail, toTransactionRow } from '../../domain/model-detail';
import { HttpError } from '../../shared/errors';
import * as z from '../../shared/zod';
import type { Callers } from './auth';
import { type ApiResult, compressed, json } from './http';
import { type ApiDeps, agencyPeriod, authenticate, withEtag } from './routes';

/** Routes of one model's page. */

const ModelIdSchema = z.string().check(z.regex(/^[^\s/#]{1,128}$/));
const LIMIT_MESSAGE = 'limit must be a whole number from 1 to 100';
const PageQuerySchema = z.object({
  limit: z._default(
    z.pipe(
      z.pipe(z.string().check(z.regex(/^\d{1,3}$/, LIMIT_MESSAGE)), z.transform(Number)),
      z.number().check(z.minimum(1, LIMIT_MESSAGE), z.maximum(100, LIMIT_MESSAGE)),
    ),
    25,
  ),
  cursor: z.optional(z.string().check(z.maxLength(2048))),
});

/** The caller's own model, or a 404 (another agency's model looks exactly like a missing one). */
export async function ownModel(
  deps: Pick<ApiDeps, 'doc' | 'tables'>,
  agencyId: string,
  rawModelId: string,
): Promise<ModelRecord> {
  let decoded = '';
  try {
    decoded = decodeURIComponent(rawModelId);
  } catch {
    // falls through to the 404
  }
  const id = ModelIdSchema.safeParse(decoded);
  const model = id.success ? await readModel(deps.doc, deps.tables.control, id.data) : undefined;
  if (!model || model.agencyId !== agencyId) throw new HttpError(404, 'model not found');
  return model;
}

/** GET /api/models/{modelId}?period=: the model's figures for the period, per source and per local day. */
export async function getModelDetail(
  deps: ApiDeps,
  event: APIGatewayProxyEventV2,
  rawId: string,
  callers: Callers = 'any',
): Promise<ApiResult> {
  const agencyId = await authenticate(deps, event, callers);
  const [model, { period }] = await Promise.all([ownModel(deps, agencyId, rawId), agencyPeriod(deps, event, agencyId)]);
  const range = daysToRead(period);
  const { total, days } = await readModelPeriodData(deps.doc, deps.tables.totals, model.modelId, {
    zone: period.timeZone,
    fromDay: range.from,
    toDay: range.to,
  });
  const body = buildModelDetail({ model, total, days, period, now: deps.clock.now(), cfg: deps.config });
  return withEtag(event, body, body);
}

/** GET /api/models/{modelId}/transactions?limit=&cursor=: newest first, one Query page. */
export async function getModelTransactions(
  deps: ApiDeps,
  event: APIGatewayProxyEventV2,
  rawId: string,
  callers: Callers = 'any',
): Promise<ApiResult> {
  const agencyId = await authenticate(deps, event, callers);
  const query = PageQuerySchema.safeParse({
    limit: event.queryStringParameters?.limit,
    cursor: event.queryStringParameters?.cursor,
  });
  if (!query.success) throw new HttpError(400, query.error.issues[0]?.message ?? 'invalid query');
  const model = await ownModel(deps, agencyId, rawId);
  const cursor = query.data.cursor === undefined ? undefined : decodeCursor(query.data.cursor);
  if (query.data.cursor !== undefined && (!cursor || cursor.pk !== `MODEL#${model.modelId}`))
    throw new HttpError(400, 'invalid cursor');
  const page = await readTransactionsPage(deps.doc, deps.tables.transactions, model.modelId, {
    limit: query.data.limit,
    ...(cursor && { cursor }),
  });
  return json(200, { items: page.items.map(toTransactionRow), nextCursor: page.nextCursor });
}

const MODEL_PATH = /^\/models\/([^/]+)(\/transactions)?$/;

/**
 * The read routes of model pages, under `/api/` (members, behind the sign-in authorizer) and under `/api/key/`
 * (read-only access keys; listed in `shared/routes.ts` as open routes). Undefined for any other path. The CSV
 * exports are streamed by the export function (`handlers/export.ts`), not here.
 */
export async function analyticsRoute(
  deps: ApiDeps,
  event: APIGatewayProxyEventV2,
  method: string,
  path: string,
): Promise<ApiResult | undefined> {
  const callers: Callers = path.startsWith('/api/key/') ? 'key' : 'any';
  const rest = path.slice(callers === 'key' ? '/api/key'.length : '/api'.length);
  const model = MODEL_PATH.exec(rest);
  if (!model?.[1]) return undefined;
  if (method !== 'GET') throw new HttpError(405, 'method not allowed');
  if (model[2] === '/transactions') return await getModelTransactions(deps, event, model[1], callers);
  return compressed(event, await getModelDetail(deps, event, model[1], callers));
}
