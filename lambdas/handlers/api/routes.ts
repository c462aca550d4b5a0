import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { activeTimeZone, getAgency } from '../../adapters/dynamo/agencies';
import { readDashboardData, readModelAgency } from '../../adapters/dynamo/dashboard-reader';
import type { UserDirectory } from '../../domain/access';
import type { TokenVerifier } from '../../domain/auth-ports';
import type { FreshnessConfig } from '../../domain/dashboard';
import { buildDashboard, daysToRead } from '../../domain/dashboard-build';
import { localDay, type ResolvedPeriod, resolvePeriod } from '../../domain/period';
import type { Clock, CountMetrics, SyncTrigger, VersionedSecretStore } from '../../domain/ports';
import { HttpError } from '../../shared/errors';
import type { AppLogger } from '../../shared/logger';
import * as z from '../../shared/zod';
import { type AuthDeps, authorize, type Callers } from './auth';
import type { FanvueConnectDeps } from './connect';
import { periodRequestOf } from './dashboard';
import type { RequestCheck } from './guards';
import { type ApiResult, bodyText, etagOf, header, json, matchesIfNoneMatch } from './http';

/** Everything the API handler needs; tests build their own. */
export interface ApiDeps {
  doc: DynamoDBDocumentClient;
  tables: { control: string; totals: string; transactions: string };
  clock: Clock;
  logger: AppLogger;
  /**
   * `webhookSecretId` names the Fanvue app's signing secret (without it the webhook route is off);
   * `originSecretId` the value CloudFront sends in its origin header (without it no origin check).
   */
  config: FreshnessConfig & { cronSecretId: string; webhookSecretId?: string; originSecretId?: string };
  secrets: VersionedSecretStore;
  trigger: SyncTrigger;
  /** Sign-in for members; without it only access keys (and the cron and webhook secrets) are accepted. */
  auth?: ApiAuth;
  /** Connecting Fanvue from the dashboard; without it those routes answer 404. */
  fanvue?: FanvueConnectDeps;
  /** Receives `WebhookSignatureRejected` (the alarm on rejected webhook signatures). @default none */
  metrics?: CountMetrics;
}

/** How members sign in and are invited. */
export interface ApiAuth {
  /** Verifies ID tokens as the HTTP API's JWT authorizer does. */
  verifier: TokenVerifier;
  /** Creates and deletes sign-in accounts when owners invite and remove members. */
  directory: UserDirectory;
}

/** A model id as it may appear in a path segment. */
const ModelIdSchema = z.string().check(z.regex(/^[^\s/#]{1,128}$/, 'invalid model id'));
const ManualSyncBodySchema = z.strictObject({ modelId: z.optional(ModelIdSchema) });

function message(error: z.core.$ZodError): string {
  return error.issues[0]?.message ?? 'invalid request';
}

/**
 * The agency of a caller who may read: a signed-in member, or a read-only access key
 * (`callers` narrows it); 401 when unknown. See `auth.ts`.
 */
export async function authenticate(
  deps: AuthDeps,
  event: APIGatewayProxyEventV2,
  callers: Callers = 'any',
): Promise<string> {
  return (await authorize(deps, event, 'read', callers)).agencyId;
}

/** The caller's agency, its zone and the period the query asks for, resolved in that zone (400 on a bad query). */
export async function agencyPeriod(
  deps: Pick<ApiDeps, 'doc' | 'tables' | 'clock'>,
  event: APIGatewayProxyEventV2,
  agencyId: string,
): Promise<{ name: string; pendingTimeZone?: string; period: ResolvedPeriod }> {
  const agency = await getAgency(deps.doc, deps.tables.control, agencyId);
  const zone = activeTimeZone(agency);
  const now = deps.clock.now();
  const request = periodRequestOf(event.queryStringParameters, () => localDay(now, zone));
  return {
    name: agency?.name ?? agencyId,
    ...(agency?.pendingTimeZone !== undefined && { pendingTimeZone: agency.pendingTimeZone }),
    period: resolvePeriod(request, zone, now),
  };
}

/** A JSON 200 with a strong ETag over `content` (which leaves out what changes on every call), or a 304. */
export function withEtag(event: APIGatewayProxyEventV2, body: unknown, content: unknown): ApiResult {
  const etag = etagOf(JSON.stringify(content));
  if (matchesIfNoneMatch(header(event, 'if-none-match'), etag)) {
    return { statusCode: 304, headers: { etag, 'cache-control': 'no-cache' } };
  }
  return json(200, body, { etag });
}

/** GET /api/dashboard?period=: the agency's figures for a period in its zone, with an ETag for 304s. */
export async function getDashboard(
  deps: ApiDeps,
  event: APIGatewayProxyEventV2,
  callers: Callers = 'any',
): Promise<ApiResult> {
  const agencyId = await authenticate(deps, event, callers);
  const { name, pendingTimeZone, period } = await agencyPeriod(deps, event, agencyId);
  const range = daysToRead(period);
  const data = await readDashboardData(
    deps.doc,
    deps.tables,
    agencyId,
    { zone: period.timeZone, fromDay: range.from, toDay: range.to },
    deps.logger,
  );
  const body = buildDashboard({
    agency: { id: agencyId, name, ...(pendingTimeZone !== undefined && { pendingTimeZone }) },
    data,
    now: deps.clock.now(),
    cfg: deps.config,
    period,
  });
  // generatedAt is left out of the hash so idle polls of unchanged data get 304s.
  const { generatedAt: _generatedAt, ...content } = body;
  return withEtag(event, body, content);
}

/** POST /api/models/{modelId}/sync: the caller's own model only (another agency's is a 404). */
export async function postModelSync(
  deps: ApiDeps,
  event: APIGatewayProxyEventV2,
  rawModelId: string,
): Promise<ApiResult> {
  const { agencyId } = await authorize(deps, event, 'sync', 'member');
  const modelId = ModelIdSchema.safeParse(safeDecode(rawModelId));
  if (!modelId.success) throw new HttpError(404, 'model not found');
  const owner = await readModelAgency(deps.doc, deps.tables.control, modelId.data);
  if (owner !== agencyId) throw new HttpError(404, 'model not found');
  await deps.trigger.syncModel(modelId.data, 'dashboard');
  deps.logger.info('manual model sync requested', { agencyId, modelId: modelId.data });
  return json(202, { accepted: true, modelId: modelId.data });
}

/** POST /api/sync with optional `{ modelId }`: one model, or the fan-out for all. */
export async function postManualSync(
  deps: ApiDeps,
  event: APIGatewayProxyEventV2,
  checkCron: RequestCheck,
): Promise<ApiResult> {
  await checkCron(event);
  const text = bodyText(event).trim();
  let raw: unknown = {};
  if (text) {
    try {
      raw = JSON.parse(text);
    } catch {
      throw new HttpError(400, 'body must be JSON');
    }
  }
  const body = ManualSyncBodySchema.safeParse(raw);
  if (!body.success) throw new HttpError(400, message(body.error));
  if (body.data.modelId === undefined) {
    await deps.trigger.syncAll('manual');
    deps.logger.info('manual sync of all models requested');
    return json(202, { accepted: true, scope: 'all' });
  }
  const owner = await readModelAgency(deps.doc, deps.tables.control, body.data.modelId);
  if (owner === undefined) throw new HttpError(404, 'model not found');
  await deps.trigger.syncModel(body.data.modelId, 'manual');
  deps.logger.info('manual model sync requested', { modelId: body.data.modelId });
  return json(202, { accepted: true, scope: 'model', modelId: body.data.modelId });
}

export function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return '';
  }
}
