import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, putAgency, setAgencyTimeZone } from '../../lambdas/adapters/dynamo/agencies';
import { DashboardResponseSchema } from '../../lambdas/domain/dashboard';
import { localDay } from '../../lambdas/domain/period';
import { type ApiDeps, makeApiHandler } from '../../lambdas/handlers/api';
import { silentLogger } from '../../lambdas/shared/logger';
import { AGENCY_SHARDS, keys } from '../../lambdas/shared/tables';
import { freshTables, type TestTables } from '../support/ddb';
import { apiEvent, memorySecrets, modelItem, put, putAll, recordingTrigger, totalsItem } from './api-fixtures';

const NOW = Date.parse('2026-03-10T12:00:00.000Z');
const MIN = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();
const CRON = 'cron-secret-value-for-tests';

let t: TestTables;
let keyA: string;
let keyB: string;

function deps(over: Partial<ApiDeps> = {}): ApiDeps & { trigger: ReturnType<typeof recordingTrigger> } {
  return {
    doc: t.doc,
    tables: { control: t.names.control, totals: t.names.totals, transactions: t.names.transactions },
    clock: { now: () => NOW },
    logger: silentLogger,
    config: { syncIntervalMs: 600_000, liveWithinMs: 1_320_000, cronSecretId: 'cron' },
    secrets: memorySecrets({ cron: CRON }),
    trigger: recordingTrigger(),
    ...over,
  } as ApiDeps & { trigger: ReturnType<typeof recordingTrigger> };
}

async function call(d: ApiDeps, ...args: Parameters<typeof apiEvent>): Promise<APIGatewayProxyStructuredResultV2> {
  return (await makeApiHandler(d)(apiEvent(...args))) as APIGatewayProxyStructuredResultV2;
}
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

beforeAll(async () => {
  t = await freshTables();
  await putAgency(t.doc, t.names.control, { agencyId: 'ag-a', name: 'Acme Talent' });
  await putAgency(t.doc, t.names.control, { agencyId: 'ag-b', name: 'Other Agency' });
  keyA = await createApiKey(t.doc, t.names.control, 'ag-a');
  keyB = await createApiKey(t.doc, t.names.control, 'ag-b');
  await putAll(t.doc, t.names.control, [
    modelItem({
      modelId: 'm-a1',
      agencyId: 'ag-a',
      displayName: 'Aria',
      status: 'ok',
      lastSuccessAt: iso(NOW - 3 * MIN),
      lastSyncStartedAt: iso(NOW - 3.5 * MIN),
    }),
    modelItem({
      modelId: 'm-a2',
      agencyId: 'ag-a',
      displayName: 'Bella',
      status: 'error',
      lastErrorCode: 'auth',
      lastError: 'refresh token rejected (invalid_grant)',
      consecutiveFailures: 3,
      lastSuccessAt: iso(NOW - 120 * MIN),
      lastSyncStartedAt: iso(NOW - 5 * MIN),
    }),
    modelItem({
      modelId: 'm-a3',
      agencyId: 'ag-a',
      displayName: 'Cleo',
      status: 'syncing',
      lastSyncStartedAt: iso(NOW - 30_000),
    }),
    modelItem({ modelId: 'm-b1', agencyId: 'ag-b', displayName: 'Zed', status: 'ok', lastSuccessAt: iso(NOW - MIN) }),
  ]);
  await putAll(t.doc, t.names.totals, [
    // The agency's figures are spread over shards of its items (as concurrent aggregators leave them).
    totalsItem(keys.agencyPk('ag-a'), keys.totalSk, {
      gross: 10_000,
      net: 8_000,
      count: 3,
      bySource: { subscription: { gross: 10_000, net: 8_000, count: 3 } },
    }),
    totalsItem(keys.agencyShardPk(keys.agencyPk('ag-a'), 3), keys.totalSk, {
      gross: 2_500,
      net: 2_000,
      count: 1,
      bySource: { tip: { gross: 2_500, net: 2_000, count: 1 } },
    }),
    totalsItem(keys.agencyPk('ag-a'), keys.zoneDaySk('UTC', '2026-03-10'), { gross: 2_500, net: 2_000, count: 1 }),
    totalsItem(keys.agencyShardPk(keys.agencyPk('ag-a'), 7), keys.zoneDaySk('UTC', '2026-02-09'), {
      gross: 1_000,
      net: 800,
      count: 0,
    }),
    totalsItem(keys.agencyShardPk(keys.agencyPk('ag-a'), 1), keys.zoneDaySk('UTC', '2026-02-09'), {
      gross: 3_000,
      net: 2_400,
      count: 1,
    }),
    totalsItem(keys.agencyPk('ag-a'), keys.zoneDaySk('UTC', '2026-02-08'), { gross: 6_000, net: 4_800, count: 2 }),
    totalsItem(keys.modelPk('m-a1'), keys.totalSk, { gross: 10_000, net: 8_000, count: 3 }),
    totalsItem(keys.modelPk('m-a2'), keys.totalSk, { gross: 2_500, net: 2_000, count: 1 }),
    totalsItem(keys.agencyPk('ag-b'), keys.totalSk, { gross: 99_900, net: 80_000, count: 9 }),
    totalsItem(keys.modelPk('m-b1'), keys.totalSk, { gross: 99_900, net: 80_000, count: 9 }),
  ]);
});

