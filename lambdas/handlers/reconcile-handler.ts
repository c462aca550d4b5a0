import { type ReconcileDeps, type ReconcileReport, reconcileTotals } from '../domain/reconcile';
import { reconcileAgency, reconcileModel, type SplitReconcileReport } from '../domain/reconcile-split';
import { ValidationError } from '../shared/errors';
import * as z from '../shared/zod';

export type { ReconcileDeps, ReconcileReport } from '../domain/reconcile';

const id = z.string().check(z.minLength(1), z.maxLength(128));

/**
 * The scheduled event (repair on), `{ modelId?, repair? }` (the whole run, or one model with its
 * agency recomputed), or one pass of the split run: `{ scope: 'model', modelId }` (that model's
 * transactions only) or `{ scope: 'agency', agencyId }` (totals items only).
 */
export const ReconcileEventSchema = z.union([
  z.pipe(
    z.object({ 'detail-type': z.literal('Scheduled Event'), source: z.string() }),
    z.transform(() => ({ kind: 'scheduled' as const, repair: true })),
  ),
  z.pipe(
    z.strictObject({ scope: z.literal('model'), modelId: id, repair: z._default(z.boolean(), true) }),
    z.transform((e) => ({ kind: 'model' as const, ...e })),
  ),
  z.pipe(
    z.strictObject({ scope: z.literal('agency'), agencyId: id, repair: z._default(z.boolean(), true) }),
    z.transform((e) => ({ kind: 'agency' as const, ...e })),
  ),
  z.pipe(
    z.strictObject({ modelId: z.optional(id), repair: z._default(z.boolean(), true) }),
    z.transform((e) => ({ kind: 'whole' as const, ...e })),
  ),
]);

/** Starts one pass of the split run asynchronously (the reconciliation Lambda invoking itself). */
export type ReconcileInvoker = (
  payload: { scope: 'model'; modelId: string } | { scope: 'agency'; agencyId: string },
) => Promise<void>;

export interface SplitFanOutReport {
  fannedOut: { models: number; agencies: number };
}

/**
 * Builds the reconciliation handler. With `invoke`, the scheduled run fans out (one pass per
 * model, one per agency), so no invocation reads more than one model's history; without it,
 * the scheduled run reconciles everything in this invocation.
 */
export function makeReconcileHandler(deps: ReconcileDeps & { invoke?: ReconcileInvoker }) {
  return async (event: unknown): Promise<ReconcileReport | SplitReconcileReport | SplitFanOutReport> => {
    const parsed = ReconcileEventSchema.safeParse(event ?? {});
    if (!parsed.success) throw new ValidationError(`invalid reconcile event:\n${z.prettifyError(parsed.error)}`);
    const e = parsed.data;
    if (e.kind === 'model') {
      let model: { agencyId: string; columns?: Readonly<Record<string, number>> } | undefined;
      for await (const m of deps.listModels()) if (m.modelId === e.modelId) model = m;
      if (model === undefined) throw new ValidationError(`unknown model ${e.modelId}`);
      return reconcileModel(deps, {
        modelId: e.modelId,
        agencyId: model.agencyId,
        ...(model.columns && { columns: model.columns }),
        repair: e.repair,
      });
    }
    if (e.kind === 'agency') return reconcileAgency(deps, { agencyId: e.agencyId, repair: e.repair });
    if (e.kind === 'scheduled' && deps.invoke) {
      const agencies = new Set<string>();
      let models = 0;
      for await (const m of deps.listModels()) {
        await deps.invoke({ scope: 'model', modelId: m.modelId });
        agencies.add(m.agencyId);
        models += 1;
      }
      for (const agencyId of agencies) await deps.invoke({ scope: 'agency', agencyId });
      deps.logger.info('reconciliation fanned out', { models, agencies: agencies.size });
      return { fannedOut: { models, agencies: agencies.size } };
    }
    return reconcileTotals(deps, { modelId: e.kind === 'whole' ? e.modelId : undefined, repair: e.repair });
  };
}
