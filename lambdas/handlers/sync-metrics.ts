import type { CountMetrics } from '../domain/ports';
import type { SyncOutcome } from '../domain/sync';

/**
 * Counts one sync run. A model-level failure (revoked token, 429 storm, bad
 * page) returns normally, so Lambda's Errors metric never sees it: the
 * SyncErrorRate alarm is built on these counts instead.
 */
export function recordSyncOutcome(metrics: CountMetrics, outcome: SyncOutcome): void {
  switch (outcome.status) {
    case 'ok':
      metrics.count('SyncSucceeded', 1);
      break;
    case 'partial':
      metrics.count('SyncPartial', 1);
      break;
    case 'error':
      metrics.count('SyncFailed', 1);
      break;
    default:
      metrics.count('SyncSkipped', 1);
  }
  if ('rowsWritten' in outcome) metrics.count('RowsWritten', outcome.rowsWritten);
}
