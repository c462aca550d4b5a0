import { describe, expect, it, vi } from 'vitest';
import { EarningsPageSchema } from '../../lambdas/adapters/fanvue/schema';
import type { FanvueSimulator } from '../../local/fanvue-simulator';
import {
  api,
  connect,
  earningsPath,
  readAll,
  simulatorsForSuite,
  testClock,
  tokenRequest,
} from './fanvue-simulator-helpers';

const start = simulatorsForSuite();

function uuids(sim: FanvueSimulator): [string, string] {
  const [a, b] = sim.creators;
  if (!a || !b) throw new Error('need two creators');
  return [a.uuid, b.uuid];
}

describe('rate limiting', () => {
  it('answers 429 with Retry-After once a creator bucket is empty, keeps other buckets apart, and refills over time', async () => {
    const clock = testClock(Date.UTC(2025, 5, 1, 12, 0, 0));
    const sim = await start({ creators: 2, history: 3, rateLimit: { capacity: 3, windowMs: 60_000 }, now: clock.now });
    const [a, b] = uuids(sim);
    const { accessToken } = await connect(sim, { agency: true });
    const remaining: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await api(sim, earningsPath(a), accessToken);
      expect(res.status).toBe(200);
      expect(res.headers.get('x-ratelimit-limit')).toBe('3');
      remaining.push(res.headers.get('x-ratelimit-remaining') ?? '');
    }
    expect(remaining).toEqual(['2', '1', '0']);
    const limited = await api(sim, earningsPath(a), accessToken);
    expect(limited.status).toBe(429);
    expect(await limited.json()).toEqual({ error: 'rate limit exceeded' });
    expect(limited.headers.get('retry-after')).toBe('20');
    expect(Number(limited.headers.get('x-ratelimit-reset'))).toBe(Math.ceil(clock.now() / 1000) + 60);

    expect((await api(sim, earningsPath(b), accessToken)).status).toBe(200);
    expect((await api(sim, '/creators', accessToken)).status).toBe(200);
    const other = await connect(sim, { agency: true });
    expect((await api(sim, earningsPath(a), other.accessToken)).status).toBe(200);

    clock.advance(20_000);
    const refilled = await api(sim, earningsPath(a), accessToken);
    expect(refilled.status).toBe(200);
    expect(refilled.headers.get('x-ratelimit-remaining')).toBe('0');
  });

  it('shares one bucket per token for /creators and /insights routes', async () => {
    const sim = await start({ creators: 2, history: 1, rateLimit: { capacity: 2, windowMs: 60_000 } });
    const [a] = uuids(sim);
    const { accessToken } = await connect(sim, { creatorUuids: [a] });
    expect((await api(sim, '/creators', accessToken)).status).toBe(200);
    expect((await api(sim, '/insights/earnings', accessToken)).status).toBe(200);
    expect((await api(sim, '/creators', accessToken)).status).toBe(429);
    expect((await api(sim, earningsPath(a), accessToken)).status).toBe(200);
  });

  it('applies limits changed at runtime', async () => {
    const sim = await start({ creators: 1, history: 1 });
    const { accessToken } = await connect(sim, { agency: true });
    sim.setRateLimit({ capacity: 1, windowMs: 60_000 });
    expect((await api(sim, '/creators', accessToken)).status).toBe(200);
    expect((await api(sim, '/creators', accessToken)).status).toBe(429);
  });
});

