import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addDays,
  change,
  comparisonLabel,
  daysBetween,
  daysOf,
  isTimeZone,
  localDay,
  periodLabel,
  resolvePeriod,
} from '../../lambdas/domain/period';

const at = (iso: string) => Date.parse(iso);
const ZONES = [
  'UTC',
  'America/New_York',
  'Europe/London',
  'Europe/Berlin',
  'Asia/Kolkata',
  'Asia/Kathmandu',
  'Australia/Lord_Howe',
  'Pacific/Chatham',
  'America/St_Johns',
  'Pacific/Kiritimati',
];

describe('localDay', () => {
  it('puts instants on the local calendar day, including half- and quarter-hour zones', () => {
    expect(localDay(at('2026-03-01T18:29:59.999Z'), 'Asia/Kolkata')).toBe('2026-03-01');
    expect(localDay(at('2026-03-01T18:30:00.000Z'), 'Asia/Kolkata')).toBe('2026-03-02');
    expect(localDay(at('2026-03-01T18:14:59.999Z'), 'Asia/Kathmandu')).toBe('2026-03-01');
    expect(localDay(at('2026-03-01T18:15:00.000Z'), 'Asia/Kathmandu')).toBe('2026-03-02');
    expect(localDay(at('2026-03-02T04:59:59.999Z'), 'America/New_York')).toBe('2026-03-01');
  });

  it('follows DST: New York is UTC-5 before 8 March 2026 and UTC-4 after', () => {
    // Midnight local time on the days around the spring-forward change.
    expect(localDay(at('2026-03-08T04:59:59.999Z'), 'America/New_York')).toBe('2026-03-07');
    expect(localDay(at('2026-03-08T05:00:00.000Z'), 'America/New_York')).toBe('2026-03-08');
    // 8 March has 23 hours: the next local midnight is at 04:00Z, not 05:00Z.
    expect(localDay(at('2026-03-09T03:59:59.999Z'), 'America/New_York')).toBe('2026-03-08');
    expect(localDay(at('2026-03-09T04:00:00.000Z'), 'America/New_York')).toBe('2026-03-09');
  });

  it('follows DST back: Berlin on 25 October 2026 has 25 hours', () => {
    expect(localDay(at('2026-10-24T21:59:59.999Z'), 'Europe/Berlin')).toBe('2026-10-24');
    expect(localDay(at('2026-10-24T22:00:00.000Z'), 'Europe/Berlin')).toBe('2026-10-25');
    expect(localDay(at('2026-10-25T22:59:59.999Z'), 'Europe/Berlin')).toBe('2026-10-25');
    expect(localDay(at('2026-10-25T23:00:00.000Z'), 'Europe/Berlin')).toBe('2026-10-26');
  });

  it('never moves backwards and moves at most one day per hour of real time, in any zone (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ZONES),
        fc.integer({ min: at('2020-01-01T00:00:00Z'), max: at('2030-12-31T00:00:00Z') }),
        (zone, t) => {
          const a = localDay(t, zone);
          const b = localDay(t + 3_600_000, zone);
          expect(b >= a).toBe(true);
          expect(daysBetween(a, b)).toBeLessThanOrEqual(2);
          // The local day is within a day of the UTC day.
          expect(Math.abs(daysBetween(new Date(t).toISOString().slice(0, 10), a) - 1)).toBeLessThanOrEqual(1);
        },
      ),
    );
  }, 60_000);

  it('knows real zones and rejects made-up ones', () => {
    expect(isTimeZone('Europe/Berlin')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
    expect(isTimeZone('')).toBe(false);
  });
});

describe('calendar arithmetic', () => {
  it('crosses month ends, leap days and year ends', () => {
    expect(addDays('2026-01-31', 1)).toBe('2026-02-01');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2026-02-28', 1)).toBe('2026-03-01');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(daysBetween('2026-02-01', '2026-02-28')).toBe(28);
    expect(daysOf('2026-02-27', '2026-03-02')).toEqual(['2026-02-27', '2026-02-28', '2026-03-01', '2026-03-02']);
  });

  it('addDays and daysBetween agree (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 20_000 }), fc.integer({ min: -400, max: 400 }), (base, n) => {
        const day = addDays('1990-01-01', base);
        expect(daysBetween(day, addDays(day, n))).toBe(n + 1);
      }),
    );
  });
});

