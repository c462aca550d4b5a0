import { DaySchema, PERIOD_KEYS, type PeriodKey, type PeriodRequest } from '../../lambdas/domain/period';
import { navigate, useLocation } from './router';

/** The period lives in the address (`?period=7d`, `&from=&to=` for custom), so links, Back and reloads keep it. */

/** @default '30d' */
export const DEFAULT_PERIOD: PeriodRequest = { key: '30d' };

/** Reads the period from query parameters; anything unreadable falls back to the default. */
export function periodFromSearch(search: URLSearchParams): PeriodRequest {
  const key = search.get('period') as PeriodKey | null;
  if (!key || !PERIOD_KEYS.includes(key)) return DEFAULT_PERIOD;
  if (key !== 'custom') return { key };
  const from = DaySchema.safeParse(search.get('from'));
  const to = DaySchema.safeParse(search.get('to'));
  return from.success && to.success ? { key, from: from.data, to: to.data } : DEFAULT_PERIOD;
}

/** The query string of a period request (`period=custom&from=..&to=..`). */
export function periodParams(p: PeriodRequest): string {
  const params = new URLSearchParams({ period: p.key });
  if (p.key === 'custom') {
    params.set('from', p.from);
    params.set('to', p.to);
  }
  return params.toString();
}

/** The period in the address, and a setter that keeps the current page. */
export function usePeriod(): [PeriodRequest, (p: PeriodRequest) => void] {
  const { path, search } = useLocation();
  return [periodFromSearch(search), (p) => navigate(`${path}?${periodParams(p)}`, { replace: true })];
}
