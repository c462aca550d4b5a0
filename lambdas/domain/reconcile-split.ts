import { keys } from '../shared/tables';
import {
  diffTotals,
  isRetiredItem,
  keyId,
  mergeDeltas,
  type TotalsDifference,
  type TotalsItemDelta,
  type TotalsKey,
  totalsFromTransactions,
  zonesFrom,
} from './aggregate';
import { type ReconcileDeps, zoneOfSk } from './reconcile';
import { modelColumns } from './totals';

/**
 * Reconciliation split so that no invocation grows with the whole history: one
 * pass per model reads only that model's transactions, one pass per agency reads
 * only totals items. The aggregator writes a record's model and agency counters
 * in one transaction, so drift found on a model's items (a record lost or applied
 * twice) is drift of its agency's items too: the model pass repairs both by the
 * same amount. The agency pass then checks each agency item against the sum of
 * its models' items and repairs what only the agency item got wrong.
 */

/** What one split pass found and repaired. */
export interface SplitReconcileReport {
  scope: 'model' | 'agency';
  id: string;
  itemsChecked: number;
  /** Items of the transactions (model) or totals (agency) read. */
  itemsRead: number;
  differences: TotalsDifference[];
  repaired: number;
}

type Items = Map<string, { key: TotalsKey; counters: Record<string, number> }>;

/** The agency item a model item counts in, with the model's own columns on local-day items (named by its ordinal there). */
function agencyDelta(
  modelId: string,
  column: number | undefined,
  agencyId: string,
  sk: string,
  counters: Record<string, number>,
): TotalsItemDelta {
  const out = { ...counters };
  if (zoneOfSk(sk) !== undefined) {
    const columns = modelColumns(modelId, column);
    if (counters.gross) out[columns.gross] = counters.gross;
    if (counters.net) out[columns.net] = counters.net;
    if (counters.count) out[columns.count] = counters.count;
  }
  return { key: { pk: keys.agencyPk(agencyId), sk }, counters: out };
}

/** Compares, looks again after `settleMs` when repairing, and keeps only the differences seen twice. */
async function settled(
  deps: ReconcileDeps,
  repair: boolean,
  compare: () => Promise<{ expected: Items; actual: Items; read: number }>,
) {
  const first = await compare();
  let differences = diffTotals(first.expected, first.actual);
  const found = differences;
  if (repair && differences.length > 0 && (deps.settleMs ?? 0) > 0) {
    await (deps.sleep ?? ((ms) => new Promise<void>((r) => setTimeout(r, ms))))(deps.settleMs ?? 0);
    const second = await compare();
    const before = new Set(differences.map((d) => `${d.key}/${d.field}/${d.expected - d.actual}`));
    differences = diffTotals(second.expected, second.actual).filter((d) =>
      before.has(`${d.key}/${d.field}/${d.expected - d.actual}`),
    );
  }
  const keyById = new Map([...first.expected.values(), ...first.actual.values()].map((d) => [keyId(d.key), d.key]));
  return { found, toRepair: differences, keyById, read: first.read, checked: keyById.size };
}

/** Counters to ADD per item, from differences (expected - actual). */
function repairs(differences: readonly TotalsDifference[]): Map<string, Record<string, number>> {
  const byItem = new Map<string, Record<string, number>>();
  for (const d of differences) byItem.set(d.key, { ...byItem.get(d.key), [d.field]: d.expected - d.actual });
  return byItem;
}

/** One model's items against its own transactions; a repair moves its agency's items by the same amount. */
export async function reconcileModel(
  deps: ReconcileDeps,
  o: { modelId: string; agencyId: string; columns?: Readonly<Record<string, number>>; repair: boolean },
): Promise<SplitReconcileReport> {
  const pk = keys.modelPk(o.modelId);
  const zonesOf = zonesFrom(await deps.zones([o.agencyId]));
  const current = (key: TotalsKey) => {
    if (isRetiredItem(key)) return false;
    const zone = zoneOfSk(key.sk);
    return zone === undefined || zonesOf(o.agencyId).includes(zone);
  };
  const r = await settled(deps, o.repair, async () => {
    const txs = await deps.reader.transactionsOf(o.modelId);
    const expected: Items = new Map();
    for (const [id, d] of totalsFromTransactions(txs, zonesOf)) if (d.key.pk === pk) expected.set(id, d);
    const actual: Items = new Map([...(await deps.reader.totalsOf(pk))].filter(([, v]) => current(v.key)));
    return { expected, actual, read: txs.length };
  });
  let repaired = 0;
  if (o.repair) {
    for (const [id, counters] of repairs(r.toRepair)) {
      const key = r.keyById.get(id);
      if (!key) continue;
      deps.logger.warn('totals drift repaired', { key: id, counters });
      await deps.store.addCounters({ key, counters });
      await deps.store.addCounters(agencyDelta(o.modelId, o.columns?.[o.agencyId], o.agencyId, key.sk, counters));
      repaired += Object.keys(counters).length;
    }
    deps.metrics.count('TotalsDriftRepaired', repaired);
    deps.metrics.flush();
  }
  return { scope: 'model', id: o.modelId, itemsChecked: r.checked, itemsRead: r.read, differences: r.found, repaired };
}

/** An agency's items against the sum of its models' items: totals reads only, O(models x days). */
export async function reconcileAgency(
  deps: ReconcileDeps,
  o: { agencyId: string; repair: boolean },
): Promise<SplitReconcileReport> {
  const models: { modelId: string; column?: number }[] = [];
  for await (const m of deps.listModels())
    if (m.agencyId === o.agencyId) models.push({ modelId: m.modelId, column: m.columns?.[o.agencyId] });
  const zonesOf = zonesFrom(await deps.zones([o.agencyId]));
  const current = (key: TotalsKey) => {
    if (isRetiredItem(key)) return false;
    const zone = zoneOfSk(key.sk);
    return zone === undefined || zonesOf(o.agencyId).includes(zone);
  };
  const pk = keys.agencyPk(o.agencyId);
  const r = await settled(deps, o.repair, async () => {
    let sum: TotalsItemDelta[] = [];
    let read = 0;
    for (const { modelId, column } of models) {
      for (const item of (await deps.reader.totalsOf(keys.modelPk(modelId))).values()) {
        read += 1;
        if (current(item.key)) sum.push(agencyDelta(modelId, column, o.agencyId, item.key.sk, item.counters));
      }
      sum = mergeDeltas(sum);
    }
    const expected: Items = new Map(sum.map((d) => [keyId(d.key), d]));
    const actual: Items = new Map([...(await deps.reader.totalsOf(pk))].filter(([, v]) => current(v.key)));
    return { expected, actual, read };
  });
  let repaired = 0;
  if (o.repair) {
    for (const [id, counters] of repairs(r.toRepair)) {
      const key = r.keyById.get(id);
      if (!key) continue;
      deps.logger.warn('totals drift repaired', { key: id, counters });
      await deps.store.addCounters({ key, counters });
      repaired += Object.keys(counters).length;
    }
    deps.metrics.count('TotalsDriftRepaired', repaired);
    deps.metrics.flush();
  }
  return {
    scope: 'agency',
    id: o.agencyId,
    itemsChecked: r.checked,
    itemsRead: r.read,
    differences: r.found,
    repaired,
  };
}
