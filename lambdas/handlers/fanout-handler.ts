import { type FanoutModel, type FanoutResult, fanOut } from '../domain/fanout';
import { type Clock, type CountMetrics, type SyncInvoker, systemClock } from '../domain/ports';
import { ValidationError } from '../shared/errors';
import type { AppLogger } from '../shared/logger';
import * as z from '../shared/zod';

/**
 * Accepts the EventBridge scheduled event, a manual `{}` / `{ reason }`, `{ modelIds }` to limit the run,
 * and `{ audit: true }` (the daily audit rule, or by hand) to start the source audit of each model instead.
 */
export const FanoutEventSchema = z.union([
  z.pipe(
    z.object({ 'detail-type': z.literal('Scheduled Event'), source: z.string() }),
    z.transform(() => ({ reason: 'schedule' as string, modelIds: undefined, audit: undefined })),
  ),
  z.strictObject({
    reason: z._default(z.string().check(z.maxLength(64)), 'manual'),
    modelIds: z.optional(z.array(z.string().check(z.minLength(1))).check(z.maxLength(10_000))),
    audit: z.optional(z.boolean()),
  }),
]);

export interface FanoutDeps {
  listModels: () => AsyncIterable<FanoutModel>;
  invoker: SyncInvoker;
  logger: AppLogger;
  /** Async invokes in flight at once. @default 10 */
  concurrency: number;
  clock?: Clock;
  /** A model whose last success is older than this counts as stale (the dashboard's Live threshold). */
  staleAfterMs?: number;
  /** Receives `StaleModels` per run (the alarm on data freshness). */
  metrics?: CountMetrics;
}

/** Builds the fan-out handler: one async sync invoke per connected model. */
export function makeFanoutHandler(deps: FanoutDeps) {
  return async (event: unknown): Promise<FanoutResult> => {
    const parsed = FanoutEventSchema.safeParse(event ?? {});
    if (!parsed.success) throw new ValidationError(`invalid fan-out event:\n${z.prettifyError(parsed.error)}`);
    const { reason, modelIds, audit } = parsed.data;
    const only = modelIds ? new Set(modelIds) : undefined;
    async function* models() {
      for await (const m of deps.listModels()) if (!only || only.has(m.modelId)) yield m;
    }
    const result = await fanOut(models(), deps.invoker, {
      concurrency: deps.concurrency,
      reason,
      ...(audit && { audit: true }),
      logger: deps.logger,
      now: (deps.clock ?? systemClock).now(),
      ...(deps.staleAfterMs !== undefined && { staleAfterMs: deps.staleAfterMs }),
    });
    deps.logger.info('fan-out done', {
      reason,
      audit: audit === true,
      invoked: result.invoked,
      skipped: result.skipped,
      stale: result.stale,
      failed: result.failed.length,
    });
    if (deps.metrics && !only && !audit) {
      deps.metrics.count('StaleModels', result.stale);
      deps.metrics.flush();
    }
    if (result.failed.length > 0 && result.invoked === 0)
      throw new Error(`every sync invoke failed (${result.failed.length})`);
    return result;
  };
}
