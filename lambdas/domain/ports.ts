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
