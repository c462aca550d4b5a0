import { classifyStatus, serverHintMs } from '../../domain/retry';
import type { AppLogger } from '../../shared/logger';
import type * as z from '../../shared/zod';
import { parseContract, safeErrorCode } from './contract';
import { FanvueAuthError, FanvueRequestError } from './errors';
import { withSlash } from './oauth/token-endpoint';
import type { TokenManager } from './oauth/token-manager';
import { type AttemptOutcome, type RetryRunnerDeps, runWithRetries } from './retry';

/** Dependencies of {@link createFanvueHttp}. */
export interface FanvueHttpDeps extends RetryRunnerDeps {
  apiBaseUrl: string;
  apiVersion: string;
  fetch: typeof fetch;
  tokens: TokenManager;
  logger: AppLogger;
}

/** One authenticated GET. */
export interface FanvueGet<S extends z.core.$ZodType> {
  /** Path relative to the API base, without a leading slash (`creators/<uuid>/insights/earnings`). */
  path: string;
  query: Record<string, string | number | undefined>;
  connectionId: string;
  /** Epoch ms by which the call (retries and waits included) must have returned. */
  deadline: number;
  schema: S;
  /** Names the call in messages and logs (`earnings page`); never a token or an id from a response. */
  what: string;
}

/** The authenticated, retrying, contract-checking GET every Fanvue read goes through. */
export interface FanvueHttp {
  get<S extends z.core.$ZodType>(req: FanvueGet<S>): Promise<z.infer<S>>;
}

const warnedDeprecations = new Set<string>();

/** Forgets which deprecation notices were logged (they are logged once per process). For tests. */
export function resetDeprecationWarnings(): void {
  warnedDeprecations.clear();
}

/**
 * Builds the GET: sends `X-Fanvue-API-Version` and the bearer token, retries
 * 429/5xx/network failures within the deadline, refreshes the token once on
 * 401, maps 401/403 to {@link FanvueAuthError} and 400/404/410 (and other 4xx)
 * to {@link FanvueRequestError}, and parses the body with the given schema.
 */
export function createFanvueHttp(deps: FanvueHttpDeps): FanvueHttp {
  const base = withSlash(deps.apiBaseUrl);

  function noteDeprecation(headers: Headers): void {
    const deprecation = headers.get('deprecation');
    const sunset = headers.get('sunset');
    if (!deprecation && !sunset) return;
    const key = `${deps.apiVersion}|${deprecation ?? ''}|${sunset ?? ''}`;
    if (warnedDeprecations.has(key)) return;
    warnedDeprecations.add(key);
    deps.logger.warn('fanvue api version is deprecated', { apiVersion: deps.apiVersion, deprecation, sunset });
  }

  return {
    async get(req) {
      const url = new URL(req.path, base);
      for (const [k, v] of Object.entries(req.query)) if (v !== undefined) url.searchParams.set(k, String(v));
      let token = await deps.tokens.accessToken(req.connectionId, req.deadline);
      let refreshed = false;

      return runWithRetries(
        deps,
        req.what,
        req.deadline,
        async (timeoutMs): Promise<AttemptOutcome<z.infer<typeof req.schema>>> => {
          let res: Response;
          let body: string;
          try {
            res = await deps.fetch(url, {
              headers: {
                authorization: `Bearer ${token}`,
                'x-fanvue-api-version': deps.apiVersion,
                accept: 'application/json',
              },
              signal: AbortSignal.timeout(timeoutMs),
            });
            body = await res.text();
          } catch (err) {
            const name = (err as Error).name;
            return {
              kind: 'retryable',
              reason: 'unavailable',
              detail: name === 'TimeoutError' ? 'request timed out' : `network error (${name})`,
              cause: err,
            };
          }
          noteDeprecation(res.headers);
          const cls = classifyStatus(res.status);
          switch (cls) {
            case 'ok':
              return { kind: 'done', value: parseContract(req.schema, body, req.what) };
            case 'rate_limited': {
              const hintMs = serverHintMs(
                {
                  retryAfter: res.headers.get('retry-after'),
                  rateLimitRemaining: res.headers.get('x-ratelimit-remaining'),
                  rateLimitReset: res.headers.get('x-ratelimit-reset'),
                },
                deps.clock.now(),
              );
              return {
                kind: 'retryable',
                reason: 'rate_limited',
                detail: 'rate limited (429)',
                ...(hintMs !== undefined && { hintMs }),
              };
            }
            case 'unavailable':
              return { kind: 'retryable', reason: 'unavailable', detail: `fanvue returned ${res.status}` };
            case 'unauthorized':
              if (!refreshed) {
                refreshed = true;
                token = await deps.tokens.refreshAfterRejection(req.connectionId, token, req.deadline);
                return { kind: 'again' };
              }
              throw new FanvueAuthError(`${req.what}: fanvue rejected the access token after a refresh (401)`);
            case 'forbidden':
              throw new FanvueAuthError(
                `${req.what}: fanvue refused access (403): check the connection's scopes and that it manages this creator`,
              );
            case 'rejected': {
              const code = safeErrorCode(body);
              const detail =
                res.status === 410
                  ? `api version ${deps.apiVersion} is sunset (410)`
                  : `fanvue rejected the request (${res.status})`;
              throw new FanvueRequestError(res.status, `${req.what}: ${detail}${code ? `: ${code}` : ''}`);
            }
          }
        },
      );
    },
  };
}
