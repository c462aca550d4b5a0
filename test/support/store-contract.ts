import { beforeEach, describe, expect, it } from 'vitest';
import type { ModelAdmin } from '../../lambdas/adapters/dynamo/model-store';
import { ModelOwnedByAnotherAgencyError } from '../../lambdas/domain/connect';
import type { ModelRecord } from '../../lambdas/domain/model';
import { LeaseLostError } from '../../lambdas/domain/sync';
import type { RunHistory, SyncRunRecord } from '../../lambdas/domain/sync-history';
import type { ModelStore, TransactionSink } from '../../lambdas/domain/sync-ports';
import type { StoredTransaction } from '../../lambdas/domain/transaction';
import { tx } from './aggregate-fixtures';

/** A model store under test, seeded with `initial`, and a way to read a record back. */
export interface ModelStoreUnderTest {
  store: ModelStore;
  read(modelId: string): Promise<ModelRecord | undefined>;
}

/** A transaction sink under test and a way to read one model's rows back. */
export interface SinkUnderTest {
  sink: TransactionSink;
  rows(modelId: string): Promise<StoredTransaction[]>;
}

const NOW = Date.parse('2026-05-01T12:00:00.000Z');
const LEASE = 60_000;

/** A registered, never synced model. */
export function idleModel(modelId: string): ModelRecord {
  return {
    modelId,
    agencyId: 'a1',
    displayName: `Model ${modelId}`,
    creatorUuid: `creator-${modelId}`,
    connectionId: `conn-${modelId}`,
    enabled: true,
    status: 'idle',
    consecutiveFailures: 0,
    lastRunRows: 0,
    rowsWritten: 0,
    behind: false,
  };
}

const resume = {
  windowStart: '2026-05-01T10:00:00.000Z',
  windowEnd: '2026-05-01T12:00:00.000Z',
  pageToken: 'next-1',
  pages: 1,
};

/**
 * The ModelStore contract (lease, forward-only cursor, rerun requests, outcome), run
 * unchanged against every implementation: the in-memory one the fast tests use and the
 * DynamoDB one, so the fake cannot drift from the real store.
 */
