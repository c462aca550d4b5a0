import type { SyncInvoker } from '../lambdas/domain/ports';

/**
 * The local stand-in for Lambda's async Invoke: runs the same handler module
 * in-process without making the caller wait, and keeps track of runs in flight
 * so shutdown and tests can wait for them.
 */
export function localSyncInvoker(
  run: (payload: { modelId: string; reason: string; audit?: true }) => Promise<unknown>,
  onError: (modelId: string, err: unknown) => void,
): SyncInvoker & { idle(): Promise<void>; inFlight(): number } {
  const running = new Set<Promise<unknown>>();
  return {
    async invokeSync(payload) {
      const p: Promise<unknown> = run(payload)
        .catch((err: unknown) => onError(payload.modelId, err))
        .finally(() => running.delete(p));
      running.add(p);
    },
    async idle() {
      while (running.size > 0) await Promise.allSettled([...running]);
    },
    inFlight: () => running.size,
  };
}