describe('GET /api/dashboard', () => {
  it('returns the agency totals, zero-filled days and each model with its freshness', async () => {
    const res = await call(deps(), 'GET', '/api/dashboard', { headers: bearer(keyA) });
    expect(res.statusCode).toBe(200);
    expect(res.headers?.['cache-control']).toBe('no-cache');
    const body = DashboardResponseSchema.parse(JSON.parse(String(res.body)));
    expect(body.agency).toEqual({ id: 'ag-a', name: 'Acme Talent' });
    expect(body.generatedAt).toBe(iso(NOW));
    expect(body.freshness).toEqual({ syncIntervalMs: 600_000, liveWithinMs: 1_320_000 });
    expect(body.totals).toMatchObject({ gross: 12_500, net: 10_000, count: 4 });
    expect(body.totals.bySource.subscription).toEqual({ gross: 10_000, net: 8_000, count: 3 });
    expect(body.totals.bySource.tip).toEqual({ gross: 2_500, net: 2_000, count: 1 });
    expect(body.totals.bySource.other).toEqual({ gross: 0, net: 0, count: 0 });
    // Last 30 UTC days, today included: 2026-02-09 .. 2026-03-10; 2026-02-08 is outside.
    expect(body.daily).toHaveLength(30);
    expect(body.daily[0]).toEqual({ day: '2026-02-09', gross: 4_000, net: 3_200, count: 1 });
    expect(body.daily[29]).toEqual({ day: '2026-03-10', gross: 2_500, net: 2_000, count: 1 });
    expect(body.daily[15]).toEqual({ day: '2026-02-24', gross: 0, net: 0, count: 0 });
    expect(body.models.map((m) => m.modelId)).toEqual(['m-a1', 'm-a2', 'm-a3']);
    const [aria, bella, cleo] = body.models;
    expect(aria).toMatchObject({
      displayName: 'Aria',
      totals: { gross: 10_000, net: 8_000, count: 3 },
      freshness: 'live',
      lastError: null,
      nextSyncDueAt: iso(NOW),
    });
    expect(bella).toMatchObject({
      freshness: 'stale',
      status: 'error',
      consecutiveFailures: 3,
      lastError: 'Fanvue access was revoked: reconnect this model',
    });
    expect(cleo).toMatchObject({ freshness: 'syncing', totals: { gross: 0, net: 0, count: 0 }, lastSuccessAt: null });
    // The stored technical message never reaches the browser.
    expect(res.body).not.toContain('invalid_grant');
  });

  it('honours ?days= and rejects anything outside 1..90 with a 400 and a message', async () => {
    const seven = await call(deps(), 'GET', '/api/dashboard', { headers: bearer(keyA), query: { days: '7' } });
    expect(JSON.parse(String(seven.body)).daily.map((d: { day: string }) => d.day)).toEqual([
      '2026-03-04',
      '2026-03-05',
      '2026-03-06',
      '2026-03-07',
      '2026-03-08',
      '2026-03-09',
      '2026-03-10',
    ]);
    expect(
      (await call(deps(), 'GET', '/api/dashboard', { headers: bearer(keyA), query: { days: '90' } })).statusCode,
    ).toBe(200);
    for (const days of ['0', '91', 'abc', '1.5', '-3', '', '1e1']) {
      const res = await call(deps(), 'GET', '/api/dashboard', { headers: bearer(keyA), query: { days } });
      expect(res.statusCode, `days=${days}`).toBe(400);
      expect(JSON.parse(String(res.body)).error).toMatch(/days must be a whole number from 1 to 90/);
    }
  });

  it('serves each period with its comparison period, in the agency zone, and rejects bad periods with a 400', async () => {
    const get = async (key: string, query: Record<string, string>) => {
      const res = await call(deps(), 'GET', '/api/dashboard', { headers: bearer(key), query });
      expect(res.statusCode, JSON.stringify(query)).toBe(200);
      return { body: DashboardResponseSchema.parse(JSON.parse(String(res.body))), etag: res.headers?.etag };
    };
    const week = await get(keyA, { period: '7d' });
    expect(week.body.period).toMatchObject({
      key: '7d',
      from: '2026-03-04',
      to: '2026-03-10',
      timeZone: 'UTC',
      previous: { from: '2026-02-25', to: '2026-03-03' },
    });
    expect(week.body.current).toMatchObject({ gross: 2_500, net: 2_000, count: 1 });
    expect(week.body.previous).toMatchObject({ gross: 0, count: 0 });
    const month = await get(keyA, { period: '30d' });
    expect(month.body.current).toMatchObject({ gross: 6_500, count: 2 });
    expect(month.body.previous).toMatchObject({ gross: 6_000, count: 2 });
    expect(month.etag).not.toBe(week.etag);
    const custom = await get(keyA, { period: 'custom', from: '2026-02-08', to: '2026-02-09' });
    expect(custom.body.current.gross).toBe(10_000);
    expect(custom.body.daily.map((d) => d.gross)).toEqual([6_000, 4_000]);

    for (const [query, error] of [
      [{ period: 'fortnight' }, /period must be one of/],
      [{ period: 'custom' }, /needs from and to/],
      [{ period: 'custom', from: '2026-03-10', to: '2026-03-01' }, /from must not be after to/],
      [{ period: 'custom', from: '2025-01-01', to: '2026-03-01' }, /at most 92 days/],
      [{ period: 'custom', from: '2026-02-30', to: '2026-03-01' }, /not a calendar date/],
    ] as const) {
      const res = await call(deps(), 'GET', '/api/dashboard', { headers: bearer(keyA), query });
      expect(res.statusCode, JSON.stringify(query)).toBe(400);
      expect(JSON.parse(String(res.body)).error).toMatch(error);
    }

    // Agency B counts in Kathmandu (UTC+05:45): "today" is that zone's day.
    await setAgencyTimeZone(t.doc, t.names.control, 'ag-b', 'Asia/Kathmandu', true);
    const b = await get(keyB, { period: 'today' });
    expect(b.body.period).toMatchObject({ timeZone: 'Asia/Kathmandu', from: localDay(NOW, 'Asia/Kathmandu') });
    await setAgencyTimeZone(t.doc, t.names.control, 'ag-b', 'Europe/Berlin', false);
    // A zone still being rebuilt is announced, and the figures stay in the old zone until then.
    expect((await get(keyB, { period: 'today' })).body.period).toMatchObject({
      timeZone: 'Asia/Kathmandu',
      pendingTimeZone: 'Europe/Berlin',
    });
    await expect(setAgencyTimeZone(t.doc, t.names.control, 'ag-b', 'Mars/Olympus', true)).rejects.toThrow();
  });

  it('answers 304 with no body for an unchanged ETag, and 200 with a new one once the data changes', async () => {
    const first = await call(deps(), 'GET', '/api/dashboard', { headers: bearer(keyA) });
    const etag = String(first.headers?.etag);
    expect(etag).toMatch(/^"[\w-]+"$/);
    // A later poll (new generatedAt) over the same data still matches.
    const later = deps({ clock: { now: () => NOW + 20_000 } });
    const again = await call(later, 'GET', '/api/dashboard', { headers: { ...bearer(keyA), 'if-none-match': etag } });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBeUndefined();
    expect(again.headers?.etag).toBe(etag);
    await put(
      t.doc,
      t.names.totals,
      totalsItem(keys.modelPk('m-a2'), keys.totalSk, { gross: 2_600, net: 2_100, count: 2 }),
    );
    const changed = await call(later, 'GET', '/api/dashboard', { headers: { ...bearer(keyA), 'if-none-match': etag } });
    expect(changed.statusCode).toBe(200);
    expect(changed.headers?.etag).not.toBe(etag);
    await put(
      t.doc,
      t.names.totals,
      totalsItem(keys.modelPk('m-a2'), keys.totalSk, { gross: 2_500, net: 2_000, count: 1 }),
    );
  });

  it('answers 401 without a key, with an unknown key and with a malformed header', async () => {
    for (const headers of [
      {},
      bearer('x'.repeat(43)),
      { authorization: keyA },
      { authorization: 'Basic abc' },
      bearer(`${keyA}x`),
    ]) {
      const res = await call(deps(), 'GET', '/api/dashboard', { headers });
      expect(res.statusCode).toBe(401);
      expect(JSON.parse(String(res.body))).toEqual({ error: 'missing or invalid access key' });
    }
  });

  it('reads only totals and model records, in a bounded number of requests', async () => {
    const tablesSeen: string[] = [];
    const counting = new Proxy(t.doc, {
      get(target, prop, receiver) {
        if (prop !== 'send') return Reflect.get(target, prop, receiver);
        return (cmd: { input: { TableName?: string; RequestItems?: Record<string, unknown> } }) => {
          tablesSeen.push(cmd.input.TableName ?? Object.keys(cmd.input.RequestItems ?? {}).join(','));
          return target.send(cmd as never);
        };
      },
    }) as DynamoDBDocumentClient;
    const res = await call(deps({ doc: counting }), 'GET', '/api/dashboard', {
      headers: bearer(keyA),
      query: { days: '90' },
    });
    expect(res.statusCode).toBe(200);
    expect(tablesSeen).not.toContain(t.names.transactions);
    // key + agency + agency TOTAL (one BatchGet over its shards) + one days Query per shard + models Query + one BatchGet.
    expect(tablesSeen).toHaveLength(5 + AGENCY_SHARDS);
  });
});