describe('fault knobs', () => {
  it('adds latency', async () => {
    const sim = await start({ creators: 1, history: 1 });
    const { accessToken } = await connect(sim, { agency: true });
    sim.setLatency(150);
    const t0 = performance.now();
    expect((await api(sim, '/creators', accessToken)).status).toBe(200);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(140);
  });

  it('injects 5xx at the configured rate, reproducibly from the seed', async () => {
    const statuses = async (seed: number): Promise<number[]> => {
      const sim = await start({ seed, creators: 1, history: 1, errorRate: 0.5 });
      const { accessToken } = await connect(sim, { agency: true });
      const out: number[] = [];
      for (let i = 0; i < 20; i++) out.push((await api(sim, '/creators', accessToken)).status);
      return out;
    };
    const first = await statuses(9);
    expect(await statuses(9)).toEqual(first);
    expect(first.some((s) => s >= 500)).toBe(true);
    expect(first.some((s) => s === 200)).toBe(true);
    const sim = await start({ creators: 1, history: 1 });
    const { accessToken } = await connect(sim, { agency: true });
    sim.setErrorRate(1);
    expect((await api(sim, '/creators', accessToken)).status).toBeGreaterThanOrEqual(500);
    sim.setErrorRate(0);
    expect((await api(sim, '/creators', accessToken)).status).toBe(200);
  });

  it('runs a 429 storm for a count and for a duration', async () => {
    const clock = testClock();
    const sim = await start({ creators: 1, history: 1, now: clock.now });
    const { accessToken } = await connect(sim, { agency: true });
    sim.rateLimitStorm({ retryAfterSeconds: 7, count: 2 });
    for (let i = 0; i < 2; i++) {
      const res = await api(sim, '/creators', accessToken);
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toBe('7');
      expect(await res.json()).toEqual({ error: 'rate limit exceeded' });
    }
    expect((await api(sim, '/creators', accessToken)).status).toBe(200);
    sim.rateLimitStorm({ retryAfterSeconds: 3, durationMs: 10_000 });
    expect((await api(sim, '/creators', accessToken)).status).toBe(429);
    clock.advance(10_000);
    expect((await api(sim, '/creators', accessToken)).status).toBe(200);
  });

  it.each([
    ['grossString', 'gross'],
    ['missingDate', 'date'],
  ] as const)('malforms exactly the next page of one creator (%s)', async (kind, field) => {
    const sim = await start({ creators: 2, history: 10 });
    const [a, b] = uuids(sim);
    const { accessToken } = await connect(sim, { agency: true });
    sim.malformNextPage(a, kind);
    expect((await api(sim, earningsPath(b), accessToken)).status).toBe(200);
    const broken = await api(sim, earningsPath(a), accessToken);
    expect(broken.status).toBe(200);
    const parsed = EarningsPageSchema.safeParse(await broken.json());
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual(['data', 0, field]);
    expect(EarningsPageSchema.safeParse(await (await api(sim, earningsPath(a), accessToken)).json()).success).toBe(
      true,
    );
  });

  it('disarms malformed pages not served yet', async () => {
    const sim = await start({ creators: 2, history: 10 });
    const [a] = uuids(sim);
    const { accessToken } = await connect(sim, { agency: true });
    sim.malformNextPage(a);
    sim.clearMalformedPages();
    const page = await api(sim, earningsPath(a), accessToken);
    expect(EarningsPageSchema.safeParse(await page.json()).success).toBe(true);
  });

  it('expires every access token until the client refreshes', async () => {
    const sim = await start({ creators: 1, history: 1 });
    const { accessToken, refreshToken } = await connect(sim, { agency: true });
    sim.expireAccessTokens();
    expect((await api(sim, '/creators', accessToken)).status).toBe(401);
    const res = await tokenRequest(sim, { grant_type: 'refresh_token', refresh_token: refreshToken });
    const fresh = (await res.json()) as { access_token: string };
    expect((await api(sim, '/creators', fresh.access_token)).status).toBe(200);
  });

  it('revokes a connection: its access token answers 401 and its refresh token invalid_grant', async () => {
    const sim = await start({ creators: 1, history: 1 });
    const { accessToken, refreshToken } = await connect(sim, { agency: true });
    const other = await connect(sim, { agency: true });
    expect(sim.revokeConnection(refreshToken)).toBe(true);
    expect((await api(sim, '/creators', accessToken)).status).toBe(401);
    const res = await tokenRequest(sim, { grant_type: 'refresh_token', refresh_token: refreshToken });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'invalid_grant' });
    expect((await api(sim, '/creators', other.accessToken)).status).toBe(200);
  });

  it('switches order and ids at runtime; a cursor from the old order is refused', async () => {
    const sim = await start({ creators: 1, history: 30 });
    const [a] = sim.creators.map((c) => c.uuid);
    const uuid = a ?? '';
    const { accessToken } = await connect(sim, { agency: true });
    const desc = EarningsPageSchema.parse(await (await api(sim, earningsPath(uuid, { size: 5 }), accessToken)).json());
    sim.setOrder('asc');
    expect((await api(sim, earningsPath(uuid, { size: 5, cursor: desc.nextCursor ?? '' }), accessToken)).status).toBe(
      400,
    );
    const asc = EarningsPageSchema.parse(await (await api(sim, earningsPath(uuid, { size: 5 }), accessToken)).json());
    expect(asc.data[0]?.date).toBe(sim.rows(uuid)[0]?.date);
    expect(desc.data[0]?.date).toBe(sim.rows(uuid).at(-1)?.date);
    sim.setWithIds(false);
    const idless = EarningsPageSchema.parse(await (await api(sim, earningsPath(uuid), accessToken)).json());
    expect(idless.data.every((r) => r.transactionOrderId === undefined)).toBe(true);
    expect(sim.rows(uuid).every((r) => r.transactionOrderId === undefined)).toBe(true);
  });
});

