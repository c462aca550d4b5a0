import { ValidationError } from '../shared/errors';
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
  type ZoneLookup,
  zonesFrom,
} from './aggregate';
import type { AppLogger, CountMetrics } from './ports';
import type { ColumnOf } from './totals';
import type { TotalsCounterWriter, TotalsSourceReader } from './totals-ports';

export interface ReconcileDeps {
  /**
   * Every connected model (the control table's `sk = MODEL` items), with its column ordinals per
   * agency: the expected per-model columns on agency days are named as the aggregator names them.
   */
  listModels: () => AsyncIterable<{ modelId: string; agencyId: string; columns?: Readonly<Record<string, number>> }>;
  reader: TotalsSourceReader;
  store: TotalsCounterWriter;
  /** The agencies' zones (active, then pending): local-day totals are expected in each. */
  zones: ZoneLookup;
  /**
   * Makes a pending zone the agency's zone once its local-day totals are rebuilt (after a repair run).
   * Absent: pending zones stay pending.
   */
  activateZone?: (agencyId: string, zone: string) => Promise<boolean>;
  logger: AppLogger;
  metrics: CountMetrics;
  /**
   * Before repairing, wait this long and compare again; only a difference seen
   * identically twice is repaired, so a record still in flight in the stream
   * is not "repaired" and then applied on top. @default 0 (no second look)
   */
  settleMs?: number;
  /** Waits out `settleMs`; injected so tests need no real wait. @default setTimeout */
  sleep?: (ms: number) => Promise<void>;
}

export interface ReconcileOptions {
  /** One model (its items, plus its agency's items recomputed over the agency's models); all models when absent. */
  modelId?: string;
  /** Fix each difference with an ADD of (expected - actual). */
  repair: boolean;
}

export interface ReconcileReport {
  models: number;
  agencies: number;
  itemsChecked: number;
  differences: TotalsDifference[];
  repaired: number;
  /** `agencyId -> zone` for each agency whose new zone was rebuilt and made active by this run. */
  zonesActivated: Record<string, string>;
}

/** The zone of a `ZDAY#<zone>#<day>` sort key; undefined for any other item. */
export function zoneOfSk(sk: string): string | undefined {
  const prefix = keys.zoneDaySk('', '').slice(0, -1);
  return sk.startsWith(prefix) ? sk.slice(prefix.length, sk.lastIndexOf('#')) : undefined;
}

