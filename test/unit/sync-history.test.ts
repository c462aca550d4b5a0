import { describe, expect, it } from 'vitest';
import { FanvueAuthError } from '../../lambdas/adapters/fanvue/errors';
import type { EarningRow } from '../../lambdas/adapters/fanvue/schema';
import type { ModelRecord } from '../../lambdas/domain/model';
import type { AppLogger, EarningsReader } from '../../lambdas/domain/ports';
import { type SyncDeps, syncModel } from '../../lambdas/domain/sync';
import {
  buildRunRecord,
  type RunFacts,
  type RunHistory,
  recordRun,
  runExpiresAt,
  toRunTrigger,
} from '../../lambdas/domain/sync-history';
import { makeSyncHandler } from '../../lambdas/handlers/sync-handler';
import { silentLogger } from '../../lambdas/shared/logger';
import { arrayReader, memoryModelStore, memoryRunHistory, memorySink } from '../support/memory-sync';

const T0 = Date.parse('2026-11-01T00:00:00.000Z');
const MIN = 60_000;
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
  cursor: new Date(T0 - 10 * MIN).toISOString(),
};
const row = (minute: number, id: string): EarningRow => ({
  date: new Date(T0 + minute * MIN).toISOString(),
  gross: 500,
  net: 400,
  currency: 'USD',
  source: 'tip',
  transactionOrderId: id,
  transactionOrderStatus: 'pendingBalance',
  user: null,
});
const facts: RunFacts = {
  modelId: 'm1',
  agencyId: 'a1',
  owner: '3f2a9c1e-77b0-4d1e-9a55-0c9a1b2c3d4e',
  kind: 'sync',
  trigger: 'schedule',
  outcome: 'ok',
  startedAt: T0,
  endedAt: T0 + 2_500,
};

function setup(reader: EarningsReader, history: RunHistory = memoryRunHistory(), initial = model) {
  const now = { t: T0 };
  const store = memoryModelStore([initial]);
  const deps: SyncDeps = {
    models: store,
    transactions: memorySink(),
    runs: history,
    reader,
    clock: { now: () => now.t },
    logger: silentLogger,
    config: {
      lookbackMs: 60 * MIN,
      pageSize: 2,
      backfillFrom: '2026-10-01T00:00:00.000Z',
      budgetMs: 60_000,
      reserveMs: 1_000,
      leaseMs: 120_000,
    },
  };
  return { deps, store, now };
}

describe('run records (pure)', () => {
  it('names the trigger from the invoke reason: known reasons as they are, none = by hand, anything else = other', () => {
    expect(toRunTrigger('schedule')).toBe('schedule');
    expect(toRunTrigger('webhook')).toBe('webhook');
    expect(toRunTrigger('dashboard')).toBe('dashboard');
    expect(toRunTrigger(undefined)).toBe('manual');
    expect(toRunTrigger('startup')).toBe('startup');
    expect(toRunTrigger('audit')).toBe('schedule');
    expect(toRunTrigger('cli-test')).toBe('other');
  });

  it('builds a small record: ISO times, a short id from the lease owner, zero counts by default', () => {
    expect(buildRunRecord(facts)).toEqual({
      modelId: 'm1',
      agencyId: 'a1',
      runId: '3f2a9c1e',
      kind: 'sync',
      trigger: 'schedule',
      outcome: 'ok',
      startedAt: '2026-11-01T00:00:00.000Z',
      endedAt: '2026-11-01T00:00:02.500Z',
      pages: 0,
      rowsFetched: 0,
      rowsStored: 0,
    });
  });

  it('keeps a domain error code only on a failed run, and anything that is not a plain code becomes internal', () => {
    expect(buildRunRecord({ ...facts, outcome: 'error', errorCode: 'rate_limited' }).errorCode).toBe('rate_limited');
    expect(buildRunRecord({ ...facts, outcome: 'error', errorCode: 'Bearer eyJ.x {"error":1}' }).errorCode).toBe(
      'internal',
    );
    expect(buildRunRecord({ ...facts, outcome: 'error' }).errorCode).toBe('internal');
    expect(buildRunRecord({ ...facts, outcome: 'partial', errorCode: 'budget' }).errorCode).toBeUndefined();
  });

  it('never ends before it started (a clock step back), and expires 30 days after it ended', () => {
    expect(buildRunRecord({ ...facts, endedAt: T0 - 1 }).endedAt).toBe('2026-11-01T00:00:00.000Z');
    expect(runExpiresAt(T0)).toBe(T0 / 1000 + 30 * 86_400);
  });

  it('a history that fails is logged (no message, no details) and never thrown', async () => {
    const warned: Record<string, unknown>[] = [];
    const logger: AppLogger = { ...silentLogger, warn: (_m, ...f) => warned.push(...f) };
    const broken: RunHistory = {
      record: async () => {
        throw new Error('AccessDenied for token abc');
      },
      recent: async () => [],
    };
    await expect(recordRun(broken, logger, facts)).resolves.toBeUndefined();
    expect(warned).toEqual([{ modelId: 'm1', errorName: 'Error' }]);
  });
});

