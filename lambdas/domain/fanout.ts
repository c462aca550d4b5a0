import type { AppLogger, SyncInvoker } from './ports';

/** A model the fan-out may start a sync for. */
export interface FanoutModel {
  modelId: string;
  enabled: boolean;
  /** ISO time of the model's last successful sync. */
  lastSuccessAt?: string | undefined;
}

export interface FanoutResult {
  invoked: number;
  skipped: number;
  /** Enabled models whose last success is older than `staleAfterMs` (or that never synced). */
  stale: number;
  failed: { modelId: string; error: string }[];
}

/**
 * Starts one sync per enabled model, at most `concurrency` invokes in flight.
 * One model's failed invoke is recorded and the rest go on (isolation).
 */
export async function fanOut(
  models: AsyncIterable<FanoutModel>,
  invoker: SyncInvoker,
  options: {
    concurrency: number;
    reason: string;
    /** Start each model's source audit instead of its sync (same function, same lease). */
    audit?: boolean;
    logger: AppLogger;
    now?: number;
    staleAfterMs?: number;
  },
): Promise<FanoutResult> {
  const result: FanoutResult = { invoked: 0, skipped: 0, stale: 0, failed: [] };
  const staleBefore =
    options.now !== undefined && options.staleAfterMs !== undefined ? options.now - options.staleAfterMs : undefined;
  const inFlight = new Set<Promise<void>>();
  for await (const model of models) {
    if (!model.enabled) {
      result.skipped += 1;
      continue;
    }
    if (staleBefore !== undefined && (!model.lastSuccessAt || Date.parse(model.lastSuccessAt) < staleBefore))
      result.stale += 1;
    const p = invoker
      .invokeSync({ modelId: model.modelId, reason: options.reason, ...(options.audit && { audit: true as const }) })
      .then(() => {
        result.invoked += 1;
      })
      .catch((err: unknown) => {
        const error = err instanceof Error ? err.message : String(err);
        options.logger.error('sync invoke failed', { modelId: model.modelId, error });
        result.failed.push({ modelId: model.modelId, error });
      })
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
    if (inFlight.size >= options.concurrency) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  return result;
}
