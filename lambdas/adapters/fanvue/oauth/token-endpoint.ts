import type { ClientCredentials } from '../../../domain/connection-ports';
import type { RateLimitHeaders } from '../../../domain/retry';
import { FanvueUnavailableError } from '../errors';

/** What the token endpoint answered (body kept raw; the caller parses it). */
export interface TokenEndpointResponse {
  status: number;
  body: string;
  rateLimit: RateLimitHeaders;
}

/**
 * `POST {authBaseUrl}/oauth2/token` with `grant_type=refresh_token`, form
 * encoded, client credentials as HTTP Basic. A network failure or timeout is a
 * {@link FanvueUnavailableError} (its message carries no request data).
 */
export async function postTokenRequest(args: {
  authBaseUrl: string;
  fetch: typeof fetch;
  creds: ClientCredentials;
  refreshToken: string;
  timeoutMs: number;
}): Promise<TokenEndpointResponse> {
  return postTokenForm({ ...args, form: { grant_type: 'refresh_token', refresh_token: args.refreshToken } });
}

/** `POST {authBaseUrl}/oauth2/token` with any grant's form fields (client credentials as HTTP Basic). */
export async function postTokenForm(args: {
  authBaseUrl: string;
  fetch: typeof fetch;
  creds: ClientCredentials;
  form: Record<string, string>;
  timeoutMs: number;
}): Promise<TokenEndpointResponse> {
  const url = new URL('oauth2/token', withSlash(args.authBaseUrl));
  const basic = Buffer.from(`${args.creds.clientId}:${args.creds.clientSecret}`).toString('base64');
  try {
    const res = await args.fetch(url, {
      method: 'POST',
      headers: {
        authorization: `Basic ${basic}`,
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
      },
      body: new URLSearchParams(args.form).toString(),
      signal: AbortSignal.timeout(args.timeoutMs),
    });
    const body = await res.text();
    return {
      status: res.status,
      body,
      rateLimit: {
        retryAfter: res.headers.get('retry-after'),
        rateLimitRemaining: res.headers.get('x-ratelimit-remaining'),
        rateLimitReset: res.headers.get('x-ratelimit-reset'),
      },
    };
  } catch (err) {
    throw new FanvueUnavailableError(`token endpoint unreachable (${(err as Error).name})`, { cause: err });
  }
}

/** 401, or 400 `invalid_grant`: the refresh token is revoked, reused or expired. Retrying cannot help. */
export function connectionRevoked(status: number, body: string): boolean {
  if (status === 401) return true;
  if (status !== 400) return false;
  try {
    const parsed: unknown = JSON.parse(body);
    return typeof parsed === 'object' && parsed !== null && (parsed as { error?: unknown }).error === 'invalid_grant';
  } catch {
    return false;
  }
}

/** `new URL(path, base)` drops the base's last segment unless it ends with a slash. */
export function withSlash(base: string): string {
  return base.endsWith('/') ? base : `${base}/`;
}