describe('resolvePeriod', () => {
  // 00:30 on 1 March in Berlin is still 28 February in UTC.
  const now = at('2026-02-28T23:30:00.000Z');

  it('computes "today" in the agency zone, not in UTC', () => {
    expect(resolvePeriod({ key: 'today' }, 'UTC', now)).toMatchObject({ from: '2026-02-28', to: '2026-02-28' });
    expect(resolvePeriod({ key: 'today' }, 'Europe/Berlin', now)).toMatchObject({
      from: '2026-03-01',
      to: '2026-03-01',
      previous: { from: '2026-02-28', to: '2026-02-28' },
    });
  });

  it('this month and last month follow the zone across a month end', () => {
    expect(resolvePeriod({ key: 'this-month' }, 'Europe/Berlin', now)).toMatchObject({
      from: '2026-03-01',
      to: '2026-03-01',
      days: 1,
    });
    expect(resolvePeriod({ key: 'last-month' }, 'Europe/Berlin', now)).toMatchObject({
      from: '2026-02-01',
      to: '2026-02-28',
      days: 28,
      // The whole calendar month before, though it has 31 days.
      previous: { from: '2026-01-01', to: '2026-01-31' },
    });
    expect(resolvePeriod({ key: 'this-month' }, 'UTC', now)).toMatchObject({ from: '2026-02-01', to: '2026-02-28' });
  });

  it('counts a DST week as 7 local days, compared with the 7 before', () => {
    const p = resolvePeriod({ key: '7d' }, 'America/New_York', at('2026-03-10T12:00:00Z'));
    expect(p).toMatchObject({
      from: '2026-03-04',
      to: '2026-03-10',
      days: 7,
      previous: { from: '2026-02-25', to: '2026-03-03' },
    });
  });

  it('compares last month with the whole month before it and this month with the same days of the month before', () => {
    const utc = (iso: string, key: 'this-month' | 'last-month') => resolvePeriod({ key }, 'UTC', at(iso));
    // November (30 days) against October (31 days).
    expect(utc('2026-12-02T10:00:00Z', 'last-month')).toMatchObject({
      from: '2026-11-01',
      to: '2026-11-30',
      previous: { from: '2026-10-01', to: '2026-10-31' },
    });
    expect(utc('2026-12-02T10:00:00Z', 'this-month')).toMatchObject({
      from: '2026-12-01',
      to: '2026-12-02',
      previous: { from: '2026-11-01', to: '2026-11-02' },
    });
    // 1-30 March against 1-28 February: cut at February's end; a leap year keeps the 29th.
    expect(utc('2026-03-30T10:00:00Z', 'this-month').previous).toEqual({ from: '2026-02-01', to: '2026-02-28' });
    expect(utc('2028-03-30T10:00:00Z', 'this-month').previous).toEqual({ from: '2028-02-01', to: '2028-02-29' });
    expect(utc('2028-03-29T10:00:00Z', 'this-month').previous).toEqual({ from: '2028-02-01', to: '2028-02-29' });
    expect(utc('2028-03-28T10:00:00Z', 'this-month').previous).toEqual({ from: '2028-02-01', to: '2028-02-28' });
    // February 2028 (29 days) against January; March against the leap February.
    expect(utc('2028-03-05T10:00:00Z', 'last-month')).toMatchObject({
      from: '2028-02-01',
      to: '2028-02-29',
      previous: { from: '2028-01-01', to: '2028-01-31' },
    });
    expect(utc('2028-04-05T10:00:00Z', 'last-month').previous).toEqual({ from: '2028-02-01', to: '2028-02-29' });
    // January wraps to December of the year before.
    expect(utc('2027-01-15T10:00:00Z', 'this-month').previous).toEqual({ from: '2026-12-01', to: '2026-12-15' });
    expect(utc('2027-01-15T10:00:00Z', 'last-month')).toMatchObject({
      from: '2026-12-01',
      to: '2026-12-31',
      previous: { from: '2026-11-01', to: '2026-11-30' },
    });
    expect(utc('2027-02-01T10:00:00Z', 'last-month')).toMatchObject({
      from: '2027-01-01',
      previous: { from: '2026-12-01', to: '2026-12-31' },
    });
  });

  it('takes the months in the agency zone across a DST change: Berlin just after the October change', () => {
    // 00:30 on 1 November in Berlin (UTC+1 since 25 October) is still 31 October in UTC.
    const now = at('2026-10-31T23:30:00Z');
    expect(resolvePeriod({ key: 'last-month' }, 'Europe/Berlin', now)).toMatchObject({
      from: '2026-10-01',
      to: '2026-10-31',
      previous: { from: '2026-09-01', to: '2026-09-30' },
    });
    expect(resolvePeriod({ key: 'this-month' }, 'Europe/Berlin', now)).toMatchObject({
      from: '2026-11-01',
      to: '2026-11-01',
      previous: { from: '2026-10-01', to: '2026-10-01' },
    });
    // New York on 31 March 2026 (after the spring change): 1-31 March against all 28 days of February.
    expect(resolvePeriod({ key: 'this-month' }, 'America/New_York', at('2026-04-01T03:59:00Z')).previous).toEqual({
      from: '2026-02-01',
      to: '2026-02-28',
    });
  });

  const lastDayOfMonth = (day: string) => addDays(`${addDays(`${day.slice(0, 8)}01`, 31).slice(0, 8)}01`, -1);
  const dayOfMonth = (day: string) => Number(day.slice(8, 10));

  it('compares every other period with the same number of days right before it (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ZONES),
        fc.integer({ min: at('2021-01-01T00:00:00Z'), max: at('2030-01-01T00:00:00Z') }),
        fc.constantFrom('today', 'yesterday', '7d', '30d' as const),
        (zone, t, key) => {
          const p = resolvePeriod({ key }, zone, t);
          expect(daysBetween(p.from, p.to)).toBe(p.days);
          expect(daysBetween(p.previous.from, p.previous.to)).toBe(p.days);
          expect(addDays(p.previous.to, 1)).toBe(p.from);
          expect(p.to <= p.today).toBe(true);
        },
      ),
    );
  }, 60_000);

  it('compares calendar months month over month, in every zone and at any instant (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ZONES),
        fc.integer({ min: at('2021-01-01T00:00:00Z'), max: at('2030-01-01T00:00:00Z') }),
        (zone, t) => {
          const last = resolvePeriod({ key: 'last-month' }, zone, t);
          // Last month: a whole calendar month, against the whole calendar month before it.
          expect(dayOfMonth(last.from)).toBe(1);
          expect(last.to).toBe(lastDayOfMonth(last.from));
          expect(addDays(last.to, 1)).toBe(`${last.today.slice(0, 8)}01`);
          expect(dayOfMonth(last.previous.from)).toBe(1);
          expect(last.previous.to).toBe(lastDayOfMonth(last.previous.from));
          expect(addDays(last.previous.to, 1)).toBe(last.from);

          const month = resolvePeriod({ key: 'this-month' }, zone, t);
          // This month: the 1st to today, against the same days of the month before, cut at its end.
          expect(month.from).toBe(`${month.today.slice(0, 8)}01`);
          expect(month.to).toBe(month.today);
          expect(month.previous.from).toBe(last.from);
          expect(month.previous.to.slice(0, 7)).toBe(last.from.slice(0, 7));
          expect(dayOfMonth(month.previous.to)).toBe(Math.min(dayOfMonth(month.to), dayOfMonth(last.to)));
        },
      ),
    );
  }, 60_000);

  it('takes a custom range as given and rejects one that ends before it starts', () => {
    expect(resolvePeriod({ key: 'custom', from: '2026-01-30', to: '2026-02-02' }, 'UTC', now)).toMatchObject({
      days: 4,
      previous: { from: '2026-01-26', to: '2026-01-29' },
    });
    expect(() => resolvePeriod({ key: 'custom', from: '2026-02-02', to: '2026-01-30' }, 'UTC', now)).toThrow(
      RangeError,
    );
  });
});

