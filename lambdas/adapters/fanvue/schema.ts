import { z } from 'zod';

/**
 * Fanvue API response schemas, following the public reference's field names.
 * Money is USD cents; a non-integer amount is a contract break, not something
 * to round silently (totals would stop matching Fanvue).
 */
export const FANVUE_API_VERSION = '2025-06-26';

const cents = z.number().int({ message: 'expected integer cents' });

export const FanvueUserSchema = z.object({
  uuid: z.string(),
  handle: z.string().optional(),
  displayName: z.string().nullable().optional(),
  nickname: z.string().nullable().optional(),
  isTopSpender: z.boolean().optional(),
});

/** One row of `GET /creators/{uuid}/insights/earnings`. */
export const EarningRowSchema = z.object({
  date: z.string().datetime({ offset: true }),
  gross: cents,
  net: cents,
  currency: z.string().nullable().optional(),
  source: z.string().min(1),
  transactionOrderId: z.string().min(1).optional(),
  transactionOrderStatus: z.string().optional(),
  reversedTransactionOrderId: z.string().nullable().optional(),
  messageUuid: z.string().nullable().optional(),
  postUuid: z.string().nullable().optional(),
  user: FanvueUserSchema.nullable().optional(),
});
export type EarningRow = z.infer<typeof EarningRowSchema>;

export const EarningsPageSchema = z.object({
  data: z.array(EarningRowSchema),
  nextCursor: z.string().min(1).nullable(),
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
  pagination: z.object({ page: z.number().int(), size: z.number().int(), hasMore: z.boolean() }),
});
export type CreatorsPage = z.infer<typeof CreatorsPageSchema>;

/** `POST /oauth2/token` response. */
export const TokenResponseSchema = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1).optional(),
  expires_in: z.number().int().positive(),
  token_type: z.string(),
  scope: z.string().optional(),
});
export type TokenResponse = z.infer<typeof TokenResponseSchema>;

/** What we keep in the secret store per connection. */
export const ConnectionTokensSchema = z.object({
  accessToken: z.string().min(1).optional(),
  /** Epoch ms. */
  accessTokenExpiresAt: z.number().int().optional(),
  refreshToken: z.string().min(1),
});
export type ConnectionTokens = z.infer<typeof ConnectionTokensSchema>;

/** OAuth client credentials secret. */
export const ClientCredentialsSchema = z.object({
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
});
export type ClientCredentials = z.infer<typeof ClientCredentialsSchema>;

export const ErrorBodySchema = z.object({ error: z.unknown() }).partial();
