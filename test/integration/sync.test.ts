import { afterEach, describe, expect, it } from 'vitest';
import type { EarningsReader } from '../../lambdas/domain/ports';
import { syncModel } from '../../lambdas/domain/sync';
import { makeFanoutHandler } from '../../lambdas/handlers/fanout-handler';
import { makeSyncHandler } from '../../lambdas/handlers/sync-handler';
import { silentLogger } from '../../lambdas/shared/logger';
import { localSyncInvoker } from '../../local/invoke';
import {
  countStreamRecords,
  rowIdentities,
  type SyncHarness,
  startSyncHarness,
  storedIdentities,
} from '../support/sync-harness';

let h: SyncHarness | undefined;
/** Rows injected "now" fall in the next window only once the clock has moved past them (endDate is exclusive). */
const tick = () => h!.clock.advance(5);
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

describe('sync against the Fanvue simulator and DynamoDB Local', () => {
  it('backfills a history exactly once; a second run writes nothing and emits no stream record', async () => {
    h = await startSyncHarness({ creators: 1, history: 230 }, { SYNC_PAGE_SIZE: '50' });
    const first = await h.sync({ modelId: 'm0' });
    expect(first).toMatchObject({ status: 'ok', pages: 5 });
    expect(storedIdentities(await h.stored('m0'))).toEqual(rowIdentities(h.sim.rows(h.creatorOf.m0!)));
    const records = await countStreamRecords(h.tables);
    h.sim.resetStats();
    const second = await h.sync({ modelId: 'm0' });
    expect(second).toMatchObject({ status: 'ok', pages: 1, rowsWritten: 0 });
    expect(h.sim.stats().byRoute.creatorEarnings).toBe(1);
    expect(await countStreamRecords(h.tables)).toBe(records);
    const model = await h.models.get('m0');
    expect(model).toMatchObject({ status: 'ok', consecutiveFailures: 0 });
    expect(model?.cursor).toBe(
      h.sim
        .rows(h.creatorOf.m0!)
        .map((r) => new Date(r.date).toISOString())
        .sort()
        .at(-1),
    );
  });

  it('a row that changes inside the look-back (pending -> available for payout) is written again', async () => {
    h = await startSyncHarness(
      { creators: 1, history: 60, settleDelayMs: 365 * 86_400_000 },
      { SYNC_LOOKBACK_MINUTES: String(60 * 24 * 60) },
    );
    await h.sync({ modelId: 'm0' });
    expect(await h.sync({ modelId: 'm0' })).toMatchObject({ rowsWritten: 0 });
    const settled = h.sim.settle({ olderThanMs: 0 });
    expect(settled).toBeGreaterThan(0);
    tick();
    expect(await h.sync({ modelId: 'm0' })).toMatchObject({ status: 'ok', rowsWritten: settled });
    expect((await h.stored('m0')).every((t) => t.status === 'availableForPayout')).toBe(true);
  });

  it('a crash after any page loses nothing and doubles nothing on the next run', async () => {
    h = await startSyncHarness({ creators: 1, history: 120 }, { SYNC_PAGE_SIZE: '25' });
    const real = h.deps.reader;
    // Each run crashes right after its first page, so every page boundary of the window sees a crash.
    let crashes = 0;
    for (let run = 0; run < 10; run++) {
      let calls = 0;
      const crashing: EarningsReader = {
        readPage: async (req) => {
          calls += 1;
          if (calls > 1) throw new Error('simulated crash between pages');
          return real.readPage(req);
        },
      };
      const out = await syncModel({ ...h.deps, reader: crashing }, 'm0', `crash-${run}`).catch(
        () => 'crashed' as const,
      );
      if (out !== 'crashed') break;
      crashes += 1;
      h.sim.addRow(h.creatorOf.m0!);
    }
    expect(crashes).toBeGreaterThanOrEqual(4);
    tick();
    expect(await h.sync({ modelId: 'm0' })).toMatchObject({ status: 'ok' });
    const stored = await h.stored('m0');
    expect(storedIdentities(stored)).toEqual(rowIdentities(h.sim.rows(h.creatorOf.m0!)));
    expect(new Set(stored.map((s) => s.txKey)).size).toBe(stored.length);
  });

  it('rows at the cursor timestamp and late rows inside the look-back are stored, never doubled', async () => {
    h = await startSyncHarness({ creators: 1, history: 40 });
    await h.sync({ modelId: 'm0' });
    const cursor = (await h.models.get('m0'))!.cursor!;
    const sameTs = h.sim.addRow(h.creatorOf.m0!, { date: cursor });
    const late = h.sim.addRow(h.creatorOf.m0!, { date: new Date(Date.parse(cursor) - 30 * 60_000).toISOString() });
    await h.sync({ modelId: 'm0' });
    await h.sync({ modelId: 'm0' });
    const ids = storedIdentities(await h.stored('m0'));
    expect(ids).toContain(sameTs.transactionOrderId);
    expect(ids).toContain(late.transactionOrderId);
    expect(ids).toEqual(rowIdentities(h.sim.rows(h.creatorOf.m0!)));
  });

  it('id-less rows (older API copies), identical rows at one timestamp included, are stored exactly as often as Fanvue has them', async () => {
    h = await startSyncHarness(
      { creators: 1, history: 150, withIds: false, identicalRows: true },
      { SYNC_PAGE_SIZE: '7' },
    );
    await h.sync({ modelId: 'm0' });
    h.sim.addRow(h.creatorOf.m0!);
    tick();
    await h.sync({ modelId: 'm0' });
    const rows = h.sim.rows(h.creatorOf.m0!);
    expect(rows.every((r) => r.transactionOrderId === undefined)).toBe(true);
    expect(new Set(rowIdentities(rows)).size).toBeLessThan(rows.length);
    expect(storedIdentities(await h.stored('m0'))).toEqual(rowIdentities(rows));
  });

  it('a malformed page: clear error, nothing from that page written, cursor unchanged', async () => {
    h = await startSyncHarness({ creators: 1, history: 30 });
    await h.sync({ modelId: 'm0' });
    const before = await h.models.get('m0');
    const storedBefore = (await h.stored('m0')).length;
    h.sim.addRow(h.creatorOf.m0!);
    h.sim.malformNextPage(h.creatorOf.m0!);
    tick();
    const out = await h.sync({ modelId: 'm0' });
    expect(out).toMatchObject({ status: 'error', error: { code: 'malformed' } });
    expect(out.status === 'error' && out.error?.message).toMatch(/data\[\d+\]\./);
    const after = await h.models.get('m0');
    expect(after?.cursor).toBe(before?.cursor);
    expect(after).toMatchObject({ status: 'error', lastErrorCode: 'malformed', consecutiveFailures: 1 });
    expect((await h.stored('m0')).length).toBe(storedBefore);
    expect(await h.sync({ modelId: 'm0' })).toMatchObject({ status: 'ok' });
    expect((await h.stored('m0')).length).toBe(storedBefore + 1);
  });

  it('two syncs of one model started together: one runs, the other is already_running', async () => {
    h = await startSyncHarness({ creators: 1, history: 100, latencyMs: 20 });
    const results = await Promise.all([h.sync({ modelId: 'm0' }), h.sync({ modelId: 'm0' })]);
    expect(results.map((r) => r.status).sort()).toEqual(['already_running', 'ok']);
    expect(storedIdentities(await h.stored('m0'))).toEqual(rowIdentities(h.sim.rows(h.creatorOf.m0!)));
  });

  it('a webhook that arrives mid-sync is not lost: already_running, and the running sync reads one more window', async () => {
    h = await startSyncHarness({ creators: 1, history: 20 });
    const real = h.deps.reader;
    let late: string | undefined;
    let second: unknown;
    const reader: EarningsReader = {
      readPage: async (req) => {
        const page = await real.readPage(req);
        if (!late) {
          tick();
          late = h!.sim.addRow(h!.creatorOf.m0!).transactionOrderId;
          tick();
          second = await h!.sync({ modelId: 'm0', reason: 'webhook' });
        }
        return page;
      },
    };
    const out = await syncModel({ ...h.deps, reader }, 'm0', 'scheduled');
    expect(second).toEqual({ status: 'already_running', modelId: 'm0' });
    expect(out).toMatchObject({ status: 'ok', pages: 2 });
    expect(storedIdentities(await h.stored('m0'))).toContain(late);
    expect((await h.models.get('m0'))?.rerunRequested).toBeUndefined();
    // The webhook is remembered even though its trigger found the model syncing: the card shows it real-time.
    expect((await h.models.get('m0'))?.lastWebhookAt).toEqual(expect.any(String));
  });

  it('a scheduled or manual sync leaves lastWebhookAt unset (the card says schedule only)', async () => {
    h = await startSyncHarness({ creators: 1, history: 5 });
    await h.sync({ modelId: 'm0' });
    await h.sync({ modelId: 'm0', reason: 'manual' });
    expect((await h.models.get('m0'))?.lastWebhookAt).toBeUndefined();
  });

  it('a 429 storm: the run backs off within its budget, and the next run resumes and completes', async () => {
    h = await startSyncHarness({ creators: 1, history: 200 }, { SYNC_BUDGET_MS: '6000', SYNC_PAGE_SIZE: '20' });
    let calls = 0;
    const real = h.deps.reader;
    const stormAfterTwoPages: EarningsReader = {
      readPage: async (req) => {
        calls += 1;
        if (calls === 3) h!.sim.rateLimitStorm({ retryAfterSeconds: 1, durationMs: 60_000 });
        return real.readPage(req);
      },
    };
    const started = Date.now();
    const stormy = await makeSyncHandler({ ...h.deps, reader: stormAfterTwoPages })({ modelId: 'm0' });
    expect(Date.now() - started).toBeLessThan(6_000);
    expect(stormy).toMatchObject({ pages: 2 });
    expect(stormy.status === 'error' || stormy.status === 'partial').toBe(true);
    const model = await h.models.get('m0');
    expect(model?.resume?.pageToken).toBeTruthy();
    expect(model?.leaseOwner).toBeUndefined();
    h.sim.stopRateLimitStorm();
    // 8 pages left of the saved window, then one page of a fresh window up to now.
    expect(await h.sync({ modelId: 'm0' })).toMatchObject({ status: 'ok', pages: 9 });
    expect(storedIdentities(await h.stored('m0'))).toEqual(rowIdentities(h.sim.rows(h.creatorOf.m0!)));
  });

  it('a revoked token marks only that model as error; the others in the same fan-out run are unaffected', async () => {
    h = await startSyncHarness({ creators: 3, history: 20 });
    h.sim.revokeConnection(h.refreshTokens.m1!);
    const sync = h.sync;
    const invoker = localSyncInvoker(
      (p) => sync(p),
      () => undefined,
    );
    const fanout = makeFanoutHandler({
      listModels: () => h!.models.listAll(),
      invoker,
      logger: silentLogger,
      concurrency: 3,
    });
    expect(await fanout({ 'detail-type': 'Scheduled Event', source: 'aws.events' })).toMatchObject({
      invoked: 3,
      failed: [],
    });
    await invoker.idle();
    expect(await h.models.get('m1')).toMatchObject({ status: 'error', lastErrorCode: 'auth' });
    expect((await h.models.get('m1'))?.lastError).not.toMatch(/token=|Bearer/);
    for (const id of ['m0', 'm2']) {
      expect(await h.models.get(id)).toMatchObject({ status: 'ok' });
      expect(storedIdentities(await h.stored(id))).toEqual(rowIdentities(h.sim.rows(h.creatorOf[id]!)));
    }
  });

  it('the stored cursor only moves forward, even for a writer that holds the lease', async () => {
    h = await startSyncHarness({ creators: 1, history: 10 });
    await h.sync({ modelId: 'm0' });
    const cursor = (await h.models.get('m0'))!.cursor!;
    const lease = await h.models.acquireLease('m0', 'writer', Date.now(), 60_000);
    expect(lease.kind).toBe('acquired');
    const older = new Date(Date.parse(cursor) - 1_000).toISOString();
    await expect(h.models.checkpoint('m0', 'writer', { cursor: older, resume: null, rows: 0 })).rejects.toThrow(
      /lease/,
    );
    await expect(h.models.checkpoint('m0', 'someone-else', { resume: null, rows: 0 })).rejects.toThrow(/lease/);
    expect((await h.models.get('m0'))?.cursor).toBe(cursor);
    const newer = new Date(Date.parse(cursor) + 1_000).toISOString();
    await h.models.checkpoint('m0', 'writer', { cursor: newer, resume: null, rows: 0 });
    expect((await h.models.get('m0'))?.cursor).toBe(newer);
  });

  it('rejects a malformed sync event with a clear error and touches nothing', async () => {
    h = await startSyncHarness({ creators: 1, history: 5 });
    await expect(h.sync({ model: 'm0' })).rejects.toThrow(/invalid sync event:[\s\S]*at modelId/);
    expect(await h.stored('m0')).toEqual([]);
  });
});
