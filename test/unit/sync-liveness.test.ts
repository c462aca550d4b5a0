import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createFanvueClient } from '../../lambdas/adapters/fanvue/client';
import { inMemoryRefreshLock } from '../../lambdas/adapters/fanvue/oauth/refresh-lock';
import type { EarningRow } from '../../lambdas/domain/earnings';
import type { ModelRecord } from '../../lambdas/domain/model';
import type { EarningsReader } from '../../lambdas/domain/ports';
import { fingerprint } from '../../lambdas/domain/row-key';
import { type SyncConfig, type SyncDeps, type SyncOutcome, syncModel } from '../../lambdas/domain/sync';
import { silentLogger } from '../../lambdas/shared/logger';
import { arrayReader, memoryModelStore, memoryRunHistory, memorySink } from '../support/memory-sync';
import { fakeFetch, json, memoryStore } from './support/fanvue-fakes';

const T0 = Date.parse('2026-11-01T00:00:00.000Z');
const MIN = 60_000;
const DAY = 24 * 60 * MIN;
/** Simulated time one Fanvue page costs. */
const PAGE_MS = 1_000;

const model: ModelRecord = {
  modelId: 'm1',
  agencyId: 'a1',
  displayName: 'Model One',
  creatorUuid: 'c1',
  connectionId: 'conn1',
  enabled: true,
  status: 'idle',
  consecutiveFailures: 0,
  lastRunRows: 0,
  rowsWritten: 0,
  behind: false,
};

function row(at: number, gross: number, id?: string): EarningRow {
  return {
    date: new Date(at).toISOString(),
    gross,
    net: Math.floor(gross * 0.8),
    currency: 'USD',
    source: 'tip',
    ...(id && { transactionOrderId: id }),
    transactionOrderStatus: 'pendingBalance',
    user: null,
  };
}

const identities = (rows: EarningRow[]) => rows.map((r) => r.transactionOrderId ?? fingerprint(r)).sort();
const storedIdentities = (items: Iterable<{ txKey: string }>) =>
  [...items].map((t) => (t.txKey.startsWith('oid#') ? t.txKey.slice(4) : (t.txKey.split('#')[1] ?? ''))).sort();

/** A budget of `pages` Fanvue pages: each page moves the fake clock by PAGE_MS. */
function budgetConfig(pages: number, pageSize: number, backfillFrom: number): SyncConfig {
  return {
    lookbackMs: 60 * MIN,
    pageSize,
    backfillFrom: new Date(backfillFrom).toISOString(),
    budgetMs: pages * PAGE_MS + PAGE_MS / 2,
    reserveMs: PAGE_MS / 2,
    leaseMs: 10 * MIN,
  };
}

/** Runs the scheduled sync every 10 minutes until a run that started after `until` ends caught up (or `maxRuns`). */
async function runUntilCaughtUp(d: SyncDeps, now: { t: number }, maxRuns: number, until = 0) {
  const store = d.models as ReturnType<typeof memoryModelStore>;
  const cursors: string[] = [];
  let last: SyncOutcome | undefined;
  let runs = 0;
  for (; runs < maxRuns; runs++) {
    const started = now.t;
    last = await syncModel(d, 'm1', `run-${runs}`).catch(() => undefined);
    const rec = store.records.get('m1');
    if (rec?.cursor) cursors.push(rec.cursor);
    if (started > until && last?.status === 'ok' && !rec?.behind && !rec?.resume) break;
    now.t = started + 10 * MIN;
  }
  return { runs, last, cursors };
}

