import type { RefreshLock } from '../../../domain/connection-ports';
import type { Clock, SecretStore } from '../../../domain/ports';
import { serverHintMs } from '../../../domain/retry';
import { ConfigError } from '../../../shared/errors';
import type { AppLogger } from '../../../shared/logger';
import { SecretNotFoundError } from '../../secrets';
import { parseContract, safeErrorCode } from '../contract';
import {
  BudgetExceededError,
  FanvueAuthError,
  FanvueRateLimitError,
  FanvueRequestError,
  FanvueUnavailableError,
} from '../errors';
import { ClientCredentialsSchema, type ConnectionTokens, ConnectionTokensSchema, TokenResponseSchema } from '../schema';
import { connectionRevoked, postTokenRequest } from './token-endpoint';

/** Dependencies of {@link createTokenManager}. */
export interface TokenManagerDeps {
  authBaseUrl: string;
  fetch: typeof fetch;
  clock: Clock;
  sleep: (ms: number) => Promise<void>;
  secrets: SecretStore;
  clientCredentialsSecretId: string;
  connectionSecretId: (connectionId: string) => string;
  lock: RefreshLock;
  logger: AppLogger;
  /** An access token is treated as expired this long before it does. @default 60000 */
  skewMs?: number;
  /** Expiry of the cross-process refresh lock. @default 30000 */
  lockTtlMs?: number;
  /** Poll interval while someone else holds the lock. @default 250 */
  lockPollMs?: number;
  /** Longest wait for someone else's refresh before giving up. @default 10000 */
  lockWaitMs?: number;
  /** Timeout of the token request (never beyond the deadline). @default 10000 */
  requestTimeoutMs?: number;
}

/** Hands out access tokens per connection, refreshing (once, serialized) when needed. */
export interface TokenManager {
  /** A valid access token for the connection, refreshed first when expired (or about to). */
  accessToken(connectionId: string, deadline: number): Promise<string>;
  /** Called after Fanvue answered 401 to `rejected`: a different, fresh token (re-read or refreshed). */
  refreshAfterRejection(connectionId: string, rejected: string, deadline: number): Promise<string>;
}

/**
 * The OAuth token manager. Refresh tokens rotate and are single-use, so:
 * the rotated token is stored before the new access token is used; concurrent
 * refreshes of one connection in this process share one promise; across
 * processes a {@link RefreshLock} serializes them, and the secret is re-read
 * after taking the lock (or while waiting for it), because someone else may
 * have refreshed already.
 */
