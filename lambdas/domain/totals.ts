import * as z from '../shared/zod';
import { SOURCE_CATEGORIES, type SourceCategory } from './transaction';

/**
 * Counter attribute names on a totals item. Flat names (not nested maps) so a
 * single `ADD` creates or increments any of them.
 */
export const counterNames = {
  gross: 'gross',
  net: 'net',
  count: 'count',
  sourceGross: (c: SourceCategory) => `src_${c}_gross`,
  sourceNet: (c: SourceCategory) => `src_${c}_net`,
  sourceCount: (c: SourceCategory) => `src_${c}_count`,
} as const;

/** Prefix of the legacy per-model columns on an agency's local-day items (`m#<modelId>#g|n|c`). */
export const MODEL_COLUMN_PREFIX = 'm#';

/** Letters of the compact per-model columns: gross, net, count. Upper case: every fixed attribute name is lower case. */
const COMPACT = { gross: 'G', net: 'N', count: 'C' } as const;
const COMPACT_NAME = /^([GNC])([0-9a-z]+)$/;

/** Names of one model's columns on an agency's local-day items: gross, net, count. */
export interface ColumnNames {
  gross: string;
  net: string;
  count: string;
}

/**
 * Names of one model's columns on its agency's local-day items. A model with a column ordinal in
 * that agency (allocated when it is connected to it) gets `G<n>`, `N<n>`, `C<n>` with `n` in base
 * 36 (3 characters for the 1,296th model); one without (registered before ordinals existed)
 * keeps the legacy `m#<modelId>#g|n|c`. The two forms are disjoint from each other and from the
 * fixed counters (`gross`, `src_tip_net`, ...: lower case, never `#`).
 */
export function modelColumns(modelId: string, column?: number): ColumnNames {
  if (column !== undefined) {
    const n = columnId(column);
    return { gross: `${COMPACT.gross}${n}`, net: `${COMPACT.net}${n}`, count: `${COMPACT.count}${n}` };
  }
  const base = `${MODEL_COLUMN_PREFIX}${modelId}#`;
  return { gross: `${base}g`, net: `${base}n`, count: `${base}c` };
}

/** Base-36 id of a column ordinal (a non-negative integer). */
function columnId(column: number): string {
  if (!Number.isSafeInteger(column) || column < 0) throw new RangeError(`invalid column ordinal ${column}`);
  return column.toString(36);
}

/** True for a per-model column attribute, compact or legacy. */
export function isModelColumn(name: string): boolean {
  return name.startsWith(MODEL_COLUMN_PREFIX) || COMPACT_NAME.test(name);
}

/** A model's column ordinal in one agency; undefined when it has none there (legacy names). */
export type ColumnOf = (modelId: string, agencyId: string) => number | undefined;

/** No model has a column: every model uses the legacy names. */
export const legacyColumns: ColumnOf = () => undefined;

/** One model's gross, net (integer cents) and row count on one day. */
export interface ModelDay {
  gross: number;
  net: number;
  count: number;
}

/**
 * Per-model figures read back from an agency's local-day item (models with no sale that day are
 * absent). `modelOfColumn` maps the agency's column ordinals back to model ids (from the model
 * records the reader already has); a compact column no model claims is ignored. Legacy columns
 * name their model and are added to its compact ones, so a model whose column was allocated
 * after it had sales reads the sum of both until reconciliation moves the legacy figures over.
 */
export function parseModelColumns(
  item: Record<string, unknown>,
  modelOfColumn: ReadonlyMap<number, string>,
  names: ColumnNameCache = new Map(),
): Map<string, ModelDay> {
  const out = new Map<string, ModelDay>();
  for (const [name, value] of Object.entries(item)) {
    if (typeof value !== 'number' || !Number.isInteger(value)) continue;
    let known = names.get(name);
    if (known === undefined) {
      known = columnOfName(name, modelOfColumn);
      names.set(name, known);
    }
    if (known === null) continue;
    const [modelId, field] = known;
    const entry = out.get(modelId) ?? { gross: 0, net: 0, count: 0 };
    if (field === 'g') entry.gross += value;
    else if (field === 'n') entry.net += value;
    else entry.count += value;
    out.set(modelId, entry);
  }
  return out;
}

/**
 * What attribute names mean, kept across the day items of one read: the same few names (three a
 * model) recur on every day, so each is parsed once per request rather than once per item.
 */
export type ColumnNameCache = Map<string, readonly [modelId: string, field: 'g' | 'n' | 'c'] | null>;

/** The model and field an attribute name is a column of, or null when it is no model column. */
function columnOfName(
  name: string,
  modelOfColumn: ReadonlyMap<number, string>,
): readonly [string, 'g' | 'n' | 'c'] | null {
  let modelId: string | undefined;
  let field: string;
  const compact = COMPACT_NAME.exec(name);
  if (compact) {
    modelId = modelOfColumn.get(Number.parseInt(compact[2] ?? '', 36));
    field = compact[1] === COMPACT.gross ? 'g' : compact[1] === COMPACT.net ? 'n' : 'c';
  } else if (name.startsWith(MODEL_COLUMN_PREFIX)) {
    const cut = name.lastIndexOf('#');
    modelId = name.slice(MODEL_COLUMN_PREFIX.length, cut);
    field = name.slice(cut + 1);
  } else return null;
  if (modelId === undefined || (field !== 'g' && field !== 'n' && field !== 'c')) return null;
  return [modelId, field];
}

/** Totals for one scope (agency or model) over all time or one day. */
export interface Totals {
  gross: number;
  net: number;
  count: number;
  bySource: Record<SourceCategory, { gross: number; net: number; count: number }>;
}

export function emptyTotals(): Totals {
  const bySource = Object.fromEntries(
    SOURCE_CATEGORIES.map((c) => [c, { gross: 0, net: 0, count: 0 }]),
  ) as Totals['bySource'];
  return { gross: 0, net: 0, count: 0, bySource };
}

const int = z._default(z.number().check(z.int()), 0);

/** Parses a totals item (as read from DynamoDB) into `Totals`; absent counters are zero. */
export function parseTotalsItem(item: Record<string, unknown>): Totals & { updatedAt?: string } {
  const base = z.object({ gross: int, net: int, count: int, updatedAt: z.optional(z.string()) }).parse(item);
  const totals = emptyTotals();
  totals.gross = base.gross;
  totals.net = base.net;
  totals.count = base.count;
  for (const c of SOURCE_CATEGORIES) {
    totals.bySource[c] = {
      gross: int.parse(item[counterNames.sourceGross(c)]),
      net: int.parse(item[counterNames.sourceNet(c)]),
      count: int.parse(item[counterNames.sourceCount(c)]),
    };
  }
  return base.updatedAt === undefined ? totals : { ...totals, updatedAt: base.updatedAt };
}
