import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { consumeTicket } from '../../adapters/dynamo/export-tickets';
import { redeem, TICKET_REFUSALS } from '../../domain/export-ticket';
import { isTicketShaped, ticketHash } from '../../domain/ticket-token';
import { EXPORT_TICKET_PARAM } from '../../shared/edge';
import { HttpError } from '../../shared/errors';
import type { ExportDeps } from './export-handler';

/** The download ticket a request presents in its query, if any. */
export function presentedTicket(event: APIGatewayProxyEventV2): string | undefined {
  return event.queryStringParameters?.[EXPORT_TICKET_PARAM];
}

/**
 * The agency of a request that presents a download ticket instead of `Authorization`: the ticket is
 * consumed (one conditional DeleteItem: of two requests with one ticket, only one gets it), then
 * checked against the clock and against this request's path and period query. 401 with a plain
 * message otherwise. The ticket is neither logged nor echoed.
 */
export async function redeemTicket(
  deps: Pick<ExportDeps, 'doc' | 'tables' | 'clock'>,
  event: APIGatewayProxyEventV2,
  path: string,
  ticket: string,
): Promise<string> {
  const record = isTicketShaped(ticket)
    ? await consumeTicket(deps.doc, deps.tables.control, ticketHash(ticket))
    : undefined;
  const { [EXPORT_TICKET_PARAM]: _ticket, ...query } = event.queryStringParameters ?? {};
  const outcome = redeem(record, { path, query }, deps.clock.now());
  if ('refused' in outcome) throw new HttpError(401, TICKET_REFUSALS[outcome.refused]);
  return outcome.agencyId;
}