describe('sync liveness: any history completes, with or without ids', () => {
  it('a history without ids longer than one run reads completes: every run after the first halving makes durable progress', async () => {
    const history = Array.from({ length: 300 }, (_, i) => row(T0 - 30 * DAY + i * 2 * 60 * MIN, 100 + (i % 7)));
    const now = { t: T0 };
    const base = arrayReader(() => history, 'desc');
    const reader: EarningsReader = {
      readPage: async (req) => {
        now.t += PAGE_MS;
        return base.readPage(req);
      },
    };
    const store = memoryModelStore([model]);
    const sink = memorySink();
    // 10 pages of 10 rows per run: a 30-day history of 300 rows does not fit in one run (nor in three).
    const d: SyncDeps = {
      models: store,
      transactions: sink,
      runs: memoryRunHistory(),
      reader,
      clock: { now: () => now.t },
      logger: silentLogger,
      config: budgetConfig(10, 10, T0 - 31 * DAY),
    };
    const first = await syncModel(d, 'm1', 'run-0');
    expect(first.status).toBe('partial');
    const halved = store.records.get('m1')?.resume;
    // The whole backfill did not fit: its first half, with a fixed end, is read next, from its start.
    expect(halved?.pageToken).toBeUndefined();
    expect(Date.parse(halved?.windowEnd ?? '')).toBeLessThan(T0);
    expect(store.records.get('m1')).toMatchObject({ status: 'ok', behind: true });

    now.t = T0 + 10 * MIN;
    const { runs, last, cursors } = await runUntilCaughtUp(d, now, 60);
    expect(last?.status).toBe('ok');
    expect(storedIdentities(sink.items.values())).toEqual(identities(history));
    expect(store.records.get('m1')?.cursor).toBe(history.at(-1)?.date);
    expect(cursors).toEqual([...cursors].sort());
    // 300 rows at <= 100 per run, plus a few halvings: well under 60 runs (the old sync never finished).
    expect(runs).toBeLessThan(20);
  });

  it('property: for any history length, page size, budget, id mode and crash points, repeated runs converge to exactly the source rows', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          // Rows on whole minutes of a long history; identical id-less rows share their timestamp.
          minutes: fc.array(fc.integer({ min: 0, max: 200 * 24 * 60 }), { minLength: 1, maxLength: 160 }),
          copies: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 160, maxLength: 160 }),
          ids: fc.constantFrom('all' as const, 'none' as const, 'mixed' as const),
          pageSize: fc.integer({ min: 1, max: 12 }),
          budgetPages: fc.integer({ min: 2, max: 12 }),
          order: fc.constantFrom('asc' as const, 'desc' as const),
          crashCalls: fc.array(fc.integer({ min: 1, max: 120 }), { maxLength: 5 }),
          liveRows: fc.integer({ min: 0, max: 3 }),
        }),
        async (p) => {
          const start = T0 - 200 * DAY;
          const source: EarningRow[] = [];
          p.minutes.forEach((m, i) => {
            const withId = p.ids === 'all' || (p.ids === 'mixed' && i % 2 === 0);
            const copies = withId ? 1 : (p.copies[i] ?? 1);
            for (let c = 0; c < copies; c++)
              source.push(row(start + m * MIN, 100 + (i % 5), withId ? `id${i}` : undefined));
          });
          // A run can only finish a slice that fits in it; one minute's rows must fit in one run.
          const perMinute = new Map<number, number>();
          for (const r of source) perMinute.set(Date.parse(r.date), (perMinute.get(Date.parse(r.date)) ?? 0) + 1);
          fc.pre(Math.max(...perMinute.values()) <= p.pageSize * (p.budgetPages - 2));

          const now = { t: T0 };
          // Live sales arrive at their own time while the backfill runs.
          const live = Array.from({ length: p.liveRows }, (_, i) => row(T0 + (i + 1) * 7 * MIN, 500 + i, `live${i}`));
          const visible = () => [...source, ...live.filter((r) => Date.parse(r.date) <= now.t)];
          const base = arrayReader(visible, p.order);
          const crashes = new Set(p.crashCalls);
          let call = 0;
          const reader: EarningsReader = {
            readPage: async (req) => {
              call += 1;
              now.t += PAGE_MS;
              if (crashes.has(call)) throw new Error('simulated crash between pages');
              return base.readPage(req);
            },
          };
          const store = memoryModelStore([model]);
          const sink = memorySink();
          const d: SyncDeps = {
            models: store,
            transactions: sink,
            runs: memoryRunHistory(),
            reader,
            clock: { now: () => now.t },
            logger: silentLogger,
            config: budgetConfig(p.budgetPages, p.pageSize, start),
          };
          const { last, cursors } = await runUntilCaughtUp(d, now, 3_000, T0 + 30 * MIN);
          crashes.clear();
          expect(last?.status).toBe('ok');
          expect(storedIdentities(sink.items.values())).toEqual(identities(visible()));
          expect(cursors).toEqual([...cursors].sort());

          // Caught up, an idle run writes nothing and reads only the look-back overlap.
          const changes = sink.changes;
          const callsBefore = call;
          now.t += 10 * MIN;
          const idle = await syncModel(d, 'm1', 'idle');
          expect(idle.status).toBe('ok');
          expect(sink.changes).toBe(changes);
          const cursor = Date.parse(store.records.get('m1')?.cursor ?? '');
          const overlapRows = visible().filter((r) => Date.parse(r.date) >= cursor - 60 * MIN).length;
          expect(call - callsBefore).toBe(Math.max(1, Math.ceil(overlapRows / p.pageSize)));
        },
      ),
      { numRuns: 120 },
    );
  }, 120_000);
});

