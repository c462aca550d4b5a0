import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createFanvueClient, type FanvueClientDeps } from '../../lambdas/adapters/fanvue/client';
import { fanvueClientFromEnv } from '../../lambdas/adapters/fanvue/config';
import {
  BudgetExceededError,
  FanvueAuthError,
  FanvueContractError,
  FanvueRequestError,
  FanvueUnavailableError,
} from '../../lambdas/adapters/fanvue/errors';
import { resetDeprecationWarnings } from '../../lambdas/adapters/fanvue/http';
import { inMemoryRefreshLock } from '../../lambdas/adapters/fanvue/oauth/refresh-lock';
import { FANVUE_API_VERSION } from '../../lambdas/adapters/fanvue/schema';
import { PageTokenRejectedError } from '../../lambdas/domain/errors';
import { ConfigError } from '../../lambdas/shared/errors';
import { fakeFetch, json, memoryStore, recordingLogger, row, type SeenRequest } from './support/fanvue-fakes';

const START = Date.UTC(2025, 0, 2);
const ACCESS = 'at_unit_secret_access_0001';
const REFRESH = 'rt_unit_secret_refresh_0001';

function setup(
  handler: (req: SeenRequest, signal?: AbortSignal) => Response | Promise<Response>,
  over: Partial<FanvueClientDeps> = {},
) {
  const { store, values } = memoryStore({
    'fanvue/client': JSON.stringify({ clientId: 'cid', clientSecret: 'client_secret_value_xyz' }),
    'fanvue/conn/c1': JSON.stringify({
      accessToken: ACCESS,
      accessTokenExpiresAt: START + 3_600_000,
      refreshToken: REFRESH,
    }),
  });
  const { fetch, seen } = fakeFetch(handler);
  const { logger, calls } = recordingLogger();
  const sleeps: number[] = [];
  const client = createFanvueClient({
    apiBaseUrl: 'http://api.test',
    authBaseUrl: 'http://auth.test',
    fetch,
    clock: { now: () => Date.now() },
    sleep: async (ms) => {
      sleeps.push(ms);
      vi.advanceTimersByTime(ms);
    },
    random: () => 0.5,
    secrets: store,
    clientCredentialsSecretId: 'fanvue/client',
    connectionSecretId: (id) => `fanvue/conn/${id}`,
    lock: inMemoryRefreshLock({ now: () => Date.now() }),
    logger,
    ...over,
  });
  return { client, seen, calls, sleeps, values };
}

const req = (over: Partial<Parameters<ReturnType<typeof createFanvueClient>['readPage']>[0]> = {}) => ({
  connectionId: 'c1',
  creatorUuid: 'creator-1',
  startDate: '2025-01-01T00:00:00.000Z',
  endDate: '2025-01-02T00:00:00.000Z',
  size: 50,
  deadline: Date.now() + 60_000,
  ...over,
});

beforeEach(() => {
  vi.useFakeTimers().setSystemTime(START);
  resetDeprecationWarnings();
});
afterEach(() => vi.useRealTimers());

describe('fanvue client: requests', () => {
  it('GETs the creator earnings route with version header, bearer token and query', async () => {
    const { client, seen } = setup(() => json(200, { data: [row(1)], nextCursor: null }));
    const page = await client.readPage(req({ cursor: 'abc' }));
    expect(page.data).toHaveLength(1);
    const r = seen[0]!;
    expect(r.url.pathname).toBe('/creators/creator-1/insights/earnings');
    expect(Object.fromEntries(r.url.searchParams)).toEqual({
      startDate: '2025-01-01T00:00:00.000Z',
      endDate: '2025-01-02T00:00:00.000Z',
      size: '50',
      cursor: 'abc',
    });
    expect(r.headers.get('x-fanvue-api-version')).toBe(FANVUE_API_VERSION);
    expect(r.headers.get('authorization')).toBe(`Bearer ${ACCESS}`);
  });

  it('pages() follows nextCursor until null and yields every page once', async () => {
    const { client, seen } = setup((r) => {
      const c = r.url.searchParams.get('cursor');
      if (!c) return json(200, { data: [row(1), row(2)], nextCursor: 'p2' });
      if (c === 'p2') return json(200, { data: [row(3)], nextCursor: 'p3' });
      return json(200, { data: [row(4)], nextCursor: null });
    });
    const ids: string[] = [];
    for await (const p of client.pages(req())) ids.push(...p.data.map((d) => d.transactionOrderId ?? ''));
    expect(ids).toEqual(['order-1', 'order-2', 'order-3', 'order-4']);
    expect(seen.map((s) => s.url.searchParams.get('cursor'))).toEqual([null, 'p2', 'p3']);
  });

  it('pages() refuses a cursor that loops', async () => {
    const { client } = setup(() => json(200, { data: [], nextCursor: 'same' }));
    const run = async () => {
      for await (const _ of client.pages(req())) void _;
    };
    await expect(run()).rejects.toBeInstanceOf(FanvueContractError);
  });

  it('listCreators() walks GET /creators pages until hasMore is false', async () => {
    const { client, seen } = setup((r) => {
      const page = Number(r.url.searchParams.get('page'));
      const data =
        page === 1
          ? [
              { uuid: 'a', handle: 'a', displayName: 'A' },
              { uuid: 'b', handle: 'b', displayName: 'B' },
            ]
          : [{ uuid: 'c', handle: 'c', displayName: 'C' }];
      return json(200, { data, pagination: { page, size: 2, hasMore: page === 1 } });
    });
    const uuids: string[] = [];
    for await (const c of client.listCreators('c1', { size: 2 })) uuids.push(c.uuid);
    expect(uuids).toEqual(['a', 'b', 'c']);
    expect(seen.map((s) => s.url.pathname + s.url.search)).toEqual([
      '/creators?page=1&size=2',
      '/creators?page=2&size=2',
    ]);
  });

  it('logs Deprecation/Sunset once per process, however many responses carry them', async () => {
    const { client, calls } = setup(() =>
      json(
        200,
        { data: [], nextCursor: null },
        { deprecation: '@1767225600', sunset: 'Wed, 01 Jul 2026 00:00:00 GMT' },
      ),
    );
    await client.readPage(req());
    await client.readPage(req());
    const warns = calls.filter((c) => c[0] === 'warn' && c[1] === 'fanvue api version is deprecated');
    expect(warns).toHaveLength(1);
    expect(warns[0]![2]).toMatchObject({ sunset: 'Wed, 01 Jul 2026 00:00:00 GMT' });
  });
});

