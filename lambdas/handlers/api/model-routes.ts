import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { readDashboardData, readModel, readModelPeriodData } from '../../adapters/dynamo/dashboard-reader';
import { decodeCursor, readTransactionsPage } from '../../adapters/dynamo/transactions-reader';
import { centsToDecimal, csvLine } from '../../domain/csv';
import { daysToRead } from '../../domain/dashboard-build';
import type { ModelRecord } from '../../domain/model';
import { buildModelDetail, toTransactionRow } from '../../domain/model-detail';
import { addDays, daysOf, localDay } from '../../domain/period';
import { HttpError } from '../../shared/errors';
import * as z from '../../shared/zod';
import type { Callers } from './auth';
import { type ApiResult, compressed, json } from './http';
import { type ApiDeps, agencyPeriod, authenticate, withEtag } from './routes';

/** Routes of one model's page and of the CSV exports. */

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

/** Largest CSV body built in one response (API Gateway and Lambda cap a response at 6 MB). @default 5 MB */
export const CSV_MAX_BYTES = 5 * 1024 * 1024;
/** Rows read per Query while exporting transactions. */
const EXPORT_PAGE = 500;

/** The caller's own model, or a 404 (another agency's model looks exactly like a missing one). */
export async function ownModel(deps: ApiDeps, agencyId: string, rawModelId: string): Promise<ModelRecord> {
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

function csvResult(body: string, filename: string, truncated: boolean): ApiResult {
  return {
    statusCode: 200,
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${filename}"`,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      ...(truncated && { 'x-export-truncated': 'true' }),
    },
    body,
  };
}

/** GET /api/export/daily.csv?period=: one row per model and local day with sales, from the day totals (O(days)). */
export async function getDailyCsv(
  deps: ApiDeps,
  event: APIGatewayProxyEventV2,
  callers: Callers = 'any',
): Promise<ApiResult> {
  const agencyId = await authenticate(deps, event, callers);
  const { period } = await agencyPeriod(deps, event, agencyId);
  const data = await readDashboardData(
    deps.doc,
    deps.tables,
    agencyId,
    { zone: period.timeZone, fromDay: period.from, toDay: period.to },
    deps.logger,
  );
  const names = new Map(data.models.map((m) => [m.modelId, m.displayName]));
  let body = csvLine(['date', 'time_zone', 'model_id', 'model', 'currency', 'gross', 'net', 'transactions']);
  for (const day of daysOf(period.from, period.to)) {
    const models = [...(data.modelDays.get(day) ?? new Map())].sort(([a], [b]) => a.localeCompare(b));
    for (const [modelId, d] of models) {
      if (d.count === 0 && d.gross === 0 && d.net === 0) continue;
      body += csvLine([
        day,
        period.timeZone,
        modelId,
        names.get(modelId) ?? modelId,
        'USD',
        centsToDecimal(d.gross),
        centsToDecimal(d.net),
        d.count,
      ]);
    }
  }
  return csvResult(body, `revenue-by-model-${period.from}-to-${period.to}.csv`, false);
}

/**
 * GET /api/models/{modelId}/transactions.csv?period=: the model's rows in the period, newest first, written
 * page by page (Query pages of 500) until done or until the body reaches {@link CSV_MAX_BYTES}
 * (then `x-export-truncated: true`).
 */
export async function getTransactionsCsv(
  deps: ApiDeps,
  event: APIGatewayProxyEventV2,
  rawId: string,
  callers: Callers = 'any',
): Promise<ApiResult> {
  const agencyId = await authenticate(deps, event, callers);
  const [model, { period }] = await Promise.all([ownModel(deps, agencyId, rawId), agencyPeriod(deps, event, agencyId)]);
  // Local days are at most 14 h away from UTC: read a day either side, keep the rows whose local day is in range.
  const from = `${addDays(period.from, -1)}T00:00:00.000Z`;
  const to = `${addDays(period.to, 2)}T00:00:00.000Z`;
  const chunks = [
    csvLine(['date_utc', 'local_date', 'source', 'category', 'currency', 'gross', 'net', 'status', 'fan', 'order_id']),
  ];
  let size = chunks[0]?.length ?? 0;
  let cursor: Record<string, string> | undefined;
  let truncated = false;
  do {
    const page = await readTransactionsPage(deps.doc, deps.tables.transactions, model.modelId, {
      limit: EXPORT_PAGE,
      from,
      to,
      ...(cursor && { cursor }),
    });
    for (const tx of page.items) {
      const local = localDay(Date.parse(tx.date), period.timeZone);
      if (local < period.from || local > period.to) continue;
      const line = csvLine([
        tx.date,
        local,
        tx.source,
        tx.category,
        'USD',
        centsToDecimal(tx.gross),
        centsToDecimal(tx.net),
        tx.status,
        tx.fanHandle,
        tx.transactionOrderId,
      ]);
      if (size + line.length > CSV_MAX_BYTES) {
        truncated = true;
        break;
      }
      chunks.push(line);
      size += line.length;
    }
    cursor = page.nextCursor && !truncated ? decodeCursor(page.nextCursor) : undefined;
  } while (cursor);
  return csvResult(chunks.join(''), `${model.modelId}-transactions-${period.from}-to-${period.to}.csv`, truncated);
}

const MODEL_PATH = /^\/models\/([^/]+)(\/transactions|\/transactions\.csv)?$/;

/**
 * The read routes of model pages and exports, under `/api/` (members, behind the sign-in authorizer) and under
 * `/api/key/` (read-only access keys; listed in `shared/routes.ts` as open routes). Undefined for any other path.
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
  if (rest !== '/export/daily.csv' && !model?.[1]) return undefined;
  if (method !== 'GET') throw new HttpError(405, 'method not allowed');
  if (!model?.[1]) return compressed(event, await getDailyCsv(deps, event, callers));
  if (model[2] === '/transactions') return await getModelTransactions(deps, event, model[1], callers);
  if (model[2] === '/transactions.csv')
    return compressed(event, await getTransactionsCsv(deps, event, model[1], callers));
  return compressed(event, await getModelDetail(deps, event, model[1], callers));
}
