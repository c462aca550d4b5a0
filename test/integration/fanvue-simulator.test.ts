import { describe, expect, it } from 'vitest';
import { CreatorsPageSchema, EarningRowSchema, EarningsPageSchema } from '../../lambdas/adapters/fanvue/schema';
import type { FanvueSimulator } from '../../local/fanvue-simulator';
import {
  api,
  connect,
  earningsPath,
  readAll,
  rowKey,
  simulatorsForSuite,
  testClock,
  tokenRequest,
} from './fanvue-simulator-helpers';

const start = simulatorsForSuite();

function first(sim: FanvueSimulator): string {
  const c = sim.creators[0];
  if (!c) throw new Error('no creator');
  return c.uuid;
}

describe('generated data', () => {
  it('is the same for the same seed and differs for another seed', async () => {
    const [a, b, c] = await Promise.all([start({ seed: 42 }), start({ seed: 42 }), start({ seed: 43 })]);
    expect(b.creators).toEqual(a.creators);
    expect(b.rows(first(b))).toEqual(a.rows(first(a)));
    expect(c.creators.map((x) => x.uuid)).not.toEqual(a.creators.map((x) => x.uuid));
    expect(c.rows(first(c))).not.toEqual(a.rows(first(a)));
  });

  it('follows the row contract: integer cents, refunds of earlier rows, shared timestamps, statuses by age', async () => {
    const clock = testClock();
    const sim = await start({
      seed: 5,
      creators: 1,
      history: 400,
      historyDays: 30,
      refundRate: 0.1,
      settleDelayMs: 7 * 86_400_000,
      now: clock.now,
    });
    const rows = sim.rows(first(sim));
    expect(rows).toHaveLength(400);
    for (const row of rows) {
      expect(EarningRowSchema.safeParse(row).success).toBe(true);
      expect(Date.parse(row.date)).toBeLessThan(clock.now());
      expect(Date.parse(row.date)).toBeGreaterThanOrEqual(clock.now() - 30 * 86_400_000);
      const young = clock.now() - Date.parse(row.date) < 7 * 86_400_000;
      expect(row.transactionOrderStatus).toBe(young ? 'pendingBalance' : 'availableForPayout');
      if (row.source === 'referral' || row.source === 'affiliate') expect(row.user).toBeNull();
    }
    const reversals = rows.filter((r) => r.gross < 0);
    expect(reversals.length).toBeGreaterThan(10);
    for (const rev of reversals) {
      expect(['refund', 'chargeback']).toContain(rev.source);
      const original = rows.find((r) => r.transactionOrderId === rev.reversedTransactionOrderId);
      expect(original?.gross).toBe(-rev.gross);
      expect(Date.parse(original?.date ?? '')).toBeLessThanOrEqual(Date.parse(rev.date));
    }
    expect(new Set(rows.map((r) => r.date)).size).toBeLessThan(rows.length);
    expect(new Set(rows.map((r) => r.transactionOrderId)).size).toBe(rows.length);
  });

  it('has groups of identical id-less rows at one timestamp in identicalRows mode, served by the API', async () => {
    const sim = await start({ creators: 1, history: 60, identicalRows: true });
    const idless = sim.rows(first(sim)).filter((r) => r.transactionOrderId === undefined);
    expect(idless.length).toBeGreaterThanOrEqual(4);
    const byContent = new Map<string, number>();
    for (const r of idless) byContent.set(rowKey(r), (byContent.get(rowKey(r)) ?? 0) + 1);
    expect(Math.max(...byContent.values())).toBeGreaterThanOrEqual(2);
    const { accessToken } = await connect(sim, { agency: true });
    const served = (await readAll(sim, first(sim), accessToken, { size: 50 })).rows;
    expect(served.filter((r) => r.transactionOrderId === undefined)).toHaveLength(idless.length);
  });

  it('serves rows without transactionOrderId or reversedTransactionOrderId when withIds is false', async () => {
    const sim = await start({ creators: 1, history: 200, refundRate: 0.1, withIds: false });
    const { accessToken } = await connect(sim, { agency: true });
    const { rows } = await readAll(sim, first(sim), accessToken, { size: 50 });
    expect(rows).toHaveLength(200);
    expect(rows.some((r) => r.gross < 0)).toBe(true);
    expect(rows.every((r) => !('transactionOrderId' in r) && !('reversedTransactionOrderId' in r))).toBe(true);
  });
});

