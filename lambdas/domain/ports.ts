/** Ports the domain depends on; adapters implement them. No AWS imports here. */

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

/** Fires the sync for one model without waiting for it (Lambda async Invoke in AWS). */
export interface SyncInvoker {
  invokeSync(payload: { modelId: string; reason: string }): Promise<void>;
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
 * Reads earnings pages from Fanvue (the real client, over HTTP). Throws the
 * `FanvueError` subclasses of `adapters/fanvue/errors`.
 */
export interface EarningsReader {
  readPage(req: EarningsPageRequest): Promise<import('../adapters/fanvue/schema').EarningsPage>;
}

/**
 * Starts syncs on request (dashboard button, manual trigger) without waiting
 * for them: one model's sync, or the fan-out over every connected model.
 */
export interface SyncTrigger {
  syncModel(modelId: string, reason: string): Promise<void>;
  syncAll(reason: string): Promise<void>;
}
