import * as z from 'zod/mini';
import { DaySchema, PERIOD_KEYS } from './period';

/**
 * Download tickets for the CSV exports, the pattern of presigned download URLs: a signed-in member
 * or an access key asks for one export and gets a short-lived, single-use link to it, which a plain
 * `<a download>` can follow (a link cannot carry `Authorization`), so the browser streams the file
 * to disk. Only the ticket's hash is stored, with the agency and the exact export it allows.
 */

/** How long a ticket can be redeemed after it is issued. */
export const TICKET_TTL_MS = 60_000;

/** The two exports' paths: the per-model, per-day CSV and one model's transactions. */
export const EXPORT_TARGET_PATH = /^\/api\/export\/(?:daily\.csv|models\/([^/\s#?]{1,384})\/transactions\.csv)$/;

/** The period query of an export, as the dashboard sends it (`custom` needs `from` and `to`). */
export const ExportQuerySchema = z
  .strictObject({
    period: z.enum(PERIOD_KEYS, `period must be one of ${PERIOD_KEYS.join(', ')}`),
    from: z.optional(DaySchema),
    to: z.optional(DaySchema),
  })
  .check(
    z.refine(
      (q) => (q.period === 'custom') === (q.from !== undefined && q.to !== undefined),
      'from and to go with a custom period, and only with one',
    ),
  );
export type ExportQuery = z.infer<typeof ExportQuerySchema>;

/** `POST /api/export/tickets` body: which export the ticket allows. */
export const ExportTicketRequestSchema = z.strictObject({
  path: z.string().check(z.regex(EXPORT_TARGET_PATH, 'path must be one of the two CSV exports')),
  query: ExportQuerySchema,
});
export type ExportTicketRequest = z.infer<typeof ExportTicketRequestSchema>;

/** The answer: the link to follow (the export's path and query plus `ticket=`) and when it stops working. */
export const ExportTicketResponseSchema = z.object({ url: z.string(), expiresAt: z.string() });
export type ExportTicketResponse = z.infer<typeof ExportTicketResponseSchema>;

/** The query in one spelling (period, from, to; nothing else), so a ticket binds one exact export. */
export function canonicalQuery(query: ExportQuery): string {
  const params = new URLSearchParams({ period: query.period });
  if (query.from !== undefined) params.set('from', query.from);
  if (query.to !== undefined) params.set('to', query.to);
  return params.toString();
}

/** What the store keeps of a ticket (under its hash). */
export interface TicketRecord {
  readonly agencyId: string;
  /** The export's path, as the link names it. */
  readonly path: string;
  /** {@link canonicalQuery} of the export's period. */
  readonly query: string;
  /** Epoch seconds (the table's TTL attribute); the ticket is refused from this second on. */
  readonly expiresAt: number;
}

/** The record of a ticket issued at `now` for `request`. */
export function ticketRecord(agencyId: string, request: ExportTicketRequest, now: number): TicketRecord {
  return {
    agencyId,
    path: request.path,
    query: canonicalQuery(request.query),
    expiresAt: Math.ceil((now + TICKET_TTL_MS) / 1000),
  };
}

/** The link that redeems `ticket` (base64url, so it needs no escaping). */
export function ticketUrl(record: Pick<TicketRecord, 'path' | 'query'>, ticket: string, param: string): string {
  return `${record.path}?${record.query}&${param}=${ticket}`;
}

/** Why a presented ticket is refused; each is a 401 with its message. */
export type TicketRefusal = 'unknown' | 'expired' | 'other-export';

/** Safe messages for the caller. */
export const TICKET_REFUSALS: Record<TicketRefusal, string> = {
  unknown: 'this download link was already used or is not valid: start the export again',
  expired: 'this download link has expired: start the export again',
  'other-export': 'this download link is for another export',
};

/**
 * Checks a consumed ticket against the request that presented it: the ticket must not have expired
 * at `now` (TTL deletes lazily, so an expired item may still be there), and the request's path and
 * period query must be exactly the ones it was issued for. Returns the agency, or why not.
 */
export function redeem(
  record: TicketRecord | undefined,
  request: { path: string; query: Record<string, string | undefined> },
  now: number,
): { agencyId: string } | { refused: TicketRefusal } {
  if (!record) return { refused: 'unknown' };
  if (now >= record.expiresAt * 1000) return { refused: 'expired' };
  const query = ExportQuerySchema.safeParse(request.query);
  if (request.path !== record.path || !query.success || canonicalQuery(query.data) !== record.query)
    return { refused: 'other-export' };
  return { agencyId: record.agencyId };
}
