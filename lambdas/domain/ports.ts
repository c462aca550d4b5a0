/** Ports the domain depends on; adapters implement them. No AWS imports here. */
import type { EarningsPage } from './earnings';

/**
 * Structured logger (Powertools Logger in Lambda): lowercase message, details as fields.
 * Never given a token, a secret or a whole Fanvue response.
 */
export interface AppLogger {
  debug(message: string, ...fields: Record<string, unknown>[]): void;
  info(message: string, ...fields: Record<string, unknown>[]): void;
  warn(message: string, ...fields: Record<string, unknown>[]): void;
  error(message: string, ...fields: Record<string, unknown>[]): void;
}

/** The count metrics the handlers emit (namespace RevenueHeartbeat, dimension service). */
export type CountMetricName =
  | 'RecordsApplied'
  | 'DuplicatesSkipped'
  | 'PoisonRecords'
  | 'TotalsDriftRepaired'
  | 'SyncSucceeded'
  | 'SyncPartial'
  | 'SyncFailed'
  | 'SyncSkipped'
  | 'RowsWritten'
  | 'StaleModels'
  | 'WebhookSignatureRejected'
  | 'AuditFailed'
  | 'AuditDifferences';

/** Count metrics (CloudWatch EMF in Lambda), so the code that counts stays testable without CloudWatch. */
export interface CountMetrics {
  count(name: CountMetricName, value: number): void;
  /** Writes buffered metrics (EMF log line in Lambda). */
  flush(): void;
}

/** Wall clock, injected so tests control time. */
export interface Clock {
  now(): number;
}
export const systemClock: Clock = { now: () => Date.now() };

/** Reads and writes named secrets (Secrets Manager in AWS, a local store locally). */
export interface SecretStore {
  get(id: string): Promise<string>;
  put(id: string, value: string): Promise<void>;
}

/** What a secret holds now and held before its last rotation (Secrets Manager's AWSCURRENT / AWSPREVIOUS). */
export interface SecretVersions {
  current: string;
  /** Epoch ms at which `current` became current (its version was created). */
  currentSince: number;
  /** The value before the last rotation, when it was asked for and exists. */
  previous?: string;
}

/** A {@link SecretStore} that also tells when the current value was put and what it replaced. */
export interface VersionedSecretStore extends SecretStore {
  /** `previous` is read only when `current` is younger than `previousWithinMs` (saves a call otherwise). */
  versions(id: string, options?: { previousWithinMs?: number }): Promise<SecretVersions>;
}

/** Fires the sync for one model without waiting for it (Lambda async Invoke in AWS). */
export interface SyncInvoker {
  invokeSync(payload: { modelId: string; reason: string; audit?: true }): Promise<void>;
}

/** One request for a page of a creator's earnings. */
export interface EarningsPageRequest {
  /** Names the OAuth connection (secret) whose token reads this creator. */
  connectionId: string;
  creatorUuid: string;
  /** ISO 8601; Fanvue's `startDate`. */
  startDate: string;
  /** ISO 8601, exclusive; Fanvue's `endDate`. */
  endDate: string;
  /** Fanvue's `nextCursor` from the previous page. */
  cursor?: string;
  /** 1..50. */
  size: number;
  /** Epoch ms by which the call (retries and waits included) must have returned. */
  deadline: number;
}

/**
 * Reads earnings pages (Fanvue's client, over HTTP). Throws `SourceError`s
 * (`./errors`): `PageTokenRejectedError` when a saved page token is refused,
 * `DeadlineReachedError` when the deadline comes first (waits included).
 */
export interface EarningsReader {
  readPage(req: EarningsPageRequest): Promise<EarningsPage>;
}

/**
 * Starts syncs on request (dashboard button, manual trigger) without waiting
 * for them: one model's sync, or the fan-out over every connected model.
 */
export interface SyncTrigger {
  syncModel(modelId: string, reason: string): Promise<void>;
  syncAll(reason: string): Promise<void>;
}
