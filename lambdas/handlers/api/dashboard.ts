import { addDays, DaySchema, daysBetween, MAX_PERIOD_DAYS, PERIOD_KEYS, type PeriodRequest } from '../../domain/period';
import { HttpError } from '../../shared/errors';
import * as z from '../../shared/zod';

/** The period query of the dashboard routes: `?period=` (and `from`/`to` for custom), validated. */

const DAYS_MESSAGE = 'days must be a whole number from 1 to 90';

/**
 * `?period=today|yesterday|7d|30d|this-month|last-month|custom` (`custom` needs `from` and `to`,
 * `yyyy-mm-dd`, at most {@link MAX_PERIOD_DAYS} days). `?days=N` (1..90, the older form) means the
 * last N days. @default period=30d
 */
export const PeriodQuerySchema = z.object({
  period: z.optional(z.enum(PERIOD_KEYS, `period must be one of ${PERIOD_KEYS.join(', ')}`)),
  from: z.optional(DaySchema),
  to: z.optional(DaySchema),
  days: z.optional(
    z.pipe(
      z.pipe(z.string().check(z.regex(/^\d{1,3}$/, DAYS_MESSAGE)), z.transform(Number)),
      z.number().check(z.int(), z.minimum(1, DAYS_MESSAGE), z.maximum(90, DAYS_MESSAGE)),
    ),
  ),
});

/** What a period query asks for; `today` is the zone's current day (for `?days=`). Throws a 400 on nonsense. */
export function periodRequestOf(
  query: Record<string, string | undefined> | undefined,
  today: () => string,
): PeriodRequest {
  const parsed = PeriodQuerySchema.safeParse({
    period: query?.period,
    from: query?.from,
    to: query?.to,
    days: query?.days,
  });
  if (!parsed.success) throw new HttpError(400, parsed.error.issues[0]?.message ?? 'invalid period');
  const { period, from, to, days } = parsed.data;
  if (period === 'custom') {
    if (!from || !to) throw new HttpError(400, 'a custom period needs from and to (yyyy-mm-dd)');
    const length = daysBetween(from, to);
    if (length < 1) throw new HttpError(400, 'from must not be after to');
    if (length > MAX_PERIOD_DAYS) throw new HttpError(400, `a custom period is at most ${MAX_PERIOD_DAYS} days`);
    return { key: 'custom', from, to };
  }
  if (period !== undefined) return { key: period };
  if (days !== undefined) {
    const end = today();
    return { key: 'custom', from: addDays(end, -(days - 1)), to: end };
  }
  return { key: '30d' };
}