describe('every sync run leaves one record', () => {
  it('a run that caught up: pages, rows read and stored, the cursor before and after, the trigger', async () => {
    const history = memoryRunHistory();
    const rows = [row(1, 'a'), row(2, 'b'), row(3, 'c')];
    const { deps, now } = setup(
      arrayReader(() => rows),
      history,
    );
    now.t = T0 + 30 * MIN;
    await syncModel(deps, 'm1', 'owner-1', 'webhook');
    expect(await history.recent('m1', 20)).toEqual([
      {
        modelId: 'm1',
        agencyId: 'a1',
        runId: 'owner1',
        kind: 'sync',
        trigger: 'webhook',
        outcome: 'ok',
        startedAt: new Date(T0 + 30 * MIN).toISOString(),
        endedAt: new Date(T0 + 30 * MIN).toISOString(),
        pages: 2,
        rowsFetched: 3,
        rowsStored: 3,
        cursorFrom: model.cursor,
        cursorTo: rows[2]!.date,
      },
    ]);
  });

  it('a failed run records the error code, never the message, and is written before the model says it finished', async () => {
    const history = memoryRunHistory();
    const seen: string[] = [];
    const { deps, store } = setup(
      {
        readPage: async () => {
          throw new FanvueAuthError('refresh token reused: token rt_secret_123 revoked');
        },
      },
      {
        record: async (run, exp) => {
          seen.push(store.records.get('m1')?.status ?? 'missing');
          await history.record(run, exp);
        },
        recent: history.recent,
      },
    );
    const out = await syncModel(deps, 'm1', 'owner-2', 'schedule');
    expect(out.status).toBe('error');
    const [run] = await history.recent('m1', 20);
    expect(run).toMatchObject({ outcome: 'error', errorCode: 'auth', pages: 0, cursorTo: model.cursor });
    expect(JSON.stringify(run)).not.toContain('rt_secret_123');
    // The history had the run while the model still said "syncing": the page never shows a finished
    // run that its history lacks.
    expect(seen).toEqual(['syncing']);
    expect(store.records.get('m1')?.status).toBe('error');
  });

  it('a trigger that finds the model syncing is recorded as already running; a missing model records nothing', async () => {
    const history = memoryRunHistory();
    const { deps } = setup(
      arrayReader(() => []),
      history,
    );
    await deps.models.acquireLease('m1', 'other-run', T0, 120_000);
    expect((await syncModel(deps, 'm1', 'owner-3', 'dashboard')).status).toBe('already_running');
    expect(await syncModel(deps, 'nope', 'owner-4', 'dashboard')).toEqual({ status: 'not_found', modelId: 'nope' });
    expect((await history.recent('m1', 20)).map((r) => [r.outcome, r.trigger])).toEqual([
      ['already_running', 'dashboard'],
    ]);
    expect(await history.recent('nope', 20)).toEqual([]);
  });

  it('a history that cannot be written never fails the sync: rows, cursor and status are as without it', async () => {
    const rows = [row(1, 'a'), row(2, 'b')];
    const broken: RunHistory = {
      record: async () => {
        throw new Error('throttled');
      },
      recent: async () => [],
    };
    const { deps, store, now } = setup(
      arrayReader(() => rows),
      broken,
    );
    now.t = T0 + 30 * MIN;
    expect(await syncModel(deps, 'm1', 'owner-5')).toMatchObject({ status: 'ok', rowsWritten: 2 });
    expect(store.records.get('m1')).toMatchObject({ status: 'ok', cursor: rows[1]!.date, rowsWritten: 2 });
  });

  it('the handler passes the payload reason through as the trigger (none: manual)', async () => {
    const history = memoryRunHistory();
    const { deps } = setup(
      arrayReader(() => []),
      history,
    );
    const handler = makeSyncHandler(deps);
    await handler({ modelId: 'm1', reason: 'schedule' }, { awsRequestId: 'req-a' });
    await handler({ modelId: 'm1' }, { awsRequestId: 'req-b' });
    const runs = await history.recent('m1', 20);
    expect(runs.map((r) => [r.runId, r.trigger]).sort()).toEqual([
      ['reqa', 'schedule'],
      ['reqb', 'manual'],
    ]);
  });
});
