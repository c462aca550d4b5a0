import * as z from '../../shared/zod';

/**
 * Fanvue API response schemas, following the public reference's field names.
 * Money is USD cents; a non-integer amount is a contract break, not something
 * to round silently (totals would stop matching Fanvue).
 */
export const FANVUE_API_VERSION = '2025-06-26';

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

export const EarningsPageSchema = z.object({
  data: z.array(EarningRowSchema),
  nextCursor: z.nullable(z.string().check(z.minLength(1))),
});
export type EarningsPage = z.infer<typeof EarningsPageSchema>;

/** One entry of `GET /creators` (agency token). */
export const CreatorSchema = z.object({
  uuid: z.string(),
  handle: z.string(),
  displayName: z.string(),
});
export type Creator = z.infer<typeof CreatorSchema>;

export const CreatorsPageSchema = z.object({
  data: z.array(CreatorSchema),
  pagination: z.object({ page: z.number().check(z.int()), size: z.number().check(z.int()), hasMore: z.boolean() }),
});
export type CreatorsPage = z.infer<typeof CreatorsPageSchema>;

/** `POST /oauth2/token` response. */
export const TokenResponseSchema = z.object({
  access_token: z.string().check(z.minLength(1)),
  refresh_token: z.optional(z.string().check(z.minLength(1))),
  expires_in: z.number().check(z.int(), z.positive()),
  token_type: z.string(),
  scope: z.optional(z.string()),
});
export type TokenResponse = z.infer<typeof TokenResponseSchema>;

/** What we keep in the secret store per connection. */
export const ConnectionTokensSchema = z.object({
  accessToken: z.optional(z.string().check(z.minLength(1))),
  /** Epoch ms. */
  accessTokenExpiresAt: z.optional(z.number().check(z.int())),
  refreshToken: z.string().check(z.minLength(1)),
});
export type ConnectionTokens = z.infer<typeof ConnectionTokensSchema>;

/** OAuth client credentials secret. */
export const ClientCredentialsSchema = z.object({
  clientId: z.string().check(z.minLength(1)),
  clientSecret: z.string().check(z.minLength(1)),
});
export type ClientCredentials = z.infer<typeof ClientCredentialsSchema>;

export const ErrorBodySchema = z.partial(z.object({ error: z.unknown() }));
