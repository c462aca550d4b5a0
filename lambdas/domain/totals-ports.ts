import type { TotalsItemDelta, TotalsKey } from './aggregate';
import type { StoredTransaction } from './transaction';

/** One stream record's effect: its eventID (the exactly-once marker) and its deltas. */
export interface RecordDeltas {
  readonly eventID: string;
  readonly deltas: readonly TotalsItemDelta[];
}

/** What `applyRecords` did, per record index of its input. */
export interface ApplyOutcome {
  /** Indexes whose deltas were written by this call. */
  applied: number[];
  /** Indexes whose marker already existed (applied by an earlier delivery). */
  duplicates: number[];
  /** Index of the first record whose transaction could not be written; it and all later ones were not attempted or failed. */
  failedFrom?: number;
  error?: unknown;
}

/** Applies stream records' deltas to the totals exactly once (the totals table in DynamoDB). */
export interface TotalsApplier {
  applyRecords(records: readonly RecordDeltas[]): Promise<ApplyOutcome>;
}

/** Adds counters to one totals item (ADD composes with concurrent writers). */
export interface TotalsCounterWriter {
  addCounters(delta: TotalsItemDelta): Promise<void>;
}

/** A totals item as counters (absent counters are zero). */
export interface TotalsItemCounters {
  key: TotalsKey;
  counters: Record<string, number>;
}

/** Strongly consistent reads for reconciliation: one model's transactions, one scope's totals items. */
export interface TotalsSourceReader {
  /** Every stored transaction of a model. */
  transactionsOf(modelId: string): Promise<StoredTransaction[]>;
  /** Every totals item under `pk` (TOTAL and ZDAY#...), keyed by `keyId`. */
  totalsOf(pk: string): Promise<Map<string, TotalsItemCounters>>;
}
