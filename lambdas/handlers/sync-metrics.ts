import type { AuditOutcome } from '../domain/audit';
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

/**
 * Counts one source audit. `AuditDifferences` (rows missing here plus rows Fanvue no longer
 * returns) raises the audit alarm; a failed audit counts in `AuditFailed`, not in the sync's rate.
 */
export function recordAuditOutcome(metrics: CountMetrics, outcome: AuditOutcome): void {
  if (outcome.status === 'error') metrics.count('AuditFailed', 1);
  // Zero included: the alarm sees a healthy zero on every audited model.
  if (outcome.status === 'ok' || outcome.status === 'partial')
    metrics.count('AuditDifferences', outcome.missing + outcome.gone);
}