describe('tenancy', () => {
  it("never shows another agency's models or money", async () => {
    const res = await call(deps(), 'GET', '/api/dashboard', { headers: bearer(keyB) });
    const body = DashboardResponseSchema.parse(JSON.parse(String(res.body)));
    expect(body.agency.id).toBe('ag-b');
    expect(body.models.map((m) => m.modelId)).toEqual(['m-b1']);
    expect(body.totals.gross).toBe(99_900);
    const a = await call(deps(), 'GET', '/api/dashboard', { headers: bearer(keyA) });
    expect(a.body).not.toContain('m-b1');
    expect(a.body).not.toContain('99900');
  });

  it('treats access keys as read-only: no model sync, for its own agency or another (signed-in members sync)', async () => {
    const d = deps();
    for (const path of ['/api/models/m-a1/sync', '/api/models/m-b1/sync', '/api/models/nope/sync']) {
      expect((await call(d, 'POST', path, { headers: bearer(keyA) })).statusCode, path).toBe(401);
    }
    expect((await call(d, 'POST', '/api/models/m-a1/sync', {})).statusCode).toBe(401);
    expect(d.trigger.calls).toEqual([]);
  });

  it('serves the key-only dashboard route to access keys, scoped to their agency', async () => {
    const res = await call(deps(), 'GET', '/api/key/dashboard', { headers: bearer(keyB) });
    expect(DashboardResponseSchema.parse(JSON.parse(String(res.body))).agency.id).toBe('ag-b');
    expect((await call(deps(), 'GET', '/api/key/dashboard', {})).statusCode).toBe(401);
  });
});