describe('fanvue client: contract', () => {
  it('names the failing field of a malformed page', async () => {
    const { client } = setup(() =>
      json(200, { data: [row(0), row(1), row(2), row(3, { gross: 12.5 })], nextCursor: null }),
    );
    await expect(client.readPage(req())).rejects.toThrow(
      new FanvueContractError('earnings page: data[3].gross: expected integer cents'),
    );
  });

  it('a non-JSON body is a contract error', async () => {
    const { client } = setup(() => new Response('<html>oops</html>', { status: 200 }));
    await expect(client.readPage(req())).rejects.toThrow(/earnings page: response body is not JSON/);
  });

  it('a missing nextCursor is named', async () => {
    const { client } = setup(() => json(200, { data: [] }));
    await expect(client.readPage(req())).rejects.toThrow(/nextCursor/);
  });
});

describe('fanvue client: retries and status mapping', () => {
  it('retries a 429 after the capped Retry-After, then succeeds', async () => {
    let n = 0;
    const { client, sleeps } = setup(() =>
      ++n <= 2
        ? json(429, { error: 'rate limited' }, { 'retry-after': '45' })
        : json(200, { data: [], nextCursor: null }),
    );
    await client.readPage(req({ deadline: START + 120_000 }));
    expect(sleeps).toEqual([20_000, 20_000]);
  });

  it('uses X-RateLimit-Reset when there is no Retry-After', async () => {
    let n = 0;
    const reset = String(START / 1000 + 3);
    const { client, sleeps } = setup(() =>
      ++n === 1
        ? json(429, {}, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset })
        : json(200, { data: [], nextCursor: null }),
    );
    await client.readPage(req());
    expect(sleeps).toEqual([3_000]);
  });

  it('a 429 storm near the deadline ends with a budget stop (BudgetExceededError), without sleeping past it', async () => {
    const { client, sleeps, seen } = setup(() => json(429, {}, { 'retry-after': '30' }));
    const deadline = START + 25_000;
    const err = await client.readPage(req({ deadline })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BudgetExceededError);
    expect(err).toMatchObject({ code: 'budget', waitingFor: 'rate_limited', retryAfterMs: 30_000 });
    expect(seen).toHaveLength(2);
    expect(sleeps).toEqual([20_000]);
    expect(Date.now()).toBeLessThanOrEqual(deadline);
  });

  it('5xx and network errors are retried up to maxAttempts', async () => {
    let n = 0;
    const { client, seen } = setup(() => {
      n += 1;
      if (n % 2) throw new TypeError('fetch failed');
      return json(503, {});
    });
    await expect(client.readPage(req({ deadline: START + 600_000 }))).rejects.toBeInstanceOf(FanvueUnavailableError);
    expect(seen).toHaveLength(5);
  });

  it.each([
    [400, 'request_rejected'],
    [404, 'request_rejected'],
    [410, 'api_version_sunset'],
  ])('%i -> FanvueRequestError(%s), not retried', async (status, code) => {
    const { client, seen } = setup(() => json(status, { error: 'nope' }));
    const err = await client.readPage(req()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FanvueRequestError);
    expect((err as FanvueRequestError).status).toBe(status);
    expect((err as FanvueRequestError).code).toBe(code);
    expect(seen).toHaveLength(1);
  });

  it('a 400 on a request that carries a saved page token is the domain error PageTokenRejectedError', async () => {
    const { client, seen } = setup(() => json(400, { error: 'invalid cursor' }));
    const err = await client.readPage(req({ cursor: 'stale-token' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PageTokenRejectedError);
    expect(err).toMatchObject({ code: 'page_token_rejected' });
    expect((err as Error).cause).toBeInstanceOf(FanvueRequestError);
    expect(seen).toHaveLength(1);
    // Without a page token the same 400 stays a rejected request (nothing to restart).
    expect(await client.readPage(req()).catch((e: unknown) => e)).not.toBeInstanceOf(PageTokenRejectedError);
  });

  it('403 -> FanvueAuthError without a refresh', async () => {
    const { client, seen } = setup(() => json(403, {}));
    await expect(client.readPage(req())).rejects.toBeInstanceOf(FanvueAuthError);
    expect(seen.filter((s) => s.url.host === 'auth.test')).toHaveLength(0);
  });

  it('401 -> one refresh and one retry; a second 401 -> FanvueAuthError', async () => {
    const { client, seen } = setup((r) =>
      r.url.host === 'auth.test'
        ? json(200, {
            access_token: 'at_new_secret',
            refresh_token: 'rt_new_secret',
            expires_in: 3600,
            token_type: 'Bearer',
          })
        : json(401, {}),
    );
    await expect(client.readPage(req())).rejects.toThrow(FanvueAuthError);
    expect(seen.map((s) => s.url.host)).toEqual(['api.test', 'auth.test', 'api.test']);
    expect(seen[2]!.headers.get('authorization')).toBe('Bearer at_new_secret');
  });

  it('a hanging call is cut by the per-call timeout and retried', async () => {
    vi.useRealTimers();
    let n = 0;
    const { client } = setup(
      (r, signal) => {
        // Real time is past the seeded token's expiry: let the refresh succeed.
        if (r.url.host === 'auth.test')
          return json(200, { access_token: 'at_2', refresh_token: 'rt_2', expires_in: 3600, token_type: 'Bearer' });
        n += 1;
        if (n === 1)
          return new Promise<Response>((_, reject) => signal?.addEventListener('abort', () => reject(signal.reason)));
        return json(200, { data: [], nextCursor: null });
      },
      {
        retry: { requestTimeoutMs: 30, baseDelayMs: 1 },
        clock: { now: () => Date.now() },
        sleep: async () => undefined,
      },
    );
    await expect(client.readPage(req({ deadline: Date.now() + 5_000 }))).resolves.toEqual({
      data: [],
      nextCursor: null,
    });
    expect(n).toBe(2);
  });

  it('never puts a token or client secret into an error message or a log call', async () => {
    const { client, calls } = setup((r) =>
      r.url.host === 'auth.test' ? json(400, { error: 'invalid_grant' }) : json(401, {}),
    );
    const err = (await client.readPage(req()).catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(FanvueAuthError);
    const text = `${err.message} ${String(err.stack)} ${JSON.stringify(calls)}`;
    for (const secret of [ACCESS, REFRESH, 'client_secret_value_xyz']) expect(text).not.toContain(secret);
  });
});

describe('fanvueClientFromEnv', () => {
  it('fails at load naming a missing variable', () => {
    expect(() =>
      fanvueClientFromEnv(
        { FANVUE_CONNECTION_SECRET_PREFIX: 'p/' },
        { secrets: memoryStore({}).store, lock: inMemoryRefreshLock() },
      ),
    ).toThrow(
      new ConfigError(
        'invalid environment:\n✖ Invalid input: expected string, received undefined\n  → at FANVUE_CLIENT_SECRET_ID',
      ),
    );
  });

  it('builds a client that uses the configured base URL, version and secret ids', async () => {
    const { store } = memoryStore({
      client: JSON.stringify({ clientId: 'a', clientSecret: 'b' }),
      'conn/x': JSON.stringify({ accessToken: 'at', accessTokenExpiresAt: START + 3_600_000, refreshToken: 'rt' }),
    });
    const { fetch, seen } = fakeFetch(() => json(200, { data: [], nextCursor: null }));
    const client = fanvueClientFromEnv(
      {
        FANVUE_API_BASE_URL: 'http://127.0.0.1:9/v',
        FANVUE_API_VERSION: '2026-01-01',
        FANVUE_CLIENT_SECRET_ID: 'client',
        FANVUE_CONNECTION_SECRET_PREFIX: 'conn/',
        FANVUE_MAX_RETRIES: '2',
      },
      { secrets: store, lock: inMemoryRefreshLock(), fetch },
    );
    await client.readPage(req({ connectionId: 'x' }));
    expect(seen[0]!.url.href).toMatch(/^http:\/\/127\.0\.0\.1:9\/v\/creators\/creator-1\/insights\/earnings\?/);
    expect(seen[0]!.headers.get('x-fanvue-api-version')).toBe('2026-01-01');
  });
});
