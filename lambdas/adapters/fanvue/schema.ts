import type { ClientCredentials } from '../../domain/connection-ports';
import { CreatorSchema } from '../../domain/earnings';
import * as z from '../../shared/zod';

// The earnings row, page and creator are the domain's contract types; the client parses with them.
export {
  type Creator,
  CreatorSchema,
  type EarningRow,
  EarningRowSchema,
  type EarningsPage,
  EarningsPageSchema,
  FanvueUserSchema,
} from '../../domain/earnings';

/** Fanvue API response schemas (OAuth, pagination), following the public reference's field names. */
export const FANVUE_API_VERSION = '2025-06-26';

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

/** OAuth client credentials secret (the domain's {@link ClientCredentials}). */
export const ClientCredentialsSchema = z.object({
  clientId: z.string().check(z.minLength(1)),
  clientSecret: z.string().check(z.minLength(1)),
}) satisfies z.ZodMiniType<ClientCredentials>;

export const ErrorBodySchema = z.partial(z.object({ error: z.unknown() }));
