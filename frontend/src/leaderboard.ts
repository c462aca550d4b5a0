import type { DashboardModel } from '../../lambdas/domain/dashboard';

/** Pure ordering, ranking and paging of the models leaderboard (unit- and property-tested). */

export type Measure = 'gross' | 'net';
export type SortKey = 'revenue' | 'name' | 'change';

const byName = (a: DashboardModel, b: DashboardModel) =>
  a.displayName.localeCompare(b.displayName, 'en', { numeric: true, sensitivity: 'base' }) ||
  a.modelId.localeCompare(b.modelId);

/** A leaderboard row: the model, its revenue rank (ties share a rank: 1, 2, 2, 4) and share of the agency total. */
export interface Ranked {
  model: DashboardModel;
  rank: number;
  /** Fraction of the agency's figure for the period; null when the agency total is not positive. */
  share: number | null;
}

/** Ranks by the period's figure (highest first; equal figures share a rank), then orders by `sort`. */
export function rankModels(
  models: readonly DashboardModel[],
  options: { measure: Measure; sort: SortKey; total: number },
): Ranked[] {
  const { measure } = options;
  const byRevenue = [...models].sort((a, b) => b.period[measure] - a.period[measure] || byName(a, b));
  const ranks = new Map<string, number>();
  byRevenue.forEach((m, i) => {
    const prev = byRevenue[i - 1];
    ranks.set(
      m.modelId,
      prev && prev.period[measure] === m.period[measure] ? (ranks.get(prev.modelId) ?? i + 1) : i + 1,
    );
  });
  const delta = (m: DashboardModel) => m.period[measure] - m.previous[measure];
  const ordered =
    options.sort === 'revenue'
      ? byRevenue
      : options.sort === 'name'
        ? [...models].sort(byName)
        : [...models].sort((a, b) => delta(b) - delta(a) || byName(a, b));
  return ordered.map((model) => ({
    model,
    rank: ranks.get(model.modelId) ?? 0,
    share: options.total > 0 ? model.period[measure] / options.total : null,
  }));
}

/** Rows whose name contains `query` (case- and accent-insensitive). */
export function searchModels<T extends { model: DashboardModel }>(rows: readonly T[], query: string): T[] {
  const fold = (s: string) =>
    s
      .normalize('NFD')
      .replace(/\p{Diacritic}/gu, '')
      .toLowerCase();
  const q = fold(query.trim());
  return q ? rows.filter((r) => fold(r.model.displayName).includes(q)) : [...rows];
}

/** Rows per leaderboard page. */
export const PAGE_SIZE = 25;

/** One page (1-based, clamped) of `rows` and the number of pages. */
export function pageOf<T>(rows: readonly T[], page: number): { rows: T[]; page: number; pages: number } {
  const pages = Math.max(1, Math.ceil(rows.length / PAGE_SIZE));
  const p = Math.min(Math.max(1, page), pages);
  return { rows: rows.slice((p - 1) * PAGE_SIZE, p * PAGE_SIZE), page: p, pages };
}
