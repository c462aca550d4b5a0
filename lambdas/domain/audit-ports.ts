import type { LeaseResult } from './sync-ports';
import type { StoredTransaction } from './transaction';

/** What one audit found, as recorded on the model. */
export interface AuditRecord {
  /** ISO time the audit finished. */
  at: string;
  /** Compared range `[from, to)`, ISO. */
  from: string;
  to: string;
  /** Whether the whole range was compared (false: the budget ran out first). */
  complete: boolean;
  /** Rows Fanvue returned in the compared range. */
  rowsChecked: number;
  /** Rows Fanvue has that were missing here (now stored). */
  missing: number;
  /** Rows here that Fanvue no longer returns (reported, never deleted). */
  gone: number;
  /** Rows whose stored copy differed from Fanvue's (a settlement status change; rewritten, not a difference). */
  updated: number;
}

/** Model records for the audit: the same lease as the sync, without touching the sync's status. */
export interface AuditStore {
  /** Takes the model's lease if free or expired, leaving status and rerun requests alone. */
  acquireAuditLease(modelId: string, owner: string, now: number, leaseMs: number): Promise<LeaseResult>;
  /**
   * Records the audit and releases the lease (only if still ours): `lastVerifiedAt` and
   * `differences` (missing + gone) when complete, `lastAudit` always.
   */
  finishAudit(modelId: string, owner: string, audit: AuditRecord): Promise<void>;
}

/** Stored rows of one model by date (the transactions table's `byDate` index). */
export interface StoredRowsReader {
  /** Every stored row of `modelId` dated in `[from, to)`. */
  rowsBetween(modelId: string, from: string, to: string): Promise<StoredTransaction[]>;
}
