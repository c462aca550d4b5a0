import { keys } from '../shared/tables';
import { localDay } from './period';
import {
  type ColumnOf,
  counterNames,
  isModelColumn,
  legacyColumns,
  modelColumns,
  parseTotalsItem,
  type Totals,
} from './totals';
import { SOURCE_CATEGORIES, type StoredTransaction } from './transaction';

/**
 * Pure delta math for the revenue totals: what one stored transaction adds to
 * (or removes from) each totals item. No AWS imports; the aggregator and the
 * reconciliation both build on it, so they agree by construction.
 */

/** Key of one totals item. */
export interface TotalsKey {
  readonly pk: string;
  readonly sk: string;
}

/** Counter increments for one totals item (counter name -> signed integer cents or count). */
export interface TotalsItemDelta {
  readonly key: TotalsKey;
  /** Set on model-level items only. */
  readonly modelId?: string;
  readonly agencyId?: string;
  readonly counters: Readonly<Record<string, number>>;
}

/** A change to one transactions-table row, as seen in a stream record. */
export interface TransactionChange {
  readonly eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  readonly oldImage?: StoredTransaction;
  readonly newImage?: StoredTransaction;
}

/** Every counter attribute a totals item can carry, in a stable order. */
export const ALL_COUNTER_FIELDS: readonly string[] = [
  counterNames.gross,
  counterNames.net,
  counterNames.count,
  ...SOURCE_CATEGORIES.flatMap((c) => [
    counterNames.sourceGross(c),
    counterNames.sourceNet(c),
    counterNames.sourceCount(c),
  ]),
];

/** Stable string id of a totals key (map key, log field). */
export function keyId(key: TotalsKey): string {
  return `${key.pk}|${key.sk}`;
}

/**
 * The time zones whose local-day buckets an agency keeps: its zone, plus the
 * zone it is moving to while reconciliation rebuilds that zone's buckets.
 */
export type ZonesOf = (agencyId: string) => readonly string[];

/** Reads the zones of several agencies at once (the aggregator asks once per batch). */
export type ZoneLookup = (agencyIds: readonly string[]) => Promise<ReadonlyMap<string, readonly string[]>>;

/**
 * Reads the column ordinals of the models of a batch (the aggregator asks once per batch):
 * `columnOf(modelId, agencyId)` is then the model's ordinal in that agency, or undefined
 * (legacy names) for a model without one there.
 */
export type ColumnLookup = (models: readonly { modelId: string; agencyId: string }[]) => Promise<ColumnOf>;

/** True for a retired UTC-day item (`DAY#<day>`): no longer written, so never compared or repaired. */
export function isRetiredItem(key: TotalsKey): boolean {
  return key.sk.startsWith(keys.daySk(''));
}

/** `ZonesOf` over a looked-up map; an agency missing from it counts in UTC. */
export function zonesFrom(map: ReadonlyMap<string, readonly string[]>): ZonesOf {
  return (agencyId) => map.get(agencyId) ?? ['UTC'];
}

/**
 * The totals items a transaction counts in: model and agency all-time, and for
 * each of the agency's zones its local day (`ZDAY#zone#day`). The agency's
 * local-day item also carries the model's own columns (`G|N|C<ordinal>`, see
 * `modelColumns`), so one Query over an agency's days gives every model's
 * figures for any period (the leaderboard) without a read per model.
 *
 * Why local days and not hourly or 15-minute UTC buckets summed on read: a
 * 30-day period with its comparison period for 500 models would read
 * 500 x 60 x 96 quarter-hours; local days read 60 agency items. The price is
 * a rebuild when the agency changes zone (reconciliation does it while the new
 * zone is pending, and the aggregator writes both zones meanwhile). UTC-day
 * items (`DAY#<day>`) are no longer kept: nothing read them once every figure
 * was counted in the agency's zone, and each record's transaction now touches
 * 4 items instead of 6 (items written before are left alone and never read).
 */
export function bucketsFor(
  tx: StoredTransaction,
  zonesOf: ZonesOf,
): { key: TotalsKey; modelId?: string; agencyId?: string; modelColumns?: true }[] {
  const model = { modelId: tx.modelId, agencyId: tx.agencyId };
  const out: { key: TotalsKey; modelId?: string; agencyId?: string; modelColumns?: true }[] = [
    { key: { pk: keys.modelPk(tx.modelId), sk: keys.totalSk }, ...model },
    { key: { pk: keys.agencyPk(tx.agencyId), sk: keys.totalSk } },
  ];
  const instant = Date.parse(tx.date);
  for (const zone of new Set(zonesOf(tx.agencyId))) {
    const zday = keys.zoneDaySk(zone, localDay(instant, zone));
    out.push({ key: { pk: keys.modelPk(tx.modelId), sk: zday }, ...model });
    out.push({ key: { pk: keys.agencyPk(tx.agencyId), sk: zday }, modelColumns: true });
  }
  return out;
}

/**
 * What `tx` contributes to each of its buckets, times `sign` (+1 to add the
 * row, -1 to take it out). Refunds are negative rows and simply add. The
 * model's columns on the agency's local days are named by `columnOf`
 * (legacy names for a model without an ordinal in the row's agency).
 */