describe('change and labels', () => {
  it('gives the absolute change and the ratio, and no ratio against nothing', () => {
    expect(change(150, 100)).toEqual({ delta: 50, ratio: 0.5 });
    expect(change(50, 100)).toEqual({ delta: -50, ratio: -0.5 });
    expect(change(100, 0)).toEqual({ delta: 100, ratio: null });
    // A negative previous period (refunds) still reads "up" when the figure rose.
    expect(change(0, -100)).toEqual({ delta: 100, ratio: 1 });
  });

  it('says what each figure is compared with: the month, the same days of the month before, or the days before', () => {
    const label = (key: 'this-month' | 'last-month' | '7d' | 'yesterday', iso: string) =>
      comparisonLabel(resolvePeriod({ key }, 'UTC', at(iso)));
    expect(label('last-month', '2026-12-02T10:00:00Z')).toBe('October 2026');
    expect(label('last-month', '2027-01-02T10:00:00Z')).toBe('November 2026');
    expect(label('this-month', '2026-12-02T10:00:00Z')).toBe('1–2 Nov');
    expect(label('this-month', '2026-12-01T10:00:00Z')).toBe('1 Nov');
    expect(label('this-month', '2026-03-30T10:00:00Z')).toBe('1–28 Feb');
    expect(label('this-month', '2027-01-15T10:00:00Z')).toBe('1–15 Dec 2026');
    expect(label('7d', '2026-12-02T10:00:00Z')).toBe('previous 7 days');
    expect(label('yesterday', '2026-12-02T10:00:00Z')).toBe('previous day');
    expect(comparisonLabel(resolvePeriod({ key: 'custom', from: '2026-11-01', to: '2026-11-14' }, 'UTC', 0))).toBe(
      'previous 14 days',
    );
  });

  it('names periods the way the headline says them', () => {
    expect(periodLabel({ key: '30d', from: '2026-01-01', to: '2026-01-30' })).toBe('last 30 days');
    expect(periodLabel({ key: 'custom', from: '2026-11-01', to: '2026-11-14' })).toBe('1 Nov – 14 Nov 2026');
  });
});
