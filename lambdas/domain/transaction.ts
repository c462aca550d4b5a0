import * as z from '../shared/zod';

/**
 * Revenue categories the totals are broken down by. Fanvue's raw `source`
 * is kept on the row; this is the bucket it counts in.
 */
export const SOURCE_CATEGORIES = ['subscription', 'tip', 'message', 'post', 'referral', 'refund', 'other'] as const;
export type SourceCategory = (typeof SOURCE_CATEGORIES)[number];

const CATEGORY_BY_SOURCE: Readonly<Record<string, SourceCategory>> = {
  subscription: 'subscription',
  renewal: 'subscription',
  tip: 'tip',
  message: 'message',
  post: 'post',
  mediaLink: 'post',
  referral: 'referral',
  affiliate: 'referral',
  refund: 'refund',
  chargeback: 'refund',
};

/** Maps a Fanvue `source` to its category; unknown sources count as `other`, never as an error. */
export function categorize(source: string): SourceCategory {
  return CATEGORY_BY_SOURCE[source] ?? 'other';
}

const cents = z
  .number()
  .check(z.int({ message: 'money must be integer cents' }), z.refine(Number.isSafeInteger, 'money out of range'));

/**
 * One stored earnings row: the item in the transactions table (without `pk`/`sk`).
 * Every attribute is a pure function of the Fanvue row, so re-writing an
 * unchanged row changes nothing and emits no stream record.
 */
export const StoredTransactionSchema = z.object({
  modelId: z.string().check(z.minLength(1)),
  agencyId: z.string().check(z.minLength(1)),
  /** Stable key: `oid#<transactionOrderId>` or `fp#<fingerprint>#<ordinal>`. */
  txKey: z.string().check(z.minLength(1)),
  /** Payment time, UTC ISO 8601 (normalized to `toISOString()` form). */
  date: z.iso.datetime(),
  /** UTC day of `date`, `yyyy-mm-dd`. */
  day: z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/)),
  gross: cents,
  net: cents,
  source: z.string().check(z.minLength(1)),
  category: z.enum(SOURCE_CATEGORIES),
  status: z.optional(z.string()),
  currency: z.optional(z.string()),
  transactionOrderId: z.optional(z.string()),
  reversedTransactionOrderId: z.optional(z.string()),
  /** The paying fan's Fanvue handle, when the row names one (shown on the model page). */
  fanHandle: z.optional(z.string()),
});
export type StoredTransaction = z.infer<typeof StoredTransactionSchema>;
