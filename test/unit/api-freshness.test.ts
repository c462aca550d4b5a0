import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  agencyFreshness,
  DASHBOARD_SYNC_STATUSES,
  describeSyncError,
  type FreshnessInput,
  modelFreshness,
  nextSyncDueAt,
} from '../../lambdas/domain/dashboard';
import { SYNC_STATUSES } from '../../lambdas/domain/model';
import { liveWithinMs } from '../../lambdas/shared/defaults';

const T0 = Date.parse('2026-03-10T12:00:00.000Z');
const MIN = 60_000;
const cfg = { syncIntervalMs: 10 * MIN, liveWithinMs: liveWithinMs(10 * MIN) };
const iso = (ms: number) => new Date(ms).toISOString();

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(T0);
});
afterEach(() => vi.useRealTimers());

describe('modelFreshness', () => {
  it('defaults Live to two intervals plus two minutes', () => {
    expect(cfg.liveWithinMs).toBe(22 * MIN);
  });

  it('is live up to and including liveWithinMs after the last success, stale one millisecond later', () => {
    const m: FreshnessInput = { status: 'ok', lastSuccessAt: iso(Date.now()) };
    vi.advanceTimersByTime(22 * MIN - 1);
    expect(modelFreshness(m, Date.now(), cfg)).toBe('live');
    vi.advanceTimersByTime(1);
    expect(modelFreshness(m, Date.now(), cfg)).toBe('live');
    vi.advanceTimersByTime(1);
    expect(modelFreshness(m, Date.now(), cfg)).toBe('stale');
  });

  it('never flickers to stale between healthy 10-minute syncs, even with one slow cycle', () => {
    // Syncs finish at +0, +10 (missed), +20 minutes + 90 s of latency.
    const m: FreshnessInput = { status: 'ok', lastSuccessAt: iso(T0) };
    for (let t = 0; t <= 21.5 * MIN; t += 15_000) expect(modelFreshness(m, T0 + t, cfg)).toBe('live');
  });

  it('is syncing while a sync started within one interval, then falls back to live/stale (crashed run)', () => {
    const m: FreshnessInput = { status: 'syncing', lastSyncStartedAt: iso(T0), lastSuccessAt: iso(T0 - 30 * MIN) };
    expect(modelFreshness(m, Date.now(), cfg)).toBe('syncing');
    vi.advanceTimersByTime(10 * MIN - 1);
    expect(modelFreshness(m, Date.now(), cfg)).toBe('syncing');
    vi.advanceTimersByTime(1);
    expect(modelFreshness(m, Date.now(), cfg)).toBe('stale');
    expect(modelFreshness({ ...m, lastSuccessAt: iso(T0) }, Date.now(), cfg)).toBe('live');
  });

  it('is stale for a model that never synced and for an error status with an old success', () => {
    expect(modelFreshness({ status: 'idle' }, T0, cfg)).toBe('stale');
    expect(modelFreshness({ status: 'error', lastSuccessAt: iso(T0 - 23 * MIN) }, T0, cfg)).toBe('stale');
    expect(modelFreshness({ status: 'error', lastSuccessAt: iso(T0 - 5 * MIN) }, T0, cfg)).toBe('live');
  });
});

describe('nextSyncDueAt', () => {
  it('is the first schedule tick (multiple of the interval) after the last start, whatever the time now', () => {
    const m: FreshnessInput = { status: 'ok', lastSyncStartedAt: iso(T0 + 3_000), lastSuccessAt: iso(T0 + 20_000) };
    expect(nextSyncDueAt(m, cfg)).toBe(T0 + 10 * MIN);
    expect(nextSyncDueAt({ ...m, lastSyncStartedAt: iso(T0 + 10 * MIN - 1) }, cfg)).toBe(T0 + 10 * MIN);
    expect(nextSyncDueAt({ ...m, lastSyncStartedAt: iso(T0) }, cfg)).toBe(T0 + 10 * MIN);
  });

  it('falls back to one interval after the last success, and is null for a model never synced', () => {
    expect(nextSyncDueAt({ status: 'ok', lastSuccessAt: iso(T0 + 7_000) }, cfg)).toBe(T0 + 7_000 + 10 * MIN);
    expect(nextSyncDueAt({ status: 'idle' }, cfg)).toBeNull();
  });
});

describe('agencyFreshness', () => {
  const live = { status: 'ok' as const, lastSuccessAt: iso(T0 - MIN) };
  const stale = { status: 'ok' as const, lastSuccessAt: iso(T0 - 60 * MIN) };
  const syncing = { status: 'syncing' as const, lastSyncStartedAt: iso(T0 - 5_000) };

  it('is syncing if any model syncs, live if all enabled models are live, else stale with the count', () => {
    expect(agencyFreshness([live, stale, syncing], T0, cfg)).toEqual({
      state: 'syncing',
      live: 1,
      stale: 1,
      syncing: 1,
    });
    expect(agencyFreshness([live, live], T0, cfg)).toEqual({ state: 'live', live: 2, stale: 0, syncing: 0 });
    expect(agencyFreshness([live, stale, stale], T0, cfg)).toEqual({ state: 'stale', live: 1, stale: 2, syncing: 0 });
  });

  it('ignores disabled models and is stale when nothing is enabled', () => {
    expect(agencyFreshness([live, { ...stale, enabled: false }], T0, cfg).state).toBe('live');
    expect(agencyFreshness([], T0, cfg).state).toBe('stale');
  });
});

describe('contract', () => {
  it('keeps the dashboard statuses equal to the model record statuses', () => {
    expect([...DASHBOARD_SYNC_STATUSES]).toEqual([...SYNC_STATUSES]);
  });

  it('puts error codes in words a user understands', () => {
    expect(describeSyncError('auth')).toBe('Fanvue access was revoked: reconnect this model');
    expect(describeSyncError('rate_limited')).toBe('Fanvue rate limit: will retry next cycle');
    expect(describeSyncError('malformed')).toBe('Fanvue sent data we could not read; nothing was lost, we will retry');
    expect(describeSyncError('unavailable')).toBe('Fanvue is not responding; we will retry next cycle');
    expect(describeSyncError('budget')).toMatch(/continue where it stopped/);
    expect(describeSyncError('something_new')).toBe('Sync failed; we will retry next cycle');
    expect(describeSyncError(undefined)).toBe('Sync failed; we will retry next cycle');
  });
});