describe('earnings pagination', () => {
  it('treats startDate as inclusive and endDate as exclusive', async () => {
    const sim = await start({ creators: 1, history: 50 });
    const { accessToken } = await connect(sim, { agency: true });
    const target = sim.rows(first(sim))[20];
    if (!target) throw new Error('no row');
    const atT = sim.rows(first(sim)).filter((r) => r.date === target.date).length;
    const t = Date.parse(target.date);
    const iso = (ms: number) => new Date(ms).toISOString();
    const upTo = await readAll(sim, first(sim), accessToken, { startDate: iso(t - 3_600_000), endDate: target.date });
    expect(upTo.rows.some((r) => r.date === target.date)).toBe(false);
    const from = await readAll(sim, first(sim), accessToken, { startDate: target.date, endDate: iso(t + 1) });
    expect(from.rows).toHaveLength(atT);
    const empty = await readAll(sim, first(sim), accessToken, { startDate: target.date, endDate: target.date });
    expect(empty.rows).toEqual([]);
  });

  it.each(['desc', 'asc'] as const)('covers every row exactly once in %s order, in that order', async (order) => {
    const sim = await start({ creators: 1, history: 137, order });
    const { accessToken } = await connect(sim, { agency: true });
    const { rows, pages } = await readAll(sim, first(sim), accessToken, { size: 10 });
    expect(pages).toBe(14);
    const expected = sim.rows(first(sim));
    expect(rows.map(rowKey).sort()).toEqual(expected.map(rowKey).sort());
    expect(new Set(rows.map((r) => r.transactionOrderId)).size).toBe(137);
    const times = rows.map((r) => Date.parse(r.date));
    expect(times).toEqual([...times].sort((x, y) => (order === 'desc' ? y - x : x - y)));
  });

  it.each(['desc', 'asc'] as const)('stays stable in %s order when rows arrive mid-pagination', async (order) => {
    const clock = testClock();
    const sim = await start({ creators: 1, history: 90, order, sameTimestampRate: 0.3, now: clock.now });
    const uuid = first(sim);
    const { accessToken } = await connect(sim, { agency: true });
    const before = sim.rows(uuid);
    const middle = before[45]?.date ?? '';
    const { rows } = await readAll(sim, uuid, accessToken, { size: 7 }, () => {
      clock.advance(1_000);
      sim.addRow(uuid);
      sim.addRow(uuid, { date: middle });
    });
    const served = rows.map((r) => r.transactionOrderId);
    expect(new Set(served).size).toBe(served.length);
    for (const row of before) expect(served).toContain(row.transactionOrderId);
  });

  it('filters by source', async () => {
    const sim = await start({ creators: 1, history: 120 });
    const { accessToken } = await connect(sim, { agency: true });
    const { rows } = await readAll(sim, first(sim), accessToken, { source: 'tip', size: 5 });
    expect(rows.length).toBe(sim.rows(first(sim)).filter((r) => r.source === 'tip').length);
    expect(rows.every((r) => r.source === 'tip')).toBe(true);
  });

  it('rejects a garbage cursor, a cursor of another query, and sizes or dates out of range with 400', async () => {
    const sim = await start({ creators: 1, history: 30 });
    const uuid = first(sim);
    const { accessToken } = await connect(sim, { agency: true });
    const page = EarningsPageSchema.parse(await (await api(sim, earningsPath(uuid, { size: 5 }), accessToken)).json());
    const cursor = page.nextCursor ?? '';
    expect(cursor).not.toBe('');
    const bad = [
      earningsPath(uuid, { cursor: 'not-a-cursor' }),
      earningsPath(uuid, { cursor, source: 'tip' }),
      earningsPath(uuid, { size: 0 }),
      earningsPath(uuid, { size: 51 }),
      earningsPath(uuid, { size: 'ten' }),
      earningsPath(uuid, { startDate: 'yesterday' }),
      earningsPath(uuid, { startDate: '2025-02-01T00:00:00Z', endDate: '2025-01-01T00:00:00Z' }),
    ];
    for (const path of bad) {
      const res = await api(sim, path, accessToken);
      expect(res.status, path).toBe(400);
      expect(await res.json()).toHaveProperty('error');
    }
    expect((await api(sim, earningsPath(uuid, { cursor, size: 50 }), accessToken)).status).toBe(200);
  });
});