describe('sync liveness: a budget reached while waiting out a 429 is a budget stop', () => {
  beforeEach(() => vi.useFakeTimers().setSystemTime(T0));
  afterEach(() => vi.useRealTimers());

  it('ends partial with a resumable position, never error, and the next run resumes and completes', async () => {
    const rows = Array.from({ length: 6 }, (_, i) => row(T0 - 50 * MIN + i * MIN, 100 + i, `o${i}`));
    // Fanvue rate limits the caller from the third request on, until the storm is over.
    let storm = true;
    let requests = 0;
    const { fetch, seen } = fakeFetch(async (req) => {
      requests += 1;
      if (storm && requests > 2) return json(429, { error: 'rate limited' }, { 'retry-after': '30' });
      const size = Number(req.url.searchParams.get('size'));
      const offset = Number(req.url.searchParams.get('cursor') ?? 0);
      const inWindow = rows.filter(
        (r) =>
          Date.parse(r.date) >= Date.parse(req.url.searchParams.get('startDate') ?? '') &&
          Date.parse(r.date) < Date.parse(req.url.searchParams.get('endDate') ?? ''),
      );
      const next = offset + size;
      return json(200, {
        data: inWindow.slice(offset, next),
        nextCursor: next < inWindow.length ? String(next) : null,
      });
    });
    const { store: secrets } = memoryStore({
      'fanvue/client': JSON.stringify({ clientId: 'cid', clientSecret: 'secret' }),
      'fanvue/conn/conn1': JSON.stringify({
        accessToken: 'at',
        accessTokenExpiresAt: T0 + 3_600_000,
        refreshToken: 'rt',
      }),
    });
    const sleeps: number[] = [];
    const reader = createFanvueClient({
      apiBaseUrl: 'http://api.test',
      authBaseUrl: 'http://auth.test',
      fetch,
      clock: { now: () => Date.now() },
      sleep: async (ms) => {
        sleeps.push(ms);
        vi.advanceTimersByTime(ms);
      },
      random: () => 0.5,
      secrets,
      clientCredentialsSecretId: 'fanvue/client',
      connectionSecretId: (id) => `fanvue/conn/${id}`,
      lock: inMemoryRefreshLock({ now: () => Date.now() }),
      logger: silentLogger,
    });
    const store = memoryModelStore([model]);
    const sink = memorySink();
    const d: SyncDeps = {
      models: store,
      transactions: sink,
      runs: memoryRunHistory(),
      reader,
      clock: { now: () => Date.now() },
      logger: silentLogger,
      config: {
        lookbackMs: 60 * MIN,
        pageSize: 2,
        backfillFrom: new Date(T0 - DAY).toISOString(),
        budgetMs: 45_000,
        reserveMs: 2_000,
        leaseMs: 120_000,
      },
    };

    const out = await syncModel(d, 'm1', 'run-1');
    // It waited out one 429 (20 s, Retry-After capped) and stopped when the next wait would pass the budget.
    expect(sleeps.length).toBeGreaterThanOrEqual(1);
    expect(Date.now() - T0).toBeLessThanOrEqual(45_000);
    expect(out).toMatchObject({ status: 'partial', pages: 2, rowsWritten: 4 });
    expect(out).not.toHaveProperty('error');
    const rec = store.records.get('m1');
    expect(rec).toMatchObject({ status: 'ok', behind: true, consecutiveFailures: 0 });
    expect(rec?.lastErrorCode).toBeUndefined();
    expect(rec?.resume?.pageToken).toBe('4');

    storm = false;
    vi.advanceTimersByTime(10 * MIN);
    const calls = seen.length;
    const next = await syncModel(d, 'm1', 'run-2');
    // The rest of the interrupted slice from its page token, then the window on to now (empty).
    expect(next).toMatchObject({ status: 'ok', pages: 2, rowsWritten: 2 });
    expect(seen[calls]?.url.searchParams.get('cursor')).toBe('4');
    expect(storedIdentities(sink.items.values())).toEqual(identities(rows));
    expect(store.records.get('m1')).toMatchObject({ status: 'ok', behind: false });
  });
});
