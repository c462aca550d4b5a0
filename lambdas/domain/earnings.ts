import * as z from '../shared/zod';

/**
 * The earnings source's contract as the domain speaks it: one row and one page
 * of a creator's earnings, and a creator an agency manages. Field names follow
 * Fanvue's public reference; the Fanvue adapter parses its responses with
 * these schemas, so the domain and the adapter share one definition.
 * Money is USD cents; a non-integer amount is a contract break, not something
 * to round silently (totals would stop matching Fanvue).
 */
const cents = z.number().check(z.int({ message: 'expected integer cents' }));

export const FanvueUserSchema = z.object({
  uuid: z.string(),
  handle: z.optional(z.string()),
  displayName: z.optional(z.nullable(z.string())),
  nickname: z.optional(z.nullable(z.string())),
  isTopSpender: z.optional(z.boolean()),
});

/** One row of `GET /creators/{uuid}/insights/earnings`. */
export const EarningRowSchema = z.object({
  date: z.iso.datetime({ offset: true }),
  gross: cents,
  net: cents,
  currency: z.optional(z.nullable(z.string())),
  source: z.string().check(z.minLength(1)),
  transactionOrderId: z.optional(z.string().check(z.minLength(1))),
  transactionOrderStatus: z.optional(z.string()),
  reversedTransactionOrderId: z.optional(z.nullable(z.string())),
  messageUuid: z.optional(z.nullable(z.string())),
  postUuid: z.optional(z.nullable(z.string())),
  user: z.optional(z.nullable(FanvueUserSchema)),
});
export type EarningRow = z.infer<typeof EarningRowSchema>;

/** One page of rows; `nextCursor` is null on the last page of a window. */
export const EarningsPageSchema = z.object({
  data: z.array(EarningRowSchema),
  nextCursor: z.nullable(z.string().check(z.minLength(1))),
});
export type EarningsPage = z.infer<typeof EarningsPageSchema>;

/** One creator an agency connection manages (`GET /creators`). */
export const CreatorSchema = z.object({
  uuid: z.string(),
  handle: z.string(),
  displayName: z.string(),
});
export type Creator = z.infer<typeof CreatorSchema>;
