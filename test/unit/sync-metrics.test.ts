import { describe, expect, it } from 'vitest';
import type { CountMetricName, CountMetrics } from '../../lambdas/adapters/metrics';
import { recordAuditOutcome, recordSyncOutcome } from '../../lambdas/handlers/sync-metrics';

function recorder(): CountMetrics & { seen: Partial<Record<CountMetricName, number>> } {
  const seen: Partial<Record<CountMetricName, number>> = {};
  const count = (name: CountMetricName, v: number): void => {
    seen[name] = (seen[name] ?? 0) + v;
  };
  return { seen, count, flush: () => undefined };
}

describe('sync metrics', () => {
  it('counts a model-level failure as SyncFailed even though the handler returned normally', () => {
    const m = recorder();
    recordSyncOutcome(m, {
      status: 'error',
      modelId: 'm',
      pages: 1,
      rowsWritten: 3,
      cursor: undefined,
      error: { code: 'auth', message: 'revoked' },
    });
    recordSyncOutcome(m, { status: 'ok', modelId: 'm', pages: 2, rowsWritten: 7, cursor: undefined });
    recordSyncOutcome(m, { status: 'partial', modelId: 'm', pages: 9, rowsWritten: 400, cursor: undefined });
    recordSyncOutcome(m, { status: 'already_running', modelId: 'm' });
    expect(m.seen).toEqual({ SyncFailed: 1, SyncSucceeded: 1, SyncPartial: 1, SyncSkipped: 1, RowsWritten: 410 });
  });

  it('counts audit differences (missing + gone) for the audit alarm, and a failed audit apart from the sync rate', () => {
    const m = recorder();
    const range = { from: '2026-11-24T00:00:00.000Z', to: '2026-12-01T00:00:00.000Z' };
    recordAuditOutcome(m, {
      status: 'ok',
      modelId: 'm',
      pages: 3,
      ...range,
      rowsChecked: 120,
      missing: 2,
      gone: 1,
      updated: 5,
    });
    recordAuditOutcome(m, {
      status: 'ok',
      modelId: 'm',
      pages: 3,
      ...range,
      rowsChecked: 120,
      missing: 0,
      gone: 0,
      updated: 0,
    });
    recordAuditOutcome(m, { status: 'error', modelId: 'm', pages: 0, error: { code: 'auth', message: 'revoked' } });
    recordAuditOutcome(m, { status: 'already_running', modelId: 'm' });
    expect(m.seen).toEqual({ AuditDifferences: 3, AuditFailed: 1 });
    expect(m.seen.SyncFailed).toBeUndefined();
  });
});
