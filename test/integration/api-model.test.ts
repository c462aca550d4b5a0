import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, putAgency } from '../../lambdas/adapters/dynamo/agencies';
import { TotalsStore } from '../../lambdas/adapters/dynamo/totals-store';
import { deltaForChange } from '../../lambdas/domain/aggregate';
import {
  DashboardResponseSchema,
  ModelDetailResponseSchema,
  TransactionsPageSchema,
} from '../../lambdas/domain/dashboard';
import { localDay } from '../../lambdas/domain/period';
import type { StoredTransaction } from '../../lambdas/domain/transaction';
import { type ApiDeps, makeApiHandler } from '../../lambdas/handlers/api';
import { makeExportHandler } from '../../lambdas/handlers/export/export-handler';
import { VIEWER_AUTHORIZATION_HEADER } from '../../lambdas/shared/edge';
import { silentLogger } from '../../lambdas/shared/logger';
import { needsSignIn } from '../../lambdas/shared/routes';
import { putTx, tx } from '../support/aggregate-fixtures';
import { freshTables, type TestTables } from '../support/ddb';
import { apiEvent, memorySecrets, modelItem, putAll, recordingTrigger } from './api-fixtures';

const NOW = Date.parse('2026-03-10T12:00:00.000Z');
const ZONE = 'America/New_York';
let t: TestTables;
let keyA: string;
let keyB: string;
const rows: StoredTransaction[] = [];
let queries: { index?: string; limit?: number }[] = [];

function deps(): ApiDeps {
  return {
    doc: t.doc,
    tables: { control: t.names.control, totals: t.names.totals, transactions: t.names.transactions },
    clock: { now: () => NOW },
    logger: silentLogger,
    config: { syncIntervalMs: 600_000, liveWithinMs: 1_320_000, cronSecretId: 'cron' },
    secrets: memorySecrets({ cron: 'x' }),
    trigger: recordingTrigger(),
  };
}
/** An export through the export handler, its CSV collected from the sink it streams into. */
async function exportCsv(path: string, key: string, query: Record<string, string> = {}) {
  const handler = makeExportHandler({ ...deps(), pageSize: 7 });
  const res = await handler(
    apiEvent('GET', path, { headers: { [VIEWER_AUTHORIZATION_HEADER]: `Bearer ${key}` }, query }),
  );
  if (!('stream' in res)) return { ...res, writes: 0 };
  let body = '';
  let writes = 0;
  await res.stream({
    write: async (text) => {
      body += text;
      writes += 1;
    },
  });
  return { statusCode: res.statusCode, headers: res.headers, body, writes };
}
async function call(path: string, key: string, query: Record<string, string> = {}) {
  return (await makeApiHandler(deps())(
    apiEvent('GET', path, { headers: { authorization: `Bearer ${key}` }, query }),
  )) as APIGatewayProxyStructuredResultV2;
}

beforeAll(async () => {
  t = await freshTables();
  await putAgency(t.doc, t.names.control, { agencyId: 'ag-a', name: 'Acme', timeZone: ZONE });
  await putAgency(t.doc, t.names.control, { agencyId: 'ag-b', name: 'Other' });
  keyA = await createApiKey(t.doc, t.names.control, 'ag-a');
  keyB = await createApiKey(t.doc, t.names.control, 'ag-b');
  await putAll(t.doc, t.names.control, [
    modelItem({ modelId: 'm1', agencyId: 'ag-a', displayName: 'Aria', status: 'ok', lastRunRows: 3, rowsWritten: 31 }),
    modelItem({ modelId: 'm2', agencyId: 'ag-a', displayName: 'Bella, "B"', status: 'ok' }),
    modelItem({ modelId: 'mb', agencyId: 'ag-b', displayName: 'Zed', status: 'ok' }),
  ]);
  // 30 sales of m1, one every 7 hours back from NOW, a refund, and two sales of m2.
  for (let i = 0; i < 30; i += 1)
    rows.push(
      tx({
        txKey: `oid#a${i}`,
        modelId: 'm1',
        agencyId: 'ag-a',
        date: new Date(NOW - i * 7 * 3_600_000).toISOString(),
        gross: 1000 + i,
        net: 800 + i,
        ...(i % 2 ? { fanHandle: `fan${i}` } : {}),
      }),
    );
  rows.push(
    tx({
      txKey: 'oid#r',
      modelId: 'm1',
      agencyId: 'ag-a',
      date: '2026-03-09T15:00:00.000Z',
      gross: -500,
      net: -500,
      source: 'refund',
    }),
    tx({ txKey: 'oid#b1', modelId: 'm2', agencyId: 'ag-a', date: '2026-03-08T03:00:00.000Z', gross: 7000, net: 6000 }),
    tx({ txKey: 'oid#b2', modelId: 'm2', agencyId: 'ag-a', date: '2026-03-10T02:00:00.000Z', gross: 300, net: 200 }),
  );
  const store = new TotalsStore(t.doc, t.names.totals, { now: () => NOW });
  for (const [i, r] of rows.entries()) {
    await putTx(t.doc, t.names.transactions, r);
    await store.applyRecords([
      { eventID: `e${i}`, deltas: deltaForChange({ eventName: 'INSERT', newImage: r }, () => [ZONE]) },
    ]);
  }
  t.doc.middlewareStack.add(
    (next) => async (args) => {
      const input = args.input as { IndexName?: string; Limit?: number; TableName?: string };
      if (input.TableName === t.names.transactions) queries.push({ index: input.IndexName, limit: input.Limit });
      return next(args);
    },
    { step: 'initialize', name: 'countTransactionQueries' },
  );
});

