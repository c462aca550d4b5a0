import { describe, expect, it } from 'vitest';
import type { EarningRow } from '../../lambdas/adapters/fanvue/schema';
import { fingerprint, rowKey, toStoredTransaction } from '../../lambdas/domain/row-key';
import { categorize } from '../../lambdas/domain/transaction';

const base: EarningRow = {
  date: '2026-11-01T10:00:00Z',
  gross: 999,
  net: 799,
  currency: 'USD',
  source: 'tip',
  user: { uuid: 'u1' },
};

describe('row keys (invariant 2)', () => {
  it('uses transactionOrderId when the row has one', () => {
    expect(rowKey({ ...base, transactionOrderId: 'tx-1' }, {})).toBe('oid#tx-1');
  });

  it('numbers identical id-less rows with ordinals counted across calls sharing one counter', () => {
    const ordinals = {};
    const keys = [rowKey(base, ordinals), rowKey(base, ordinals), rowKey({ ...base, gross: 5 }, ordinals)];
    expect(keys[0]).toMatch(/^fp#[0-9a-f]{24}#0$/);
    expect(keys[1]).toBe(keys[0]!.replace(/#0$/, '#1'));
    expect(keys[2]).toMatch(/#0$/);
    expect(new Set(keys).size).toBe(3);
  });

  it('keeps the fingerprint stable when only the settlement status changes', () => {
    expect(fingerprint({ ...base, transactionOrderStatus: 'pendingBalance' })).toBe(
      fingerprint({ ...base, transactionOrderStatus: 'availableForPayout' }),
    );
    expect(fingerprint(base)).not.toBe(fingerprint({ ...base, user: { uuid: 'u2' } }));
  });

  it('normalizes the date, derives the UTC day and maps unknown sources to other', () => {
    const t = toStoredTransaction(
      { ...base, date: '2026-11-01T23:30:00-02:00', source: 'bundle' },
      { modelId: 'm', agencyId: 'a' },
      {},
    );
    expect(t).toMatchObject({
      date: '2026-11-02T01:30:00.000Z',
      day: '2026-11-02',
      category: 'other',
      source: 'bundle',
    });
    expect(categorize('renewal')).toBe('subscription');
    expect(categorize('chargeback')).toBe('refund');
  });

  it('rejects fractional cents instead of rounding them', () => {
    expect(() => toStoredTransaction({ ...base, gross: 9.5 }, { modelId: 'm', agencyId: 'a' }, {})).toThrow(
      /integer cents/,
    );
  });
});