describe('POST /api/sync (cron secret)', () => {
  it('rejects a missing or wrong secret with 401 and starts nothing', async () => {
    const d = deps();
    for (const headers of [{}, { 'x-cron-secret': 'wrong' }, { 'x-cron-secret': `${CRON}x` }, bearer(keyA)] as Record<
      string,
      string
    >[]) {
      const res = await call(d, 'POST', '/api/sync', { headers });
      expect(res.statusCode).toBe(401);
    }
    expect(d.trigger.calls).toEqual([]);
  });

  it('starts the fan-out without a body, one model with { modelId }, and reads the secret once', async () => {
    const d = deps();
    const h = makeApiHandler(d);
    const all = await h(apiEvent('POST', '/api/sync', { headers: { 'x-cron-secret': CRON } }));
    expect(all).toMatchObject({ statusCode: 202 });
    const one = await h(
      apiEvent('POST', '/api/sync', { headers: { 'x-cron-secret': CRON }, body: '{"modelId":"m-b1"}' }),
    );
    expect(one).toMatchObject({ statusCode: 202 });
    expect(d.trigger.calls).toEqual([
      { kind: 'all', reason: 'manual' },
      { kind: 'model', modelId: 'm-b1', reason: 'manual' },
    ]);
    expect((d.secrets as ReturnType<typeof memorySecrets>).reads).toBe(1);
  });

  it('answers 400 on bad JSON or a bad body, 404 on an unknown model', async () => {
    const d = deps();
    const headers = { 'x-cron-secret': CRON };
    for (const body of ['{', '{"modelId":5}', '{"modelId":""}', '{"other":1}', '[]']) {
      const res = await call(d, 'POST', '/api/sync', { headers, body });
      expect(res.statusCode, body).toBe(400);
      expect(JSON.parse(String(res.body)).error).toEqual(expect.any(String));
    }
    expect((await call(d, 'POST', '/api/sync', { headers, body: '{"modelId":"ghost"}' })).statusCode).toBe(404);
    expect(d.trigger.calls).toEqual([]);
  });
});

describe('routing and errors', () => {
  it('answers 404 on unknown routes and 405 on wrong methods', async () => {
    expect((await call(deps(), 'GET', '/api/nope', { headers: bearer(keyA) })).statusCode).toBe(404);
    expect((await call(deps(), 'POST', '/api/dashboard', { headers: bearer(keyA) })).statusCode).toBe(405);
  });

  it('answers 500 with no internals when storage fails', async () => {
    const res = await call(
      deps({ tables: { control: t.names.control, totals: 'no-such-table', transactions: t.names.transactions } }),
      'GET',
      '/api/dashboard',
      { headers: bearer(keyA) },
    );
    expect(res.statusCode).toBe(500);
    expect(JSON.parse(String(res.body))).toEqual({ error: 'internal error' });
  });
});
