import { setTimeout as delay } from 'node:timers/promises';
import type { RefreshLock } from '../../domain/connection-ports';
import { PageTokenRejectedError } from '../../domain/errors';
import {
  type Clock,
  type EarningsPageRequest,
  type EarningsReader,
  type SecretStore,
  systemClock,
} from '../../domain/ports';
import { type RetryPolicy, resolveRetryPolicy } from '../../domain/retry';
import { FANVUE_API_BASE_URL, FANVUE_AUTH_BASE_URL } from '../../shared/defaults';
import { type AppLogger, logger as defaultLogger } from '../../shared/logger';
import { FanvueContractError, FanvueRequestError } from './errors';
import { createFanvueHttp } from './http';
import { createTokenManager, type TokenManagerDeps } from './oauth/token-manager';
import { type Creator, CreatorsPageSchema, type EarningsPage, EarningsPageSchema, FANVUE_API_VERSION } from './schema';

/** Dependencies of {@link createFanvueClient}. */
export interface FanvueClientDeps {
  /** @default FANVUE_API_BASE_URL */
  apiBaseUrl?: string;
  /** @default FANVUE_AUTH_BASE_URL */
  authBaseUrl?: string;
  /** Sent as `X-Fanvue-API-Version`. @default FANVUE_API_VERSION */
  apiVersion?: string;
  /** @default globalThis.fetch */
  fetch?: typeof fetch;
  /** @default systemClock */
  clock?: Clock;
  /** @default node:timers/promises setTimeout */
  sleep?: (ms: number) => Promise<void>;
  /** Jitter source in [0, 1). @default Math.random */
  random?: () => number;
  secrets: SecretStore;
  /** Secret holding `ClientCredentialsSchema` JSON. */
  clientCredentialsSecretId: string;
  /** Secret id holding a connection's `ConnectionTokensSchema` JSON. */
  connectionSecretId: (connectionId: string) => string;
  lock: RefreshLock;
  /** @default the shared logger */
  logger?: AppLogger;
  /** Partial retry policy; the rest comes from `DEFAULT_RETRY_POLICY`. */
  retry?: Partial<RetryPolicy>;
  /** Token manager tunables (skew, lock ttl/poll/wait). */
  oauth?: Pick<TokenManagerDeps, 'skewMs' | 'lockTtlMs' | 'lockPollMs' | 'lockWaitMs'>;
  /** Budget of one `GET /creators` page when the caller gives no deadline. @default 60000 */
  listBudgetMs?: number;
}

/** An earnings page request without a cursor (the generator follows them). */
export type EarningsPagesRequest = Omit<EarningsPageRequest, 'cursor'> & { cursor?: string };

/** The real Fanvue API client. */
export interface FanvueClient extends EarningsReader {
  /** Every page of one creator's earnings window, following `nextCursor` until it is null. */
  pages(req: EarningsPagesRequest): AsyncGenerator<EarningsPage, void, undefined>;
  /** Every creator the connection manages (`GET /creators`, page by page until `hasMore` is false). */
  listCreators(
    connectionId: string,
    opts?: { deadline?: number; size?: number },
  ): AsyncGenerator<Creator, void, undefined>;
}

/** Safety net against a server that never says `hasMore: false`. */
const MAX_CREATOR_PAGES = 10_000;

/** Builds the Fanvue client from its dependencies (see {@link FanvueClientDeps}). */
export function createFanvueClient(deps: FanvueClientDeps): FanvueClient {
  const clock = deps.clock ?? systemClock;
  const sleep = deps.sleep ?? ((ms: number) => delay(ms).then(() => undefined));
  const fetchFn = deps.fetch ?? globalThis.fetch.bind(globalThis);
  const logger = deps.logger ?? defaultLogger;
  const policy = resolveRetryPolicy(deps.retry);
  const tokens = createTokenManager({
    authBaseUrl: deps.authBaseUrl ?? FANVUE_AUTH_BASE_URL,
    fetch: fetchFn,
    clock,
    sleep,
    secrets: deps.secrets,
    clientCredentialsSecretId: deps.clientCredentialsSecretId,
    connectionSecretId: deps.connectionSecretId,
    lock: deps.lock,
    logger,
    requestTimeoutMs: policy.requestTimeoutMs,
    ...deps.oauth,
  });
  const http = createFanvueHttp({
    apiBaseUrl: deps.apiBaseUrl ?? FANVUE_API_BASE_URL,
    apiVersion: deps.apiVersion ?? FANVUE_API_VERSION,
    fetch: fetchFn,
    tokens,
    logger,
    clock,
    sleep,
    random: deps.random ?? Math.random,
    policy,
  });

  async function readPage(req: EarningsPageRequest): Promise<EarningsPage> {
    try {
      return await getEarningsPage(req);
    } catch (err) {
      // A 4xx on a request that carries a saved page token: the token is what Fanvue refused.
      if (req.cursor && err instanceof FanvueRequestError && err.code === 'request_rejected')
        throw new PageTokenRejectedError(`${err.message} (page token refused)`, { cause: err });
      throw err;
    }
  }

  function getEarningsPage(req: EarningsPageRequest): Promise<EarningsPage> {
    return http.get({
      path: `creators/${encodeURIComponent(req.creatorUuid)}/insights/earnings`,
      query: { startDate: req.startDate, endDate: req.endDate, size: req.size, cursor: req.cursor },
      connectionId: req.connectionId,
      deadline: req.deadline,
      schema: EarningsPageSchema,
      what: 'earnings page',
    });
  }

  return {
    readPage,

    async *pages(req) {
      const seen = new Set<string>();
      let cursor = req.cursor;
      for (;;) {
        const page = await readPage({ ...req, cursor });
        yield page;
        if (page.nextCursor === null) return;
        // A cursor that comes back twice would loop forever.
        if (seen.has(page.nextCursor))
          throw new FanvueContractError('earnings page: nextCursor repeats an earlier cursor');
        seen.add(page.nextCursor);
        cursor = page.nextCursor;
      }
    },

    async *listCreators(connectionId, opts = {}) {
      const size = opts.size ?? 50;
      for (let page = 1; page <= MAX_CREATOR_PAGES; page += 1) {
        const res = await http.get({
          path: 'creators',
          query: { page, size },
          connectionId,
          deadline: opts.deadline ?? clock.now() + (deps.listBudgetMs ?? 60_000),
          schema: CreatorsPageSchema,
          what: 'creators page',
        });
        yield* res.data;
        if (!res.pagination.hasMore) return;
        if (res.data.length === 0)
          throw new FanvueContractError('creators page: pagination.hasMore is true on an empty page');
      }
      throw new FanvueContractError(`creators page: more than ${MAX_CREATOR_PAGES} pages`);
    },
  };
}
