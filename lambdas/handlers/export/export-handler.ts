import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { readDashboardData } from '../../adapters/dynamo/dashboard-reader';
import { transactionPages } from '../../adapters/dynamo/transactions-reader';
import { type CsvSink, transactionsWindow, writeDailyCsv, writeTransactionsCsv } from '../../domain/csv-export';
import type { Clock } from '../../domain/ports';
import { EXPORT_PATH_PREFIX, VIEWER_AUTHORIZATION_HEADER } from '../../shared/edge';
import { HttpError } from '../../shared/errors';
import type { AppLogger } from '../../shared/logger';
import { logRefused } from '../api/guards';
import { errorResult, header } from '../api/http';
import { ownModel } from '../api/model-routes';
import type { ApiAuth } from '../api/routes';
import { agencyPeriod, authenticate } from '../api/routes';
import { presentedTicket, redeemTicket } from './ticket-auth';

/** What the export function needs; tests build their own. */
export interface ExportDeps {
  doc: DynamoDBDocumentClient;
  tables: { control: string; totals: string; transactions: string };
  clock: Clock;
  logger: AppLogger;
  /** Verifies members' sign-in tokens; without it only read-only access keys are accepted. */
  auth?: Pick<ApiAuth, 'verifier'>;
  /** Transactions read per Query while exporting. @default 500 */
  pageSize?: number;
}

/** A refusal or failure, sent whole. */
export interface ExportError {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

/** An accepted export: headers first, then `stream` writes the CSV into the sink until it is done. */
export interface ExportStream {
  statusCode: 200;
  headers: Record<string, string>;
  stream(sink: CsvSink): Promise<{ rows: number }>;
}

export type ExportResponse = ExportError | ExportStream;

/** The export request handler: an HTTP event (function URL payload 2.0, or the local server's) in, a response out. */
export type ExportHandler = (event: APIGatewayProxyEventV2) => Promise<ExportResponse>;

/** Rows read per Query while exporting. */
export const EXPORT_PAGE_SIZE = 500;

const TRANSACTIONS_PATH = /^models\/([^/]+)\/transactions\.csv$/;

function csvHeaders(filename: string): Record<string, string> {
  return {
    'content-type': 'text/csv; charset=utf-8',
    'content-disposition': `attachment; filename="${filename}"`,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  };
}

/**
 * The request as the caller sent it: the credential is the viewer's `Authorization`, which
 * CloudFront (and the local server) hand over in {@link VIEWER_AUTHORIZATION_HEADER}; the
 * request's own `Authorization` is CloudFront's SigV4 signature, already checked by Lambda.
 */
function viewerRequest(event: APIGatewayProxyEventV2): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(event.headers ?? {}))
    if (v !== undefined && k.toLowerCase() !== 'authorization') headers[k] = v;
  const credential = header(event, VIEWER_AUTHORIZATION_HEADER);
  if (credential !== undefined) headers.authorization = credential;
  return { ...event, headers };
}

/**
 * Builds the export handler. Routes: `GET /api/export/daily.csv?period=` (one line per model and
 * local day with sales) and `GET /api/export/models/{modelId}/transactions.csv?period=` (the model's
 * rows of the period, newest first, read a page at a time and written as each page arrives, with no
 * size limit of ours). Callers are members (sign-in token) or read-only access keys, checked exactly
 * as the API does (token verification, member record re-read, agency from the claims); another
 * agency's model is a 404; a bad period is a 400 with its reason. A request without `Authorization`
 * may present `?ticket=` instead (a download link from `POST /api/export/tickets`): it is consumed
 * once, and allows only the export and period it was issued for, within its minute.
 */
export function makeExportHandler(deps: ExportDeps): ExportHandler {
  const pageSize = deps.pageSize ?? EXPORT_PAGE_SIZE;
  return async (raw) => {
    const event = viewerRequest(raw);
    const method = event.requestContext?.http?.method?.toUpperCase() ?? 'GET';
    const path = event.rawPath?.replace(/\/+$/, '') ?? '';
    try {
      if (!path.startsWith(EXPORT_PATH_PREFIX)) throw new HttpError(404, 'not found');
      const route = path.slice(EXPORT_PATH_PREFIX.length);
      const model = TRANSACTIONS_PATH.exec(route);
      if (route !== 'daily.csv' && !model?.[1]) throw new HttpError(404, 'not found');
      if (method !== 'GET') throw new HttpError(405, 'method not allowed');
      const ticket = presentedTicket(event);
      const agencyId =
        ticket !== undefined && header(event, 'authorization') === undefined
          ? await redeemTicket(deps, event, path, ticket)
          : await authenticate(deps, event, 'any');
      if (!model?.[1]) {
        const { period } = await agencyPeriod(deps, event, agencyId);
        return {
          statusCode: 200,
          headers: csvHeaders(`revenue-by-model-${period.from}-to-${period.to}.csv`),
          async stream(sink) {
            const data = await readDashboardData(
              deps.doc,
              deps.tables,
              agencyId,
              { zone: period.timeZone, fromDay: period.from, toDay: period.to },
              deps.logger,
            );
            const names = new Map(data.models.map((m) => [m.modelId, m.displayName]));
            return writeDailyCsv(sink, { modelDays: data.modelDays, names }, period);
          },
        };
      }
      const [owned, { period }] = await Promise.all([
        ownModel(deps, agencyId, model[1]),
        agencyPeriod(deps, event, agencyId),
      ]);
      return {
        statusCode: 200,
        headers: csvHeaders(`${owned.modelId}-transactions-${period.from}-to-${period.to}.csv`),
        stream: (sink) =>
          writeTransactionsCsv(
            sink,
            transactionPages(deps.doc, deps.tables.transactions, owned.modelId, {
              ...transactionsWindow(period),
              pageSize,
            }),
            period,
          ),
      };
    } catch (err) {
      if (err instanceof HttpError && err.status < 500) {
        if (err.status === 401 || err.status === 403) logRefused(deps.logger, event, err.status, err.message);
        return toError(errorResult(err.status, err.message));
      }
      deps.logger.error('export request failed', {
        path,
        error: err instanceof Error ? { name: err.name, message: err.message } : String(err),
      });
      return toError(errorResult(500, 'internal error'));
    }
  };
}

function toError(result: ReturnType<typeof errorResult>): ExportError {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(result.headers ?? {})) headers[k] = String(v);
  return { statusCode: result.statusCode ?? 500, headers, body: String(result.body ?? '') };
}
