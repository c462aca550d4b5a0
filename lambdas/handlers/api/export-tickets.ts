import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { putTicket } from '../../adapters/dynamo/export-tickets';
import {
  EXPORT_TARGET_PATH,
  ExportTicketRequestSchema,
  type ExportTicketResponse,
  ticketRecord,
  ticketUrl,
} from '../../domain/export-ticket';
import { newTicket, ticketHash } from '../../domain/ticket-token';
import { EXPORT_TICKET_PARAM } from '../../shared/edge';
import { HttpError } from '../../shared/errors';
import { type ApiResult, bodyText, json } from './http';
import { ownModel } from './model-routes';
import { type ApiDeps, agencyPeriod, authenticate } from './routes';

/**
 * POST /api/export/tickets `{ path, query }`: a single-use link to one CSV export, valid for a minute.
 * The caller is checked exactly as the export function checks it (a member's sign-in token or a
 * read-only access key; another agency's model is a 404; a bad period a 400), so a ticket never
 * allows more than its holder could download. The ticket is in the answer only: the store keeps its
 * hash, and nothing logs it.
 */
export async function postExportTicket(deps: ApiDeps, event: APIGatewayProxyEventV2): Promise<ApiResult> {
  const agencyId = await authenticate(deps, event, 'any');
  let raw: unknown;
  try {
    raw = JSON.parse(bodyText(event));
  } catch {
    throw new HttpError(400, 'the body must be JSON: { path, query }');
  }
  const parsed = ExportTicketRequestSchema.safeParse(raw);
  if (!parsed.success) throw new HttpError(400, parsed.error.issues[0]?.message ?? 'invalid export');
  const request = parsed.data;
  // The same period checks as the export itself (custom range length, order), in the agency's zone.
  await agencyPeriod(deps, { ...event, queryStringParameters: { ...request.query } }, agencyId);
  const modelId = EXPORT_TARGET_PATH.exec(request.path)?.[1];
  if (modelId !== undefined) await ownModel(deps, agencyId, modelId);
  const ticket = newTicket();
  const record = ticketRecord(agencyId, request, deps.clock.now());
  await putTicket(deps.doc, deps.tables.control, ticketHash(ticket), record);
  deps.logger.info('export ticket issued', { agencyId, path: request.path });
  const body: ExportTicketResponse = {
    url: ticketUrl(record, ticket, EXPORT_TICKET_PARAM),
    expiresAt: new Date(record.expiresAt * 1000).toISOString(),
  };
  return json(201, body, { 'cache-control': 'no-store' });
}