const inPeriod = (r: StoredTransaction, from: string, to: string) => {
  const d = localDay(Date.parse(r.date), ZONE);
  return d >= from && d <= to;
};

describe('model page API', () => {
  it('gives one model its period figures in the agency zone, per source and per day, and hides other agencies', async () => {
    const res = await call('/api/models/m1', keyA, { period: '7d' });
    expect(res.statusCode).toBe(200);
    const body = ModelDetailResponseSchema.parse(JSON.parse(String(res.body)));
    const mine = rows.filter((r) => r.modelId === 'm1');
    const sum = (list: StoredTransaction[]) => list.reduce((s, r) => s + r.gross, 0);
    expect(body.period).toMatchObject({ timeZone: ZONE, from: '2026-03-04', to: '2026-03-10' });
    expect(body.current.gross).toBe(sum(mine.filter((r) => inPeriod(r, '2026-03-04', '2026-03-10'))));
    expect(body.previous.gross).toBe(sum(mine.filter((r) => inPeriod(r, '2026-02-25', '2026-03-03'))));
    expect(body.current.bySource.refund?.gross).toBe(-500);
    expect(body.daily.reduce((s, d) => s + d.gross, 0)).toBe(body.current.gross);
    expect(body.lastRun).toMatchObject({ rows: 3, rowsEver: 31 });
    expect(body.model.period.gross).toBe(body.current.gross);
    // Read-only access keys read the same page under /api/key/ (an open route: no sign-in authorizer in front).
    const viaKey = ModelDetailResponseSchema.parse(
      JSON.parse(String((await call('/api/key/models/m1', keyA, { period: '7d' })).body)),
    );
    expect(viaKey.current).toEqual(body.current);
    expect(needsSignIn('GET', '/api/key/models/m1')).toBe(false);
    expect(needsSignIn('GET', '/api/key/models/m1/extra')).toBe(true);
    expect(needsSignIn('GET', '/api/models/m1')).toBe(true);
    expect((await call('/api/models/mb', keyA)).statusCode).toBe(404);
    expect((await call('/api/models/nope', keyA)).statusCode).toBe(404);
  });

  it('pages the latest transactions newest first, one Query with a Limit per page', async () => {
    queries = [];
    const first = TransactionsPageSchema.parse(
      JSON.parse(String((await call('/api/models/m1/transactions', keyA)).body)),
    );
    expect(first.items).toHaveLength(25);
    expect(first.items[0]?.date).toBe(new Date(NOW).toISOString());
    const dates = first.items.map((i) => i.date);
    expect([...dates].sort().reverse()).toEqual(dates);
    expect(first.items.find((i) => i.key === 'oid#r')).toMatchObject({ refund: true, gross: -500 });
    expect(first.items.find((i) => i.key === 'oid#a1')?.fanHandle).toBe('fan1');
    expect(first.nextCursor).not.toBeNull();
    const second = TransactionsPageSchema.parse(
      JSON.parse(String((await call('/api/models/m1/transactions', keyA, { cursor: first.nextCursor ?? '' })).body)),
    );
    expect(second.items).toHaveLength(6);
    expect(new Set([...first.items, ...second.items].map((i) => i.key)).size).toBe(31);
    expect(queries).toEqual([
      { index: 'byDate', limit: 25 },
      { index: 'byDate', limit: 25 },
    ]);
    for (const query of [{ limit: '0' }, { limit: '101' }, { cursor: 'bm90LWEtY3Vyc29y' }] as Record<
      string,
      string
    >[]) {
      const res = await call('/api/models/m1/transactions', keyA, query);
      expect(res.statusCode, JSON.stringify(query)).toBe(400);
    }
    // Another agency's key cannot read them.
    expect((await call('/api/models/m1/transactions', keyB)).statusCode).toBe(404);
  });
});