export function createTokenManager(deps: TokenManagerDeps): TokenManager {
  const skewMs = deps.skewMs ?? 60_000;
  const lockTtlMs = deps.lockTtlMs ?? 30_000;
  const lockPollMs = deps.lockPollMs ?? 250;
  const lockWaitMs = deps.lockWaitMs ?? 10_000;
  const requestTimeoutMs = deps.requestTimeoutMs ?? 10_000;
  const inflight = new Map<string, Promise<string>>();

  async function readTokens(connectionId: string): Promise<ConnectionTokens> {
    let raw: string;
    try {
      raw = await deps.secrets.get(deps.connectionSecretId(connectionId));
    } catch (err) {
      if (err instanceof SecretNotFoundError)
        throw new FanvueAuthError('no tokens stored for this connection: connect this model in Fanvue', { cause: err });
      throw err;
    }
    const parsed = ConnectionTokensSchema.safeParse(safeJson(raw));
    if (!parsed.success)
      throw new FanvueAuthError('stored tokens for this connection are unreadable: reconnect this model in Fanvue');
    return parsed.data;
  }

  function usable(
    tokens: ConnectionTokens,
    rejected: string | undefined,
  ): tokens is ConnectionTokens & { accessToken: string } {
    if (!tokens.accessToken || tokens.accessToken === rejected) return false;
    return tokens.accessTokenExpiresAt !== undefined && tokens.accessTokenExpiresAt - skewMs > deps.clock.now();
  }

  async function clientCredentials() {
    let raw: string;
    try {
      raw = await deps.secrets.get(deps.clientCredentialsSecretId);
    } catch (err) {
      throw new ConfigError('fanvue oauth client credentials secret is missing', { cause: err });
    }
    const parsed = ClientCredentialsSchema.safeParse(safeJson(raw));
    if (!parsed.success) throw new ConfigError('fanvue oauth client credentials secret is malformed');
    return parsed.data;
  }

  /** The token POST itself. Never retried: a retry after a lost response would reuse a rotated token. */
  async function refreshWith(connectionId: string, tokens: ConnectionTokens, deadline: number): Promise<string> {
    const timeout = Math.min(requestTimeoutMs, deadline - deps.clock.now());
    if (timeout <= 0) throw new BudgetExceededError('no time left to refresh the access token');
    const creds = await clientCredentials();
    deps.logger.info('refreshing fanvue access token', { connectionId });
    const res = await postTokenRequest({
      authBaseUrl: deps.authBaseUrl,
      fetch: deps.fetch,
      creds,
      refreshToken: tokens.refreshToken,
      timeoutMs: timeout,
    });
    if (res.status === 200) {
      const body = parseContract(TokenResponseSchema, res.body, 'token response');
      const next: ConnectionTokens = {
        accessToken: body.access_token,
        accessTokenExpiresAt: deps.clock.now() + body.expires_in * 1000,
        refreshToken: body.refresh_token ?? tokens.refreshToken,
      };
      try {
        await deps.secrets.put(deps.connectionSecretId(connectionId), JSON.stringify(next));
      } catch (err) {
        deps.logger.error('could not store rotated fanvue tokens', { connectionId, errorName: (err as Error).name });
        throw new FanvueAuthError('could not store the rotated refresh token: reconnect this model in Fanvue', {
          cause: err,
        });
      }
      deps.logger.info('fanvue access token refreshed', {
        connectionId,
        rotated: body.refresh_token !== undefined,
        expiresInS: body.expires_in,
      });
      return body.access_token;
    }
    if (connectionRevoked(res.status, res.body)) {
      deps.logger.warn('fanvue refresh token rejected', { connectionId, status: res.status });
      throw new FanvueAuthError('connection revoked: reconnect this model in Fanvue');
    }
    const code = safeErrorCode(res.body);
    const detail = `token endpoint returned ${res.status}${code ? ` (${code})` : ''}`;
    if (res.status === 429) throw new FanvueRateLimitError(detail, serverHintMs(res.rateLimit, deps.clock.now()));
    if (res.status >= 500) throw new FanvueUnavailableError(detail);
    if (res.status === 400) throw new FanvueAuthError(`token refresh rejected: ${detail}`);
    throw new FanvueRequestError(res.status, detail);
  }

  async function refreshSerialized(
    connectionId: string,
    rejected: string | undefined,
    deadline: number,
  ): Promise<string> {
    const waitUntil = Math.min(deadline, deps.clock.now() + lockWaitMs);
    for (;;) {
      const release = await deps.lock.acquire(connectionId, lockTtlMs);
      if (release) {
        try {
          const tokens = await readTokens(connectionId);
          if (usable(tokens, rejected)) return tokens.accessToken;
          return await refreshWith(connectionId, tokens, deadline);
        } finally {
          await release().catch((err: unknown) =>
            deps.logger.warn('could not release token refresh lock', { connectionId, errorName: (err as Error).name }),
          );
        }
      }
      if (deps.clock.now() + lockPollMs > waitUntil) {
        throw new FanvueUnavailableError(
          'token refresh for this connection is in progress elsewhere; try again shortly',
        );
      }
      await deps.sleep(lockPollMs);
      const tokens = await readTokens(connectionId);
      if (usable(tokens, rejected)) return tokens.accessToken;
    }
  }

  function refresh(connectionId: string, rejected: string | undefined, deadline: number): Promise<string> {
    const running = inflight.get(connectionId);
    if (running !== undefined) return running;
    const p = refreshSerialized(connectionId, rejected, deadline).finally(() => inflight.delete(connectionId));
    inflight.set(connectionId, p);
    return p;
  }

  return {
    async accessToken(connectionId, deadline) {
      const running = inflight.get(connectionId);
      if (running !== undefined) return running;
      const tokens = await readTokens(connectionId);
      if (usable(tokens, undefined)) return tokens.accessToken;
      return refresh(connectionId, undefined, deadline);
    },
    refreshAfterRejection(connectionId, rejected, deadline) {
      return refresh(connectionId, rejected, deadline);
    },
  };
}

function safeJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}