export function contribution(
  tx: StoredTransaction,
  sign: 1 | -1,
  zonesOf: ZonesOf,
  columnOf: ColumnOf = legacyColumns,
): TotalsItemDelta[] {
  const counters: Record<string, number> = {
    [counterNames.gross]: sign * tx.gross,
    [counterNames.net]: sign * tx.net,
    [counterNames.count]: sign,
    [counterNames.sourceGross(tx.category)]: sign * tx.gross,
    [counterNames.sourceNet(tx.category)]: sign * tx.net,
    [counterNames.sourceCount(tx.category)]: sign,
  };
  const columns = modelColumns(tx.modelId, columnOf(tx.modelId, tx.agencyId));
  const withColumns = {
    ...counters,
    [columns.gross]: sign * tx.gross,
    [columns.net]: sign * tx.net,
    [columns.count]: sign,
  };
  return bucketsFor(tx, zonesOf).map(({ modelColumns: wide, ...b }) => ({
    ...b,
    counters: wide ? withColumns : counters,
  }));
}

/**
 * Sums deltas per totals item, keeping first-seen order. Zero counters are
 * dropped, and so is an item left with none (it needs no write).
 */
export function mergeDeltas(deltas: readonly TotalsItemDelta[]): TotalsItemDelta[] {
  const merged = new Map<
    string,
    { key: TotalsKey; modelId?: string; agencyId?: string; counters: Record<string, number> }
  >();
  for (const d of deltas) {
    const id = keyId(d.key);
    let entry = merged.get(id);
    if (!entry) {
      entry = { key: d.key, counters: {} };
      merged.set(id, entry);
    }
    // The latest image wins for the descriptive ids (a model's agency can only be set, never summed).
    if (d.modelId !== undefined) entry.modelId = d.modelId;
    if (d.agencyId !== undefined) entry.agencyId = d.agencyId;
    for (const [name, value] of Object.entries(d.counters)) entry.counters[name] = (entry.counters[name] ?? 0) + value;
  }
  const out: TotalsItemDelta[] = [];
  for (const entry of merged.values()) {
    const counters = Object.fromEntries(Object.entries(entry.counters).filter(([, v]) => v !== 0));
    if (Object.keys(counters).length > 0) out.push({ ...entry, counters });
  }
  return out;
}

/**
 * The delta of one stream record: INSERT adds the new row, REMOVE subtracts
 * the old one, MODIFY adds (new - old). For MODIFY the row's count moves with
 * it: it nets to zero in any bucket both images share (so overall counts only
 * change on INSERT/REMOVE), and moves between day/source buckets when the
 * row's day or source changed. A status-only change yields no deltas.
 */
export function deltaForChange(
  change: TransactionChange,
  zonesOf: ZonesOf,
  columnOf: ColumnOf = legacyColumns,
): TotalsItemDelta[] {
  const parts: TotalsItemDelta[] = [];
  if (change.eventName !== 'INSERT' && change.oldImage)
    parts.push(...contribution(change.oldImage, -1, zonesOf, columnOf));
  if (change.eventName !== 'REMOVE' && change.newImage)
    parts.push(...contribution(change.newImage, 1, zonesOf, columnOf));
  return mergeDeltas(parts);
}

/** Expected totals items recomputed from scratch over a set of stored transactions. */
export function totalsFromTransactions(
  txs: Iterable<StoredTransaction>,
  zonesOf: ZonesOf,
  columnOf: ColumnOf = legacyColumns,
): Map<string, TotalsItemDelta> {
  const parts: TotalsItemDelta[] = [];
  for (const tx of txs) parts.push(...contribution(tx, 1, zonesOf, columnOf));
  return new Map(mergeDeltas(parts).map((d) => [keyId(d.key), d]));
}

/** Every counter of a stored totals item: the fixed ones and any per-model columns (compact or legacy). */
export function countersOfItem(item: Record<string, unknown>): Record<string, number> {
  const out = countersOf(parseTotalsItem(item));
  for (const [name, value] of Object.entries(item))
    if (isModelColumn(name) && typeof value === 'number' && Number.isInteger(value)) out[name] = value;
  return out;
}

/** Flattens parsed `Totals` back into counter attributes (the inverse of `parseTotalsItem`). */
export function countersOf(totals: Totals): Record<string, number> {
  const out: Record<string, number> = {
    [counterNames.gross]: totals.gross,
    [counterNames.net]: totals.net,
    [counterNames.count]: totals.count,
  };
  for (const c of SOURCE_CATEGORIES) {
    out[counterNames.sourceGross(c)] = totals.bySource[c].gross;
    out[counterNames.sourceNet(c)] = totals.bySource[c].net;
    out[counterNames.sourceCount(c)] = totals.bySource[c].count;
  }
  return out;
}

/** One counter that disagrees with the transactions. */
export interface TotalsDifference {
  /** `pk|sk` of the totals item. */
  readonly key: string;
  readonly field: string;
  readonly expected: number;
  readonly actual: number;
}

/** Compares expected with actual counters over the union of items; absent items and counters are zero. */
export function diffTotals(
  expected: ReadonlyMap<string, { counters: Readonly<Record<string, number>> }>,
  actual: ReadonlyMap<string, { counters: Readonly<Record<string, number>> }>,
): TotalsDifference[] {
  const diffs: TotalsDifference[] = [];
  const ids = [...new Set([...expected.keys(), ...actual.keys()])].sort();
  for (const id of ids) {
    const columns = [
      ...Object.keys(expected.get(id)?.counters ?? {}),
      ...Object.keys(actual.get(id)?.counters ?? {}),
    ].filter(isModelColumn);
    for (const field of new Set([...ALL_COUNTER_FIELDS, ...columns.sort()])) {
      const e = expected.get(id)?.counters[field] ?? 0;
      const a = actual.get(id)?.counters[field] ?? 0;
      if (e !== a) diffs.push({ key: id, field, expected: e, actual: a });
    }
  }
  return diffs;
}