describe('CSV exports', () => {
  /** RFC 4180 fields per line, quotes kept (so a test can see them). */
  const parse = (csv: string) =>
    csv
      .trim()
      .split('\r\n')
      .map((line) => {
        const fields: string[] = [];
        let rest = line;
        while (true) {
          const m = /^("(?:[^"]|"")*"|[^,]*)(,|$)/.exec(rest);
          fields.push(m?.[1] ?? '');
          if (!m || m[2] === '') break;
          rest = rest.slice(m[0].length);
        }
        return fields;
      });

  it('exports per model per day for the period, with totals equal to the dashboard figures', async () => {
    const res = await exportCsv('/api/export/daily.csv', keyA, { period: '7d' });
    expect(res.statusCode).toBe(200);
    expect(res.headers?.['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers?.['content-disposition']).toMatch(/attachment; filename=".+\.csv"/);
    const [header, ...lines] = parse(String(res.body));
    expect(header).toEqual(['date', 'time_zone', 'model_id', 'model', 'currency', 'gross', 'net', 'transactions']);
    const dash = DashboardResponseSchema.parse(
      JSON.parse(String((await call('/api/dashboard', keyA, { period: '7d' })).body)),
    );
    const cents = (s: string | undefined) => Math.round(Number(s) * 100);
    expect(lines.reduce((s, l) => s + cents(l[5]), 0)).toBe(dash.current.gross);
    expect(lines.reduce((s, l) => s + Number(l[7]), 0)).toBe(dash.current.count);
    expect(lines.find((l) => l[2] === 'm2')?.[3]).toBe('"Bella, ""B"""');
    expect(lines.every((l) => l[1] === ZONE && l[4] === 'USD')).toBe(true);
  });

  it("exports one model's transactions of the period page by page, refunds as negative amounts", async () => {
    queries = [];
    const res = await exportCsv('/api/export/models/m1/transactions.csv', keyA, { period: '7d' });
    expect(res.statusCode).toBe(200);
    const [header, ...lines] = parse(String(res.body));
    expect(header?.slice(0, 7)).toEqual(['date_utc', 'local_date', 'source', 'category', 'currency', 'gross', 'net']);
    const expected = rows.filter((r) => r.modelId === 'm1' && inPeriod(r, '2026-03-04', '2026-03-10'));
    expect(lines).toHaveLength(expected.length);
    expect(lines.find((l) => l[2] === 'refund')?.[5]).toBe('-5.00');
    // Pages of 7 rows (lowered for the test): one Query per page, each page written as it came.
    expect(queries.length).toBeGreaterThan(2);
    expect(queries.every((q) => q.index === 'byDate' && q.limit === 7)).toBe(true);
    expect(res.writes).toBeGreaterThan(2);
  });

  it("hides another agency's model (404) and refuses a bad period (400) or credential (401)", async () => {
    expect((await exportCsv('/api/export/models/mb/transactions.csv', keyA)).statusCode).toBe(404);
    expect((await exportCsv('/api/export/models/mb/transactions.csv', keyB)).statusCode).toBe(200);
    const bad = await exportCsv('/api/export/daily.csv', keyA, { period: 'fortnight' });
    expect(bad.statusCode).toBe(400);
    expect(JSON.parse(String('body' in bad ? bad.body : ''))).toEqual({ error: expect.stringMatching(/period/) });
    expect((await exportCsv('/api/export/daily.csv', 'not-a-key')).statusCode).toBe(401);
  });
});
