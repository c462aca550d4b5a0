import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  ExportTicketRequestSchema,
  redeem,
  TICKET_TTL_MS,
  type TicketRecord,
  ticketRecord,
  ticketUrl,
} from '../../lambdas/domain/export-ticket';
import { isTicketShaped, newTicket, TICKET_BYTES, ticketHash } from '../../lambdas/domain/ticket-token';
import { EXPORT_TICKET_PARAM, EXPORT_TICKETS_PATH, isExportFunctionPath } from '../../lambdas/shared/edge';

const DAILY = '/api/export/daily.csv';
const TX_A = '/api/export/models/m-a/transactions.csv';
const ISSUED = Date.parse('2026-03-10T12:00:00.000Z');

const record = (path = DAILY, query: Record<string, string> = { period: '7d' }, now = ISSUED): TicketRecord =>
  ticketRecord('ag-1', ExportTicketRequestSchema.parse({ path, query }), now);

describe('ticket secrets', () => {
  it('are 256 random bits in base64url, and stored only as their SHA-256', () => {
    const sizes: number[] = [];
    const fixed = newTicket((n) => {
      sizes.push(n);
      return new Uint8Array(n).fill(0xfb);
    });
    expect(sizes).toEqual([TICKET_BYTES]);
    expect(TICKET_BYTES * 8).toBe(256);
    expect(fixed).toBe(Buffer.alloc(32, 0xfb).toString('base64url'));
    expect(isTicketShaped(fixed)).toBe(true);
    const [a, b] = [newTicket(), newTicket()];
    expect(a).not.toBe(b);
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(ticketHash(a)).toBe(createHash('sha256').update(a).digest('hex'));
    expect(ticketHash(a)).not.toContain(a);
    expect(ticketHash(a)).not.toBe(ticketHash(b));
    expect(isTicketShaped(`${a}x`)).toBe(false);
    expect(isTicketShaped('a+b/c=')).toBe(false);
  });
});

describe('ticket requests', () => {
  it('name one of the two exports and a valid period query, nothing else', () => {
    const ok = (body: unknown) => ExportTicketRequestSchema.safeParse(body).success;
    expect(ok({ path: DAILY, query: { period: '30d' } })).toBe(true);
    expect(ok({ path: TX_A, query: { period: 'custom', from: '2026-03-01', to: '2026-03-09' } })).toBe(true);
    expect(ok({ path: '/api/dashboard', query: { period: '30d' } })).toBe(false);
    expect(ok({ path: '/api/export/models/a/b/transactions.csv', query: { period: '30d' } })).toBe(false);
    expect(ok({ path: `${DAILY}?period=7d`, query: { period: '7d' } })).toBe(false);
    expect(ok({ path: DAILY, query: { period: 'forever' } })).toBe(false);
    expect(ok({ path: DAILY, query: { period: 'custom', from: '2026-03-01' } })).toBe(false);
    expect(ok({ path: DAILY, query: { period: '7d', from: '2026-03-01', to: '2026-03-02' } })).toBe(false);
    expect(ok({ path: DAILY, query: { period: '7d', ticket: 'x' } })).toBe(false);
    expect(ok({ path: DAILY, query: { period: '7d' }, agencyId: 'ag-2' })).toBe(false);
  });

  it('give a link to the export itself, with its query and the ticket', () => {
    const r = record(TX_A, { to: '2026-03-09', period: 'custom', from: '2026-03-01' });
    const url = new URL(ticketUrl(r, 'T'.repeat(43), EXPORT_TICKET_PARAM), 'https://d.example');
    expect(url.pathname).toBe(TX_A);
    expect([...url.searchParams]).toEqual([
      ['period', 'custom'],
      ['from', '2026-03-01'],
      ['to', '2026-03-09'],
      ['ticket', 'T'.repeat(43)],
    ]);
  });

  it('go to the API, every other export path to the export function', () => {
    expect(isExportFunctionPath(EXPORT_TICKETS_PATH)).toBe(false);
    expect(isExportFunctionPath(`${EXPORT_TICKETS_PATH}/`)).toBe(false);
    expect(isExportFunctionPath(DAILY)).toBe(true);
    expect(isExportFunctionPath(TX_A)).toBe(true);
    expect(isExportFunctionPath('/api/dashboard')).toBe(false);
  });
});

describe('redeeming a consumed ticket', () => {
  it('expires a minute after issue by the injected clock, whether or not TTL has removed it', () => {
    const r = record();
    const at = (ms: number) => redeem(r, { path: DAILY, query: { period: '7d' } }, ms);
    expect(at(ISSUED)).toEqual({ agencyId: 'ag-1' });
    expect(at(ISSUED + TICKET_TTL_MS - 1)).toEqual({ agencyId: 'ag-1' });
    expect(at(ISSUED + TICKET_TTL_MS)).toEqual({ refused: 'expired' });
    expect(at(ISSUED + 3_600_000)).toEqual({ refused: 'expired' });
    // Issued mid-second: TTL is whole seconds, rounded up, so never shorter than a minute.
    const mid = record(DAILY, { period: '7d' }, ISSUED + 400);
    expect(redeem(mid, { path: DAILY, query: { period: '7d' } }, ISSUED + 400 + TICKET_TTL_MS - 1)).toEqual({
      agencyId: 'ag-1',
    });
    expect(redeem(mid, { path: DAILY, query: { period: '7d' } }, ISSUED + 61_000)).toEqual({ refused: 'expired' });
  });

  it('allows only the path and period it was issued for (parameter order aside)', () => {
    const custom = { period: 'custom', from: '2026-03-01', to: '2026-03-09' };
    const r = record(TX_A, custom);
    const with_ = (path: string, query: Record<string, string | undefined>) => redeem(r, { path, query }, ISSUED);
    expect(with_(TX_A, { to: '2026-03-09', from: '2026-03-01', period: 'custom' })).toEqual({ agencyId: 'ag-1' });
    expect(with_('/api/export/models/m-b/transactions.csv', custom)).toEqual({ refused: 'other-export' });
    expect(with_(DAILY, custom)).toEqual({ refused: 'other-export' });
    expect(with_(TX_A, { ...custom, to: '2026-03-10' })).toEqual({ refused: 'other-export' });
    expect(with_(TX_A, { period: '7d' })).toEqual({ refused: 'other-export' });
    expect(with_(TX_A, { ...custom, days: '7' })).toEqual({ refused: 'other-export' });
    expect(with_(TX_A, {})).toEqual({ refused: 'other-export' });
  });

  it('refuses a ticket the store did not give back (unknown, or already consumed)', () => {
    expect(redeem(undefined, { path: DAILY, query: { period: '7d' } }, ISSUED)).toEqual({ refused: 'unknown' });
  });
});