export function modelStoreContract(name: string, make: (initial: ModelRecord[]) => Promise<ModelStoreUnderTest>) {
  describe(`ModelStore contract: ${name}`, () => {
    let s: ModelStoreUnderTest;
    beforeEach(async () => {
      s = await make([idleModel('m1'), idleModel('m2')]);
    });

    it('a missing model is missing', async () => {
      expect(await s.store.acquireLease('nope', 'o1', NOW, LEASE)).toEqual({ kind: 'missing' });
    });

    it('a free lease is taken: syncing, owner, expiry and start time recorded', async () => {
      const out = await s.store.acquireLease('m1', 'o1', NOW, LEASE);
      expect(out.kind).toBe('acquired');
      const expected = {
        status: 'syncing',
        leaseOwner: 'o1',
        leaseExpiresAt: NOW + LEASE,
        lastSyncStartedAt: new Date(NOW).toISOString(),
      };
      expect(out.kind === 'acquired' && out.model).toMatchObject(expected);
      expect(await s.read('m1')).toMatchObject(expected);
    });

    it('a held lease (up to and including its expiry) is refused and leaves a rerun request', async () => {
      await s.store.acquireLease('m1', 'o1', NOW, LEASE);
      expect((await s.store.acquireLease('m1', 'o2', NOW + LEASE, LEASE)).kind).toBe('held');
      expect(await s.read('m1')).toMatchObject({ leaseOwner: 'o1', rerunRequested: true });
      expect((await s.read('m2'))?.rerunRequested).toBeUndefined();
    });

    it('an expired lease is taken over', async () => {
      await s.store.acquireLease('m1', 'o1', NOW, LEASE);
      const out = await s.store.acquireLease('m1', 'o2', NOW + LEASE + 1, LEASE);
      expect(out.kind).toBe('acquired');
      expect(await s.read('m1')).toMatchObject({ leaseOwner: 'o2', leaseExpiresAt: NOW + 2 * LEASE + 1 });
    });

    it('a checkpoint by anyone but the owner fails with LeaseLostError and changes nothing', async () => {
      await s.store.acquireLease('m1', 'o1', NOW, LEASE);
      const before = await s.read('m1');
      await expect(
        s.store.checkpoint('m1', 'o2', { cursor: '2026-05-01T11:00:00.000Z', resume: null, rows: 3 }),
      ).rejects.toBeInstanceOf(LeaseLostError);
      await expect(s.store.checkpoint('m2', 'o1', { resume: null, rows: 1 })).rejects.toBeInstanceOf(LeaseLostError);
      expect(await s.read('m1')).toEqual(before);
    });

    it('the cursor only moves forward (equal is fine); rows add up; the resume point is set and cleared', async () => {
      await s.store.acquireLease('m1', 'o1', NOW, LEASE);
      await s.store.checkpoint('m1', 'o1', { resume, rows: 2 });
      expect(await s.read('m1')).toMatchObject({ resume, rowsWritten: 2 });
      await s.store.checkpoint('m1', 'o1', { cursor: '2026-05-01T11:00:00.000Z', resume: null, rows: 3 });
      await s.store.checkpoint('m1', 'o1', { cursor: '2026-05-01T11:00:00.000Z', resume: null, rows: 0 });
      await expect(
        s.store.checkpoint('m1', 'o1', { cursor: '2026-05-01T10:59:59.999Z', resume: null, rows: 0 }),
      ).rejects.toBeInstanceOf(LeaseLostError);
      const after = await s.read('m1');
      expect(after).toMatchObject({ cursor: '2026-05-01T11:00:00.000Z', rowsWritten: 5 });
      expect(after?.resume).toBeUndefined();
    });

    it('overlap digests survive a mid-window checkpoint and are replaced or cleared when a window completes', async () => {
      await s.store.acquireLease('m1', 'o1', NOW, LEASE);
      await s.store.checkpoint('m1', 'o1', { resume: null, rows: 0, overlap: { a: '1' }, windowComplete: true });
      await s.store.checkpoint('m1', 'o1', { resume, rows: 0 });
      expect((await s.read('m1'))?.overlap).toEqual({ a: '1' });
      await s.store.checkpoint('m1', 'o1', { resume: null, rows: 0, overlap: { b: '2' }, windowComplete: true });
      expect((await s.read('m1'))?.overlap).toEqual({ b: '2' });
      await s.store.checkpoint('m1', 'o1', { resume: null, rows: 0, windowComplete: true });
      expect((await s.read('m1'))?.overlap).toBeUndefined();
    });

    it('a completed window reports a pending rerun request once and clears it', async () => {
      await s.store.acquireLease('m1', 'o1', NOW, LEASE);
      expect(await s.store.checkpoint('m1', 'o1', { resume: null, rows: 0, windowComplete: true })).toEqual({
        rerunRequested: false,
      });
      await s.store.acquireLease('m1', 'o2', NOW + 1, LEASE);
      expect(await s.store.checkpoint('m1', 'o1', { resume, rows: 0 })).toEqual({ rerunRequested: false });
      expect((await s.read('m1'))?.rerunRequested).toBe(true);
      expect(await s.store.checkpoint('m1', 'o1', { resume: null, rows: 0, windowComplete: true })).toEqual({
        rerunRequested: true,
      });
      expect((await s.read('m1'))?.rerunRequested).toBeUndefined();
    });

    it('finish ok: releases the lease, records the success and clears the error', async () => {
      await s.store.acquireLease('m1', 'o1', NOW, LEASE);
      await s.store.finish('m1', 'o1', {
        status: 'error',
        finishedAt: '2026-05-01T12:01:00.000Z',
        lastRunRows: 0,
        behind: true,
        error: { code: 'rate_limited', message: 'Fanvue rate limit' },
      });
      await s.store.acquireLease('m1', 'o2', NOW + 120_000, LEASE);
      await s.store.finish('m1', 'o2', {
        status: 'ok',
        finishedAt: '2026-05-01T12:03:00.000Z',
        lastRunRows: 7,
        behind: false,
      });
      const m = await s.read('m1');
      expect(m).toMatchObject({
        status: 'ok',
        lastSuccessAt: '2026-05-01T12:03:00.000Z',
        lastSyncFinishedAt: '2026-05-01T12:03:00.000Z',
        lastRunRows: 7,
        behind: false,
        consecutiveFailures: 0,
      });
      for (const gone of ['leaseOwner', 'leaseExpiresAt', 'lastError', 'lastErrorCode'] as const)
        expect(m?.[gone]).toBeUndefined();
    });

    it('finish error: counts consecutive failures, keeps the last success, releases the lease', async () => {
      const fail = (owner: string, at: string) =>
        s.store.finish('m1', owner, {
          status: 'error',
          finishedAt: at,
          lastRunRows: 1,
          behind: true,
          error: { code: 'auth', message: 'Fanvue access was revoked' },
        });
      await s.store.acquireLease('m1', 'o1', NOW, LEASE);
      await s.store.finish('m1', 'o1', {
        status: 'ok',
        finishedAt: '2026-05-01T12:00:30.000Z',
        lastRunRows: 0,
        behind: false,
      });
      await s.store.acquireLease('m1', 'o2', NOW + 1, LEASE);
      await fail('o2', '2026-05-01T12:01:00.000Z');
      await s.store.acquireLease('m1', 'o3', NOW + 2, LEASE);
      await fail('o3', '2026-05-01T12:02:00.000Z');
      const m = await s.read('m1');
      expect(m).toMatchObject({
        status: 'error',
        lastError: 'Fanvue access was revoked',
        lastErrorCode: 'auth',
        consecutiveFailures: 2,
        lastSuccessAt: '2026-05-01T12:00:30.000Z',
        lastSyncFinishedAt: '2026-05-01T12:02:00.000Z',
        behind: true,
      });
      expect(m?.leaseOwner).toBeUndefined();
    });

    it('a webhook note records lastWebhookAt, held lease or not, and leaves a missing model missing', async () => {
      await s.store.acquireLease('m1', 'o1', NOW, LEASE);
      await s.store.noteWebhook('m1', '2026-05-01T12:01:00.000Z');
      expect(await s.read('m1')).toMatchObject({ leaseOwner: 'o1', lastWebhookAt: '2026-05-01T12:01:00.000Z' });
      await s.store.noteWebhook('nope', '2026-05-01T12:01:00.000Z');
      expect(await s.store.acquireLease('nope', 'o1', NOW, LEASE)).toEqual({ kind: 'missing' });
    });

    it('finish by a former owner changes nothing', async () => {
      await s.store.acquireLease('m1', 'o1', NOW, LEASE);
      await s.store.acquireLease('m1', 'o2', NOW + LEASE + 1, LEASE);
      const before = await s.read('m1');
      await s.store.finish('m1', 'o1', {
        status: 'ok',
        finishedAt: '2026-05-01T12:05:00.000Z',
        lastRunRows: 0,
        behind: false,
      });
      expect(await s.read('m1')).toEqual(before);
    });
  });
}

