import { type AuditDeps, type AuditOutcome, auditModel } from '../domain/audit';
import { toRunTrigger } from '../domain/sync-history';
import { ValidationError } from '../shared/errors';
import * as z from '../shared/zod';
import { fitBudget, invocationOwner, type SyncContext } from './sync-handler';

/** The audit's payload (sent to the sync function by the audit fan-out, or by hand): one model. */
export const AuditEventSchema = z.object({
  modelId: z.string().check(z.minLength(1), z.maxLength(128)),
  audit: z.literal(true),
  reason: z.optional(z.string().check(z.maxLength(64))),
});

/** True for an audit payload (`{ modelId, audit: true }`); the sync function runs the audit for it. */
export function isAuditEvent(event: unknown): boolean {
  return typeof event === 'object' && event !== null && (event as { audit?: unknown }).audit === true;
}

/**
 * Builds the source audit handler: validates `{ modelId, audit: true }`, shrinks the budget
 * to fit the invocation's remaining time, and audits one model inside its lease.
 */
export function makeAuditHandler(deps: AuditDeps) {
  return async (event: unknown, context: SyncContext = {}): Promise<AuditOutcome> => {
    const parsed = AuditEventSchema.safeParse(event);
    if (!parsed.success) throw new ValidationError(`invalid audit event:\n${z.prettifyError(parsed.error)}`);
    const budgetMs = fitBudget(deps.config.budgetMs, context);
    const owner = invocationOwner(context);
    return auditModel(
      { ...deps, config: { ...deps.config, budgetMs } },
      parsed.data.modelId,
      owner,
      toRunTrigger(parsed.data.reason),
    );
  };
}
