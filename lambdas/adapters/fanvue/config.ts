import { DEFAULT_RETRY_POLICY } from '../../domain/retry';
import { FANVUE_API_BASE_URL, FANVUE_AUTH_BASE_URL } from '../../shared/defaults';
import { parseEnv } from '../../shared/env';
import * as z from '../../shared/zod';
import { createFanvueClient, type FanvueClient, type FanvueClientDeps } from './client';
import { FANVUE_API_VERSION } from './schema';

const positiveInt = z.coerce.number().check(z.int(), z.positive());

/**
 * Environment of every Lambda that talks to Fanvue, parsed once per cold start.
 * Secrets are referenced by id only; their values live in the secret store.
 */
export const FanvueEnv = z.object({
  /** API base URL. @default FANVUE_API_BASE_URL */
  FANVUE_API_BASE_URL: z._default(z.url(), FANVUE_API_BASE_URL),
  /** OAuth base URL (`/oauth2/token` lives under it). @default FANVUE_AUTH_BASE_URL */
  FANVUE_AUTH_BASE_URL: z._default(z.url(), FANVUE_AUTH_BASE_URL),
  /** Dated API version sent as `X-Fanvue-API-Version`. @default FANVUE_API_VERSION */
  FANVUE_API_VERSION: z._default(
    z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/, 'expected yyyy-mm-dd')),
    FANVUE_API_VERSION,
  ),
  /** Secret id of the OAuth client credentials (`{ clientId, clientSecret }`). */
  FANVUE_CLIENT_SECRET_ID: z.string().check(z.minLength(1)),
  /** Connection token secret id = this prefix + connectionId. */
  FANVUE_CONNECTION_SECRET_PREFIX: z.string().check(z.minLength(1)),
  /** Attempts per request, the first included. @default 5 */
  FANVUE_MAX_RETRIES: z._default(positiveInt, DEFAULT_RETRY_POLICY.maxAttempts),
  /** Cap of any single retry wait, Retry-After included, in ms. @default 20000 */
  FANVUE_MAX_WAIT_MS: z._default(positiveInt, DEFAULT_RETRY_POLICY.maxWaitMs),
  /** Per-attempt timeout in ms (never beyond the request's deadline). @default 10000 */
  FANVUE_REQUEST_TIMEOUT_MS: z._default(positiveInt, DEFAULT_RETRY_POLICY.requestTimeoutMs),
});
export type FanvueEnv = z.infer<typeof FanvueEnv>;

/** What {@link fanvueClientFromEnv} still needs besides the environment. */
export type FanvueRuntimeDeps = Omit<
  FanvueClientDeps,
  'apiBaseUrl' | 'authBaseUrl' | 'apiVersion' | 'clientCredentialsSecretId' | 'connectionSecretId'
>;

/**
 * Builds the Fanvue client from the environment (parsed with {@link FanvueEnv};
 * a missing or malformed variable throws a ConfigError naming it) and the runtime
 * dependencies (secret store, refresh lock, optional clock/fetch/logger).
 */
export function fanvueClientFromEnv(env: Record<string, string | undefined>, deps: FanvueRuntimeDeps): FanvueClient {
  const cfg = parseEnv(FanvueEnv, env);
  return createFanvueClient({
    ...deps,
    apiBaseUrl: cfg.FANVUE_API_BASE_URL,
    authBaseUrl: cfg.FANVUE_AUTH_BASE_URL,
    apiVersion: cfg.FANVUE_API_VERSION,
    clientCredentialsSecretId: cfg.FANVUE_CLIENT_SECRET_ID,
    connectionSecretId: (connectionId) => `${cfg.FANVUE_CONNECTION_SECRET_PREFIX}${connectionId}`,
    retry: {
      ...deps.retry,
      maxAttempts: cfg.FANVUE_MAX_RETRIES,
      maxWaitMs: cfg.FANVUE_MAX_WAIT_MS,
      requestTimeoutMs: cfg.FANVUE_REQUEST_TIMEOUT_MS,
    },
  });
}