/** The TransactionSink contract (idempotent puts keyed by model and txKey), run against every implementation. */
export function transactionSinkContract(name: string, make: () => Promise<SinkUnderTest>) {
  describe(`TransactionSink contract: ${name}`, () => {
    let s: SinkUnderTest;
    beforeEach(async () => {
      s = await make();
    });
    const byKey = (rows: StoredTransaction[]) => [...rows].sort((a, b) => a.txKey.localeCompare(b.txKey));

    it('stores every row once, per model, and a second put of the same rows changes nothing', async () => {
      const rows = Array.from({ length: 30 }, (_, i) => tx({ txKey: `oid#${String(i).padStart(2, '0')}`, gross: i }));
      await s.sink.put(rows);
      await s.sink.put(rows);
      await s.sink.put([tx({ txKey: 'oid#00', modelId: 'm2', gross: 5 })]);
      expect(byKey(await s.rows('m1'))).toEqual(byKey(rows));
      expect(await s.rows('m2')).toEqual([tx({ txKey: 'oid#00', modelId: 'm2', gross: 5 })]);
    });

    it('a changed row replaces the stored one; the same key twice in one put keeps the later row', async () => {
      await s.sink.put([tx({ txKey: 'oid#a', status: 'pendingBalance' })]);
      await s.sink.put([
        tx({ txKey: 'oid#a', status: 'availableForPayout', gross: 1 }),
        tx({ txKey: 'oid#a', status: 'availableForPayout', gross: 2 }),
      ]);
      expect(await s.rows('m1')).toEqual([tx({ txKey: 'oid#a', status: 'availableForPayout', gross: 2 })]);
    });

    it('an empty put is a no-op', async () => {
      await s.sink.put([]);
      expect(await s.rows('m1')).toEqual([]);
    });
  });
}

