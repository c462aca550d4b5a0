import { type ReconcileDeps, type ReconcileReport, reconcileTotals } from '../domain/reconcile';
import { ValidationError } from '../shared/errors';
import * as z from '../shared/zod';

export type { ReconcileDeps, ReconcileReport } from '../domain/reconcile';

/** Accepts the EventBridge scheduled event (repair on) or `{ modelId?, repair? }`. */
export const ReconcileEventSchema = z.union([
  z.pipe(
    z.object({ 'detail-type': z.literal('Scheduled Event'), source: z.string() }),
    z.transform(() => ({ modelId: undefined, repair: true })),
  ),
  z.strictObject({ modelId: z.optional(z.string().check(z.minLength(1))), repair: z._default(z.boolean(), true) }),
]);

/** Builds the reconciliation handler (scheduled, or invoked for one model). */
export function makeReconcileHandler(deps: ReconcileDeps) {
  return async (event: unknown): Promise<ReconcileReport> => {
    const parsed = ReconcileEventSchema.safeParse(event ?? {});
    if (!parsed.success) throw new ValidationError(`invalid reconcile event:\n${z.prettifyError(parsed.error)}`);
    return reconcileTotals(deps, parsed.data);
  };
}