describe('OAuth tokens', () => {
  it('rotates refresh tokens and revokes the whole family when a used one is presented again', async () => {
    const sim = await start({ creators: 1 });
    const original = sim.createConnection({ agency: true }).refreshToken;
    const firstRes = await tokenRequest(sim, { grant_type: 'refresh_token', refresh_token: original });
    const firstBody = (await firstRes.json()) as {
      access_token: string;
      refresh_token: string;
      expires_in: number;
      token_type: string;
    };
    expect(firstRes.status).toBe(200);
    expect(firstBody.refresh_token).not.toBe(original);
    expect(firstBody.expires_in).toBe(3600);
    const second = (await (
      await tokenRequest(sim, { grant_type: 'refresh_token', refresh_token: firstBody.refresh_token })
    ).json()) as { access_token: string; refresh_token: string };
    expect((await api(sim, '/creators', second.access_token)).status).toBe(200);

    const reuse = await tokenRequest(sim, { grant_type: 'refresh_token', refresh_token: original });
    expect(reuse.status).toBe(400);
    expect(await reuse.json()).toMatchObject({ error: 'invalid_grant' });
    expect((await api(sim, '/creators', second.access_token)).status).toBe(401);
    const newest = await tokenRequest(sim, { grant_type: 'refresh_token', refresh_token: second.refresh_token });
    expect(newest.status).toBe(400);
    expect(await newest.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('rejects bad client credentials with 401 invalid_client and other grants with 400', async () => {
    const sim = await start({ creators: 1 });
    const rt = sim.createConnection({ agency: true }).refreshToken;
    const badClient = await tokenRequest(
      sim,
      { grant_type: 'refresh_token', refresh_token: rt },
      { id: sim.clientId, secret: 'wrong' },
    );
    expect(badClient.status).toBe(401);
    expect(await badClient.json()).toEqual({ error: 'invalid_client' });
    const badGrant = await tokenRequest(sim, { grant_type: 'password' });
    expect(badGrant.status).toBe(400);
    expect(await badGrant.json()).toEqual({ error: 'unsupported_grant_type' });
    expect((await tokenRequest(sim, { grant_type: 'refresh_token', refresh_token: rt })).status).toBe(200);
  });

  it('answers 401 once an access token outlives its expires_in', async () => {
    const clock = testClock();
    const sim = await start({ creators: 1, accessTokenTtlSeconds: 60, now: clock.now });
    const { accessToken } = await connect(sim, { agency: true });
    expect((await api(sim, '/creators', accessToken)).status).toBe(200);
    clock.advance(60_000);
    const res = await api(sim, '/creators', accessToken);
    expect(res.status).toBe(401);
    expect(await res.json()).toHaveProperty('error');
  });
});

describe('API access rules', () => {
  it('answers 401 without a token, 403 for a creator the token may not read, 404 for an unknown creator', async () => {
    const sim = await start({ creators: 2, history: 5 });
    const [a, b] = sim.creators.map((c) => c.uuid);
    const { accessToken } = await connect(sim, { creatorUuids: [a ?? ''] });
    expect((await api(sim, earningsPath(a ?? ''), undefined)).status).toBe(401);
    expect((await api(sim, earningsPath(a ?? ''), 'made-up')).status).toBe(401);
    expect((await api(sim, earningsPath(a ?? ''), accessToken)).status).toBe(200);
    const forbidden = await api(sim, earningsPath(b ?? ''), accessToken);
    expect(forbidden.status).toBe(403);
    expect(await forbidden.json()).toHaveProperty('error');
    const agency = await connect(sim, { agency: true });
    expect((await api(sim, earningsPath('00000000-0000-4000-8000-000000000000'), agency.accessToken)).status).toBe(404);
  });

  it('serves the token owner its own rows on /insights/earnings and refuses agencies there', async () => {
    const sim = await start({ creators: 2, history: 12 });
    const own = sim.creators[1]?.uuid ?? '';
    const { accessToken } = await connect(sim, { creatorUuids: [own] });
    const page = EarningsPageSchema.parse(await (await api(sim, '/insights/earnings?size=50', accessToken)).json());
    expect(page.data.map(rowKey).sort()).toEqual(sim.rows(own).map(rowKey).sort());
    const agency = await connect(sim, { agency: true });
    expect((await api(sim, '/insights/earnings', agency.accessToken)).status).toBe(403);
  });

  it('lists the agency creators page by page with pagination.hasMore', async () => {
    const sim = await start({ creators: 5, history: 1 });
    const { accessToken } = await connect(sim, { agency: true });
    const p1 = CreatorsPageSchema.parse(await (await api(sim, '/creators?page=1&size=2', accessToken)).json());
    const p3 = CreatorsPageSchema.parse(await (await api(sim, '/creators?page=3&size=2', accessToken)).json());
    expect(p1.pagination).toEqual({ page: 1, size: 2, hasMore: true });
    expect(p3.pagination.hasMore).toBe(false);
    expect([...p1.data, ...p3.data].map((c) => c.uuid)).toEqual(
      [sim.creators[0], sim.creators[1], sim.creators[4]].map((c) => c?.uuid),
    );
  });

  it('answers 400 without or with an unsupported API version, 410 for a sunset one, and flags deprecated ones', async () => {
    const sim = await start({ creators: 1, deprecatedVersions: ['2025-01-01'], sunsetVersions: ['2024-01-01'] });
    const { accessToken } = await connect(sim, { agency: true });
    const missing = await api(sim, '/creators', accessToken, null);
    expect(missing.status).toBe(400);
    expect(await missing.json()).toHaveProperty('error');
    expect((await api(sim, '/creators', accessToken, '1999-01-01')).status).toBe(400);
    expect((await api(sim, '/creators', accessToken, '2024-01-01')).status).toBe(410);
    const deprecated = await api(sim, '/creators', accessToken, '2025-01-01');
    expect(deprecated.status).toBe(200);
    expect(deprecated.headers.get('deprecation')).toBe('true');
    expect(Date.parse(deprecated.headers.get('sunset') ?? '')).not.toBeNaN();
    expect((await api(sim, '/creators', accessToken)).headers.get('deprecation')).toBeNull();
  });
});