/** A run history under test and a way to read the stored expiry (epoch seconds) of one run. */
export interface RunHistoryUnderTest {
  history: RunHistory;
  expiresAt(run: SyncRunRecord): Promise<number | undefined>;
}

/** One run of `modelId` ended `minutes` after NOW. */
export function runAt(modelId: string, minutes: number, over: Partial<SyncRunRecord> = {}): SyncRunRecord {
  return {
    modelId,
    agencyId: 'a1',
    runId: `r${minutes}`,
    kind: 'sync',
    trigger: 'schedule',
    outcome: 'ok',
    startedAt: new Date(NOW + minutes * 60_000 - 5_000).toISOString(),
    endedAt: new Date(NOW + minutes * 60_000).toISOString(),
    pages: 1,
    rowsFetched: 3,
    rowsStored: 2,
    ...over,
  };
}

/** The RunHistory contract (newest first, bounded, per model, expiring), run against every implementation. */
export function runHistoryContract(name: string, make: () => Promise<RunHistoryUnderTest>) {
  describe(`RunHistory contract: ${name}`, () => {
    let s: RunHistoryUnderTest;
    beforeEach(async () => {
      s = await make();
    });

    it("returns a model's runs newest first, at most `limit`, and none of another model's", async () => {
      // Written out of order: the order comes from the end time, not from when the record arrived.
      for (const m of [3, 1, 12, 2, 10]) await s.history.record(runAt('m1', m), 0);
      await s.history.record(runAt('m2', 20), 0);
      await s.history.record(runAt('m10', 30), 0);
      const recent = await s.history.recent('m1', 3);
      expect(recent.map((r) => r.runId)).toEqual(['r12', 'r10', 'r3']);
      expect((await s.history.recent('m1', 100)).map((r) => r.runId)).toEqual(['r12', 'r10', 'r3', 'r2', 'r1']);
      expect(await s.history.recent('nope', 20)).toEqual([]);
    });

    it('keeps every field as given, two runs ending in the same millisecond, and one copy of a run recorded twice', async () => {
      const failed = runAt('m1', 1, {
        outcome: 'error',
        errorCode: 'rate_limited',
        trigger: 'webhook',
        cursorFrom: '2026-05-01T10:00:00.000Z',
        cursorTo: '2026-05-01T11:00:00.000Z',
      });
      const other = runAt('m1', 1, { runId: 'zz9', kind: 'audit', outcome: 'partial', differences: 4 });
      await s.history.record(failed, 1);
      await s.history.record(failed, 1);
      await s.history.record(other, 1);
      expect(await s.history.recent('m1', 20)).toEqual([other, failed]);
    });

    it('stores the expiry it is given (the TTL that bounds the history)', async () => {
      const run = runAt('m1', 5);
      await s.history.record(run, 1_780_000_000);
      expect(await s.expiresAt(run)).toBe(1_780_000_000);
    });

    it('refuses a record whose error is anything but a plain code, and stores nothing', async () => {
      const leaky = runAt('m1', 1, { outcome: 'error', errorCode: 'Bearer abc.def {"error":"x"}' });
      await expect(s.history.record(leaky, 1)).rejects.toThrow();
      expect(await s.history.recent('m1', 20)).toEqual([]);
    });
  });
}

