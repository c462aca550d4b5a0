import * as z from 'zod/mini';

/**
 * Reporting periods in the agency's time zone: which local calendar days a
 * period covers and which days its comparison period covers. Pure and
 * browser-safe (only `Intl` and `zod/mini`): the API resolves periods with it,
 * the app labels them with it.
 *
 * Time zones only decide two things: which local day an instant falls on
 * ({@link localDay}) and what "today" is. Everything after that is calendar
 * arithmetic on `yyyy-mm-dd` dates, which no DST change can bend: a local day
 * of 23 or 25 hours is still one day.
 */

export const PERIOD_KEYS = ['today', 'yesterday', '7d', '30d', 'this-month', 'last-month', 'custom'] as const;
export type PeriodKey = (typeof PERIOD_KEYS)[number];

/** Longest custom range, in days: the API reads the period and its comparison period. @default 92 */
export const MAX_PERIOD_DAYS = 92;
/** Days in a leaderboard sparkline. */
export const SPARK_DAYS = 30;

const DAY_MS = 86_400_000;
const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;

/** A calendar date `yyyy-mm-dd` that exists (2026-02-30 does not). */
export const DaySchema = z.string().check(
  z.regex(DAY_RE, 'dates are yyyy-mm-dd'),
  z.refine((d) => dayNumber(d) !== undefined, 'not a calendar date'),
);

const zoneCache = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = zoneCache.get(zone);
  if (!f) {
    // en-CA prints dates as yyyy-mm-dd.
    f = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' });
    zoneCache.set(zone, f);
  }
  return f;
}

/** True for an IANA time zone name this runtime knows ("UTC", "Europe/Berlin", "Asia/Kathmandu"). */
export function isTimeZone(zone: string): boolean {
  if (zone.length === 0 || zone.length > 64) return false;
  try {
    formatter(zone);
    return true;
  } catch {
    return false;
  }
}

/** An IANA time zone name, validated against the runtime's zone database. */
export const TimeZoneSchema = z.string().check(z.refine(isTimeZone, 'unknown time zone'));

