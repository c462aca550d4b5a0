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

/** Prefix of the per-model columns on an agency's local-day items. */
export const MODEL_COLUMN_PREFIX = 'm#';

/** Names of one model's columns on its agency's local-day items: gross, net, count. */
export function modelColumns(modelId: string): { gross: string; net: string; count: string } {
  const base = `${MODEL_COLUMN_PREFIX}${modelId}#`;
  return { gross: `${base}g`, net: `${base}n`, count: `${base}c` };
}

/** One model's gross, net (integer cents) and row count on one day. */
export interface ModelDay {
  gross: number;
  net: number;
  count: number;
}

/** Per-model figures read back from an agency's local-day item (models with no sale that day are absent). */
export function parseModelColumns(item: Record<string, unknown>): Map<string, ModelDay> {
  const out = new Map<string, ModelDay>();
  for (const [name, value] of Object.entries(item)) {
    if (!name.startsWith(MODEL_COLUMN_PREFIX) || typeof value !== 'number' || !Number.isInteger(value)) continue;
    const cut = name.lastIndexOf('#');
    const modelId = name.slice(MODEL_COLUMN_PREFIX.length, cut);
    const field = name.slice(cut + 1);
    const entry = out.get(modelId) ?? { gross: 0, net: 0, count: 0 };
    if (field === 'g') entry.gross = value;
    else if (field === 'n') entry.net = value;
    else if (field === 'c') entry.count = value;
    else continue;
    out.set(modelId, entry);
  }
  return out;
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