/**
 * Registration's column ordinals (the compact totals columns), run against every implementation:
 * one ordinal per model and agency, distinct within the agency, kept on re-registration and
 * across moves (a model moved back finds its old columns).
 */
export function modelRegistryContract(name: string, make: (initial: ModelRecord[]) => Promise<ModelAdmin>) {
  describe(`model registration contract: ${name}`, () => {
    const model = (modelId: string, agencyId: string) => ({
      modelId,
      agencyId,
      displayName: `Model ${modelId}`,
      creatorUuid: `creator-${modelId}`,
      connectionId: `conn-${agencyId}`,
    });
    const columns = async (r: ModelAdmin, id: string) => (await r.get(id))?.columns;

    it('gives each model of an agency its own ordinal, even when registered at once, and keeps it', async () => {
      const r = await make([]);
      const ids = Array.from({ length: 8 }, (_, i) => `m${i}`);
      await Promise.all(ids.map((id) => r.register(model(id, 'a1'))));
      await r.register(model('x', 'a2'));
      const ordinals = await Promise.all(ids.map(async (id) => (await columns(r, id))?.a1));
      expect(ordinals.every((n) => Number.isInteger(n) && (n ?? -1) >= 0)).toBe(true);
      expect(new Set(ordinals).size).toBe(ids.length);
      // Another agency counts on its own.
      expect(await columns(r, 'x')).toEqual({ a2: 0 });
      // Registering again (a re-run of connect) keeps every ordinal and the model's sync state.
      await r.register({ ...model('m0', 'a1'), displayName: 'Renamed' });
      expect((await columns(r, 'm0'))?.a1).toBe(ordinals[0]);
      expect(await r.get('m0')).toMatchObject({ displayName: 'Renamed', status: 'idle', rowsWritten: 0 });
    });

    it('a move gives an ordinal in the new agency, keeps the old one, and a move back reuses it', async () => {
      const r = await make([]);
      await r.register(model('m1', 'a1'));
      await r.register(model('m2', 'a2'));
      await expect(r.register(model('m1', 'a2'))).rejects.toBeInstanceOf(ModelOwnedByAnotherAgencyError);
      expect(await columns(r, 'm1')).toEqual({ a1: 0 });
      expect(await r.register(model('m1', 'a2'), { move: true })).toEqual({ movedFrom: 'a1' });
      expect(await columns(r, 'm1')).toEqual({ a1: 0, a2: 1 });
      await r.register(model('m1', 'a1'), { move: true });
      expect(await columns(r, 'm1')).toEqual({ a1: 0, a2: 1 });
      expect((await r.get('m1'))?.agencyId).toBe('a1');
    });

    it('a model registered before ordinals existed gets one when it is registered again, its cursor kept', async () => {
      const legacy = { ...idleModel('old'), cursor: '2026-05-01T10:00:00.000Z', rowsWritten: 40 };
      const r = await make([legacy]);
      expect(await columns(r, 'old')).toBeUndefined();
      await r.register(model('new', 'a1'));
      await r.register({ ...model('old', 'a1'), connectionId: legacy.connectionId });
      expect(await columns(r, 'old')).toEqual({ a1: 1 });
      expect(await r.get('old')).toMatchObject({ cursor: legacy.cursor, rowsWritten: 40 });
    });
  });
}