/** The local calendar day (`yyyy-mm-dd`) of an instant in `zone`. */
export function localDay(epochMs: number, zone: string): string {
  const parts = formatter(zone).formatToParts(epochMs);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/** Days since 1970-01-01 of a `yyyy-mm-dd` date; undefined when it is not a real date. */
function dayNumber(day: string): number | undefined {
  if (!DAY_RE.test(day)) return undefined;
  const t = Date.parse(`${day}T00:00:00.000Z`);
  if (Number.isNaN(t) || new Date(t).toISOString().slice(0, 10) !== day) return undefined;
  return t / DAY_MS;
}

/** `day` moved by `n` calendar days (n may be negative). */
export function addDays(day: string, n: number): string {
  const base = dayNumber(day);
  if (base === undefined) throw new RangeError(`not a date: ${day}`);
  return new Date((base + n) * DAY_MS).toISOString().slice(0, 10);
}

/** Whole days from `from` to `to` inclusive (1 for the same day; 0 or less when `to` is before `from`). */
export function daysBetween(from: string, to: string): number {
  const a = dayNumber(from);
  const b = dayNumber(to);
  if (a === undefined || b === undefined) throw new RangeError(`not a date: ${from} / ${to}`);
  return b - a + 1;
}

/** Every day from `from` to `to` inclusive, oldest first. */
export function daysOf(from: string, to: string): string[] {
  return Array.from({ length: Math.max(0, daysBetween(from, to)) }, (_, i) => addDays(from, i));
}

/** A range of local calendar days, both ends inclusive. */
export interface DayRange {
  readonly from: string;
  readonly to: string;
}

/** A resolved period: its days, the comparison period's days, and its zone. */
export interface ResolvedPeriod extends DayRange {
  readonly key: PeriodKey;
  readonly days: number;
  readonly timeZone: string;
  /** Today in the zone (the period may end before it). */
  readonly today: string;
  /** The comparison period: see {@link previousOf}. */
  readonly previous: DayRange;
}

/** What a caller asks for: a period key, and for `custom` its first and last day. */
export type PeriodRequest = { key: Exclude<PeriodKey, 'custom'> } | { key: 'custom'; from: string; to: string };

/** The first day of the month of `day`. */
const monthStart = (day: string) => `${day.slice(0, 8)}01`;
/** The last day of the month before the month of `day`. */
const endOfPreviousMonth = (day: string) => addDays(monthStart(day), -1);

/**
 * The period a period is compared with, as agencies compare months:
 * "last month" with the whole calendar month before it (November with
 * October, whatever their lengths), "this month" (the 1st to today) with the
 * same days of the month before, cut at that month's end (1-30 March with 1-28
 * February), and every other period with the same number of days right before
 * it ("last 7 days" with the 7 days before those).
 */
export function previousOf(key: PeriodKey, range: DayRange): DayRange {
  const before = endOfPreviousMonth(range.from);
  if (key === 'last-month') return { from: monthStart(before), to: before };
  if (key === 'this-month') {
    // `before` is the last day of the month before: its day number is that month's length.
    const days = Math.min(daysBetween(range.from, range.to), Number(before.slice(8, 10)));
    return { from: monthStart(before), to: addDays(monthStart(before), days - 1) };
  }
  const days = daysBetween(range.from, range.to);
  return { from: addDays(range.from, -days), to: addDays(range.from, -1) };
}

/**
 * The days of a period in `zone` at instant `now`. "This month" runs from the
 * 1st to today; "last month" is the whole previous calendar month. The
 * comparison period is {@link previousOf}'s.
 */
export function resolvePeriod(request: PeriodRequest, zone: string, now: number): ResolvedPeriod {
  const today = localDay(now, zone);
  let range: DayRange;
  switch (request.key) {
    case 'today':
      range = { from: today, to: today };
      break;
    case 'yesterday':
      range = { from: addDays(today, -1), to: addDays(today, -1) };
      break;
    case '7d':
      range = { from: addDays(today, -6), to: today };
      break;
    case '30d':
      range = { from: addDays(today, -29), to: today };
      break;
    case 'this-month':
      range = { from: monthStart(today), to: today };
      break;
    case 'last-month': {
      const last = endOfPreviousMonth(today);
      range = { from: monthStart(last), to: last };
      break;
    }
    case 'custom':
      range = { from: request.from, to: request.to };
      break;
  }
  const days = daysBetween(range.from, range.to);
  if (days < 1) throw new RangeError('the period ends before it starts');
  return { key: request.key, ...range, days, timeZone: zone, today, previous: previousOf(request.key, range) };
}

/** Change from `previous` to `current`: absolute, and relative (null when there is nothing to compare with). */
export function change(current: number, previous: number): { delta: number; ratio: number | null } {
  return { delta: current - previous, ratio: previous === 0 ? null : (current - previous) / Math.abs(previous) };
}

const PERIOD_LABELS: Record<Exclude<PeriodKey, 'custom'>, string> = {
  today: 'today',
  yesterday: 'yesterday',
  '7d': 'last 7 days',
  '30d': 'last 30 days',
  'this-month': 'this month',
  'last-month': 'last month',
};

/** How a headline names a period: "last 30 days", "1 Nov – 14 Nov 2026". */
export function periodLabel(p: Pick<ResolvedPeriod, 'key' | 'from' | 'to'>): string {
  if (p.key !== 'custom') return PERIOD_LABELS[p.key];
  return p.from === p.to ? shortDate(p.from, true) : `${shortDate(p.from, false)} – ${shortDate(p.to, true)}`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** "14 Nov 2026" (or "14 Nov" without the year). */
export function shortDate(day: string, withYear: boolean): string {
  const month = MONTHS[Number(day.slice(5, 7)) - 1] ?? '';
  return `${Number(day.slice(8, 10))} ${month}${withYear ? ` ${day.slice(0, 4)}` : ''}`;
}

/**
 * What a period's change is measured against, in words for "vs ..." and
 * "against ...": "October 2026" (last month), "1–2 Nov" (this month: the same
 * days of the month before, with the year when it is not the period's),
 * "previous 7 days" or "previous day" (every other period).
 */
export function comparisonLabel(p: Pick<ResolvedPeriod, 'key' | 'from' | 'days' | 'previous'>): string {
  const { from, to } = p.previous;
  if (p.key === 'last-month') return `${MONTH_NAMES[Number(from.slice(5, 7)) - 1] ?? ''} ${from.slice(0, 4)}`;
  if (p.key === 'this-month') {
    const year = from.slice(0, 4) === p.from.slice(0, 4) ? '' : ` ${from.slice(0, 4)}`;
    const days =
      from === to ? `${Number(from.slice(8, 10))}` : `${Number(from.slice(8, 10))}–${Number(to.slice(8, 10))}`;
    return `${days} ${MONTHS[Number(from.slice(5, 7)) - 1] ?? ''}${year}`;
  }
  return `previous ${p.days === 1 ? 'day' : `${p.days} days`}`;
}
