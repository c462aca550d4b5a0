import type { ModelRecord, ResumePoint } from './model';
import type { StoredTransaction } from './transaction';

/** Result of trying to take a model's lease. */
export type LeaseResult =
  | { kind: 'acquired'; model: ModelRecord }
  | { kind: 'held'; model: ModelRecord }
  | { kind: 'missing' };

/** What a checkpoint after a durably written page records. */
export interface Checkpoint {
  /** New committed cursor (only ever moves forward); absent = unchanged. */
  cursor?: string;
  /** Where to resume an unfinished window; `null` clears it. */
  resume: ResumePoint | null;
  /** Rows written by this page. */
  rows: number;
  /** With a completed window: digests (txKey -> digest) of the rows the next look-back re-reads. */
  overlap?: Record<string, string> | undefined;
  /** The window is complete: replace the overlap digests (absent clears them), clear the rerun request and report whether one was pending. */
  windowComplete?: boolean;
}

/** How a run ended, as recorded on the model. */
export interface RunResult {
  status: 'ok' | 'error';
  finishedAt: string;
  lastRunRows: number;
  behind: boolean;
  error?: { code: string; message: string };
}

/** Model records: cursor, status and lease (the control table in DynamoDB). */
export interface ModelStore {
  /**
   * Takes the lease if free or expired; marks the model `syncing`. When the lease is held,
   * records a rerun request so the running sync reads one more window (no trigger is lost).
   */
  acquireLease(modelId: string, owner: string, now: number, leaseMs: number): Promise<LeaseResult>;
  /** Saves progress; fails with `LeaseLostError` if another owner holds the lease now. */
  checkpoint(modelId: string, owner: string, checkpoint: Checkpoint): Promise<{ rerunRequested: boolean }>;
  /** Records the outcome and releases the lease (only if still ours). */
  finish(modelId: string, owner: string, result: RunResult): Promise<void>;
  /**
   * Records that a verified Fanvue webhook asked for this model's sync (`lastWebhookAt`),
   * whether or not the lease was free: the dashboard shows which models are real-time.
   * A missing model is left missing.
   */
  noteWebhook(modelId: string, at: string): Promise<void>;
}

/** Durable, idempotent storage of transactions: resolves only once every row is written. */
export interface TransactionSink {
  put(rows: readonly StoredTransaction[]): Promise<void>;
}

/** Options of a durable transaction sink (the DynamoDB one): its write retries, and a write counter. */
export interface TransactionSinkOptions {
  /** Attempts for unprocessed items before giving up. @default 8 */
  maxAttempts?: number;
  /** Base of the exponential backoff between attempts, ms. @default 50 */
  baseDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /** Counts write requests (benchmarks). */
  onWrite?: (items: number) => void;
}