/** Recomputes totals from the transactions table, compares with the totals items, and (optionally) repairs. */
export async function reconcileTotals(deps: ReconcileDeps, options: ReconcileOptions): Promise<ReconcileReport> {
  const all: { modelId: string; agencyId: string }[] = [];
  const columns = new Map<string, Readonly<Record<string, number>>>();
  for await (const m of deps.listModels()) {
    all.push({ modelId: m.modelId, agencyId: m.agencyId });
    if (m.columns) columns.set(m.modelId, m.columns);
  }
  // Legacy or stale column names on an agency day are expected at zero: they are repaired into the ordinal's.
  const columnOf: ColumnOf = (modelId, agencyId) => columns.get(modelId)?.[agencyId];
  const target = options.modelId === undefined ? undefined : all.find((m) => m.modelId === options.modelId);
  if (options.modelId !== undefined && !target) throw new ValidationError(`unknown model ${options.modelId}`);
  const scope = target ? all.filter((m) => m.agencyId === target.agencyId) : all;
  const checkedModels = target ? [target] : scope;
  const zoneMap = await deps.zones([...new Set(scope.map((m) => m.agencyId))]);
  const zonesOf = zonesFrom(zoneMap);
  const agencyOfPk = new Map<string, string>(
    scope.flatMap((m) => [
      [keys.modelPk(m.modelId), m.agencyId],
      [keys.agencyPk(m.agencyId), m.agencyId],
    ]),
  );
  // Local-day items of a zone the agency no longer uses, and retired UTC-day items, are left alone (never read),
  // not "repaired" to zero.
  const inCurrentZones = (key: TotalsKey): boolean => {
    if (isRetiredItem(key)) return false;
    const zone = zoneOfSk(key.sk);
    const agencyId = agencyOfPk.get(key.pk);
    return zone === undefined || agencyId === undefined || zonesOf(agencyId).includes(zone);
  };

  const compare = async () => {
    const pks = new Set([
      ...checkedModels.map((m) => keys.modelPk(m.modelId)),
      ...scope.map((m) => keys.agencyPk(m.agencyId)),
    ]);
    const agencyPrefix = keys.agencyPk('');
    // One model's transactions in memory at a time: memory grows with models x days, not with history.
    let partial: TotalsItemDelta[] = [];
    for (const m of scope) {
      for (const d of totalsFromTransactions(await deps.reader.transactionsOf(m.modelId), zonesOf, columnOf).values()) {
        if (d.key.pk.startsWith(agencyPrefix)) pks.add(d.key.pk);
        if (pks.has(d.key.pk)) partial.push(d);
      }
      partial = mergeDeltas(partial);
    }
    const expected = new Map(partial.map((d) => [keyId(d.key), d]));
    const actual = new Map<string, { key: TotalsKey; counters: Record<string, number> }>();
    for (const pk of pks)
      for (const [id, item] of await deps.reader.totalsOf(pk)) if (inCurrentZones(item.key)) actual.set(id, item);
    const keyById = new Map<string, TotalsKey>(
      [...expected.values(), ...actual.values()].map((d) => [keyId(d.key), d.key]),
    );
    return {
      differences: diffTotals(expected, actual),
      keyById,
      agencies: [...pks].filter((p) => p.startsWith(keys.agencyPk(''))).length,
      itemsChecked: keyById.size,
    };
  };

  const first = await compare();
  let toRepair = first.differences;
  let keyById = first.keyById;
  if (options.repair && toRepair.length > 0 && (deps.settleMs ?? 0) > 0) {
    await (deps.sleep ?? ((ms) => new Promise<void>((r) => setTimeout(r, ms))))(deps.settleMs ?? 0);
    const second = await compare();
    const seenBefore = new Set(first.differences.map((d) => `${d.key}/${d.field}/${d.expected - d.actual}`));
    toRepair = second.differences.filter((d) => seenBefore.has(`${d.key}/${d.field}/${d.expected - d.actual}`));
    keyById = second.keyById;
  }

  let repaired = 0;
  if (options.repair) {
    const byItem = new Map<string, Record<string, number>>();
    for (const d of toRepair) {
      deps.logger.warn('totals drift repaired', { key: d.key, field: d.field, expected: d.expected, actual: d.actual });
      byItem.set(d.key, { ...byItem.get(d.key), [d.field]: d.expected - d.actual });
    }
    for (const [id, counters] of byItem) {
      const key = keyById.get(id);
      if (!key) continue;
      // ADD of the difference composes with concurrent aggregator ADDs (a SET would overwrite them).
      await deps.store.addCounters({ key, counters });
      repaired += Object.keys(counters).length;
    }
    deps.metrics.count('TotalsDriftRepaired', repaired);
    deps.metrics.flush();
  }
  const zonesActivated: Record<string, string> = {};
  if (options.repair && deps.activateZone) {
    // Every difference that held still has been repaired: a pending zone's local days are now complete.
    for (const [agencyId, zones] of zoneMap) {
      const pending = zones[1];
      if (pending === undefined) continue;
      if (await deps.activateZone(agencyId, pending)) {
        zonesActivated[agencyId] = pending;
        deps.logger.info('agency time zone rebuilt and activated', { agencyId, timeZone: pending });
      }
    }
  }
  const report = {
    models: checkedModels.length,
    agencies: first.agencies,
    itemsChecked: first.itemsChecked,
    differences: first.differences,
    repaired,
    zonesActivated,
  };
  deps.logger.info('totals reconciled', {
    models: report.models,
    agencies: report.agencies,
    itemsChecked: report.itemsChecked,
    differences: report.differences.length,
    repaired,
  });
  return report;
}
