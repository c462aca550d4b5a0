import { describe, expect, it } from 'vitest';
import { deltaForChange, diffTotals, mergeDeltas, totalsFromTransactions } from '../../lambdas/domain/aggregate';
import type { StoredTransaction } from '../../lambdas/domain/transaction';

const base: StoredTransaction = {
  modelId: 'm1',
  agencyId: 'a1',
  txKey: 'oid#1',
  date: '2026-02-03T10:00:00.000Z',
  day: '2026-02-03',
  gross: 1000,
  net: 800,
  source: 'tip',
  category: 'tip',
  status: 'pendingBalance',
};
/** Agencies counting in UTC: their local days are the UTC days (other zones: dashboard-build.test, period.test). */
const utc = () => ['UTC'];
const byKey = (deltas: ReturnType<typeof deltaForChange>) =>
  Object.fromEntries(deltas.map((d) => [`${d.key.pk}|${d.key.sk}`, d.counters]));

describe('deltaForChange', () => {
  it('INSERT adds the row to model and agency, all-time and its local day, with its source and a count of one (no UTC-day item)', () => {
    const d = byKey(deltaForChange({ eventName: 'INSERT', newImage: base }, utc));
    const expected = { gross: 1000, net: 800, count: 1, src_tip_gross: 1000, src_tip_net: 800, src_tip_count: 1 };
    expect(d).toEqual({
      'MODEL#m1|TOTAL': expected,
      'AGENCY#a1|TOTAL': expected,
      'MODEL#m1|ZDAY#UTC#2026-02-03': expected,
      // The agency's day also carries the model's own columns (legacy names: no ordinal given here).
      'AGENCY#a1|ZDAY#UTC#2026-02-03': { ...expected, 'm#m1#g': 1000, 'm#m1#n': 800, 'm#m1#c': 1 },
    });
  });

  it('REMOVE subtracts the old row and lowers the count', () => {
    const d = byKey(deltaForChange({ eventName: 'REMOVE', oldImage: base }, utc));
    expect(d['AGENCY#a1|TOTAL']).toEqual({
      gross: -1000,
      net: -800,
      count: -1,
      src_tip_gross: -1000,
      src_tip_net: -800,
      src_tip_count: -1,
    });
  });

  it('a refund row is negative and simply adds', () => {
    const refund = { ...base, txKey: 'oid#2', gross: -250, net: -250, source: 'refund', category: 'refund' as const };
    expect(byKey(deltaForChange({ eventName: 'INSERT', newImage: refund }, utc))['MODEL#m1|TOTAL']).toEqual({
      gross: -250,
      net: -250,
      count: 1,
      src_refund_gross: -250,
      src_refund_net: -250,
      src_refund_count: 1,
    });
  });

  it('a status-only MODIFY gives no money and no count delta', () => {
    expect(
      deltaForChange({ eventName: 'MODIFY', oldImage: base, newImage: { ...base, status: 'availableForPayout' } }, utc),
    ).toEqual([]);
  });

  it('an amount MODIFY adds (new - old) and leaves counts alone', () => {
    const d = byKey(
      deltaForChange({ eventName: 'MODIFY', oldImage: base, newImage: { ...base, gross: 1300, net: 1000 } }, utc),
    );
    expect(d['MODEL#m1|TOTAL']).toEqual({ gross: 300, net: 200, src_tip_gross: 300, src_tip_net: 200 });
    expect(Object.keys(d)).toHaveLength(4);
  });

  it('a day change moves amount and count between day buckets without touching all-time totals', () => {
    const d = byKey(
      deltaForChange(
        {
          eventName: 'MODIFY',
          oldImage: base,
          newImage: { ...base, day: '2026-02-04', date: '2026-02-04T00:00:00.000Z' },
        },
        utc,
      ),
    );
    expect(d['MODEL#m1|TOTAL']).toBeUndefined();
    expect(d['AGENCY#a1|ZDAY#UTC#2026-02-03']).toMatchObject({ gross: -1000, count: -1 });
    expect(d['AGENCY#a1|ZDAY#UTC#2026-02-04']).toMatchObject({ gross: 1000, count: 1 });
  });

  it('a source change moves amounts between source buckets; the overall count stays', () => {
    const d = byKey(
      deltaForChange(
        {
          eventName: 'MODIFY',
          oldImage: base,
          newImage: { ...base, source: 'message', category: 'message' },
        },
        utc,
      ),
    );
    expect(d['MODEL#m1|TOTAL']).toEqual({
      src_tip_gross: -1000,
      src_tip_net: -800,
      src_tip_count: -1,
      src_message_gross: 1000,
      src_message_net: 800,
      src_message_count: 1,
    });
  });

  it('INSERT ignores a stray old image and REMOVE a stray new one', () => {
    expect(
      byKey(deltaForChange({ eventName: 'INSERT', oldImage: base, newImage: base }, utc))['MODEL#m1|TOTAL']?.count,
    ).toBe(1);
    expect(
      byKey(deltaForChange({ eventName: 'REMOVE', oldImage: base, newImage: base }, utc))['MODEL#m1|TOTAL']?.count,
    ).toBe(-1);
  });
});

describe('mergeDeltas', () => {
  it('sums per totals item in first-seen order and drops what nets to zero', () => {
    const k = (sk: string) => ({ pk: 'AGENCY#a1', sk });
    const merged = mergeDeltas([
      { key: k('TOTAL'), counters: { gross: 5, count: 1 } },
      { key: k('DAY#x'), counters: { gross: 2 } },
      { key: k('TOTAL'), counters: { gross: 7, count: -1 } },
      { key: k('DAY#x'), counters: { gross: -2 } },
    ]);
    expect(merged).toEqual([{ key: k('TOTAL'), counters: { gross: 12 } }]);
  });
});

describe('totalsFromTransactions and diffTotals', () => {
  it('recomputes totals and reports every differing counter, absent items counting as zero', () => {
    const expected = totalsFromTransactions([base, { ...base, txKey: 'oid#2', gross: 500, net: 400 }], utc);
    expect(expected.get('MODEL#m1|TOTAL')?.counters).toMatchObject({ gross: 1500, net: 1200, count: 2 });
    const actual = new Map<string, { counters: Readonly<Record<string, number>> }>([
      ['MODEL#m1|TOTAL', { counters: { ...expected.get('MODEL#m1|TOTAL')!.counters, gross: 1400 } }],
      ['MODEL#m1|ZDAY#UTC#2026-02-03', expected.get('MODEL#m1|ZDAY#UTC#2026-02-03')!],
      ['AGENCY#a1|TOTAL', expected.get('AGENCY#a1|TOTAL')!],
      ['AGENCY#a1|ZDAY#UTC#2026-02-03', expected.get('AGENCY#a1|ZDAY#UTC#2026-02-03')!],
      ['AGENCY#a1|ZDAY#UTC#2026-01-01', { counters: { count: 1 } }],
    ]);
    expect(diffTotals(expected, actual)).toEqual([
      { key: 'AGENCY#a1|ZDAY#UTC#2026-01-01', field: 'count', expected: 0, actual: 1 },
      { key: 'MODEL#m1|TOTAL', field: 'gross', expected: 1500, actual: 1400 },
    ]);
    expect(diffTotals(expected, expected)).toEqual([]);
  });
});