describe('data knobs', () => {
  it('keeps adding rows in live mode until stopped', async () => {
    const sim = await start({ creators: 2, history: 0 });
    const count = () => sim.creators.reduce((n, c) => n + sim.rows(c.uuid).length, 0);
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    try {
      sim.startLive({ intervalMs: 10, rowsPerTick: 2 });
      vi.advanceTimersByTime(30);
      sim.stopLive();
      expect(count()).toBe(6);
      vi.advanceTimersByTime(50);
      expect(count()).toBe(6);
    } finally {
      vi.useRealTimers();
    }
  });

  it('settles pending rows: the same transaction is served with a new status', async () => {
    const sim = await start({ creators: 1, history: 40 });
    const [a] = sim.creators.map((c) => c.uuid);
    const uuid = a ?? '';
    const { accessToken } = await connect(sim, { agency: true });
    const pending = sim.rows(uuid).filter((r) => r.transactionOrderStatus === 'pendingBalance');
    expect(pending.length).toBeGreaterThan(0);
    expect(sim.settle()).toBe(pending.length);
    const { rows } = await readAll(sim, uuid, accessToken, { size: 50 });
    for (const p of pending) {
      expect(rows.find((r) => r.transactionOrderId === p.transactionOrderId)?.transactionOrderStatus).toBe(
        'availableForPayout',
      );
    }
  });

  it('injects a sale now and its refund, both served by the API', async () => {
    const clock = testClock();
    const sim = await start({ creators: 1, history: 5, now: clock.now });
    const [a] = sim.creators.map((c) => c.uuid);
    const uuid = a ?? '';
    const { accessToken } = await connect(sim, { agency: true });
    const sale = sim.addRow(uuid, { source: 'tip', gross: 2500 });
    expect(sale).toMatchObject({
      date: new Date(clock.now()).toISOString(),
      gross: 2500,
      net: 2000,
      source: 'tip',
      transactionOrderStatus: 'pendingBalance',
    });
    clock.advance(60_000);
    const reversal = sim.refund(uuid, sale.transactionOrderId ?? '', 'chargeback');
    expect(reversal).toMatchObject({
      gross: -2500,
      net: -2000,
      source: 'chargeback',
      reversedTransactionOrderId: sale.transactionOrderId,
    });
    const page = EarningsPageSchema.parse(await (await api(sim, earningsPath(uuid, { size: 2 }), accessToken)).json());
    expect(page.data.map((r) => r.transactionOrderId)).toEqual([reversal.transactionOrderId, sale.transactionOrderId]);
  });

  it('counts requests per route kind and per creator, and resets', async () => {
    const sim = await start({ creators: 2, history: 2 });
    const [a, b] = uuids(sim);
    const { accessToken } = await connect(sim, { agency: true });
    await api(sim, earningsPath(a), accessToken);
    await api(sim, earningsPath(a), accessToken);
    await api(sim, earningsPath(b), accessToken);
    await api(sim, '/creators', accessToken);
    const stats = sim.stats();
    expect(stats.byRoute).toMatchObject({ token: 1, creators: 1, creatorEarnings: 3 });
    expect(stats.byCreator).toEqual({ [a]: 2, [b]: 1 });
    expect(stats.total).toBe(5);
    sim.resetStats();
    expect(sim.stats().total).toBe(0);
  });
});
