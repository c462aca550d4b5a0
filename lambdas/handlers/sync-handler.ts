import { randomUUID } from 'node:crypto';
import { type SyncDeps, type SyncOutcome, syncModel } from '../domain/sync';
import { toRunTrigger } from '../domain/sync-history';
import { ValidationError } from '../shared/errors';
import * as z from '../shared/zod';

/** The sync Lambda's payload: one model. */
export const SyncEventSchema = z.object({
  modelId: z.string().check(z.minLength(1), z.maxLength(128)),
  reason: z.optional(z.string().check(z.maxLength(64))),
});

/** The part of the Lambda context the sync uses. */
export interface SyncContext {
  awsRequestId?: string;
  getRemainingTimeInMillis?: () => number;
}

/** Safety margin kept between a run's budget and the Lambda timeout. */
const TIMEOUT_MARGIN_MS = 10_000;

/** The configured budget, shrunk to fit the invocation's remaining time (less the margin, at least 1 s). */
export function fitBudget(budgetMs: number, context: SyncContext): number {
  const remaining = context.getRemainingTimeInMillis?.();
  return remaining === undefined ? budgetMs : Math.max(1_000, Math.min(budgetMs, remaining - TIMEOUT_MARGIN_MS));
}

/** The lease owner of this invocation: Lambda's request id, or a fresh id outside Lambda. */
export function invocationOwner(context: SyncContext): string {
  return context.awsRequestId ?? randomUUID();
}

/**
 * Builds the sync handler: validates `{ modelId }`, shrinks the budget to fit
 * the invocation's remaining time, and runs one model's sync.
 */
export function makeSyncHandler(deps: SyncDeps) {
  return async (event: unknown, context: SyncContext = {}): Promise<SyncOutcome> => {
    const parsed = SyncEventSchema.safeParse(event);
    if (!parsed.success) throw new ValidationError(`invalid sync event:\n${z.prettifyError(parsed.error)}`);
    const budgetMs = fitBudget(deps.config.budgetMs, context);
    const owner = invocationOwner(context);
    if (parsed.data.reason === 'webhook') {
      await deps.models.noteWebhook(parsed.data.modelId, new Date(deps.clock.now()).toISOString());
    }
    return syncModel(
      { ...deps, config: { ...deps.config, budgetMs } },
      parsed.data.modelId,
      owner,
      toRunTrigger(parsed.data.reason),
    );
  };
}
