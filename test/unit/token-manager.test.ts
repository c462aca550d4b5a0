import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FanvueAuthError, FanvueUnavailableError } from '../../lambdas/adapters/fanvue/errors';
import { inMemoryRefreshLock } from '../../lambdas/adapters/fanvue/oauth/refresh-lock';
import { createTokenManager, type TokenManagerDeps } from '../../lambdas/adapters/fanvue/oauth/token-manager';
import { ConnectionTokensSchema } from '../../lambdas/adapters/fanvue/schema';
import type { RefreshLock } from '../../lambdas/domain/connection-ports';
import { fakeFetch, json, memoryStore, recordingLogger, type SeenRequest } from './support/fanvue-fakes';

const START = Date.UTC(2025, 0, 2);
const CONN = 'fanvue/conn/c1';

function tokensAt(expiresAt: number, accessToken = 'at_old', refreshToken = 'rt_old') {
  return JSON.stringify({ accessToken, accessTokenExpiresAt: expiresAt, refreshToken });
}

function setup(
  handler: (req: SeenRequest) => Response | Promise<Response>,
  expiresAt: number,
  over: Partial<TokenManagerDeps> = {},
  events: string[] = [],
) {
  const mem = memoryStore(
    { 'fanvue/client': JSON.stringify({ clientId: 'cid', clientSecret: 'csecret' }), [CONN]: tokensAt(expiresAt) },
    events,
  );
  const { fetch, seen } = fakeFetch((r) => {
    events.push(`fetch ${r.url.pathname} ${r.headers.get('authorization') ?? ''}`);
    return handler(r);
  });
  const { logger, calls } = recordingLogger();
  const deps: TokenManagerDeps = {
    authBaseUrl: 'http://auth.test',
    fetch,
    clock: { now: () => Date.now() },
    sleep: async (ms) => void vi.advanceTimersByTime(ms),
    secrets: mem.store,
    clientCredentialsSecretId: 'fanvue/client',
    connectionSecretId: (id) => `fanvue/conn/${id}`,
    lock: inMemoryRefreshLock({ now: () => Date.now() }),
    logger,
    ...over,
  };
  return { tm: createTokenManager(deps), deps, seen, calls, ...mem };
}

let issued = 0;
const tokenOk = () => {
  issued += 1;
  return json(200, {
    access_token: `at_new_${issued}`,
    refresh_token: `rt_new_${issued}`,
    expires_in: 3600,
    token_type: 'Bearer',
  });
};

beforeEach(() => {
  issued = 0;
  vi.useFakeTimers().setSystemTime(START);
});
afterEach(() => vi.useRealTimers());

describe('token manager', () => {
  it('uses the stored access token while it is valid beyond the 60 s skew', async () => {
    const { tm, seen } = setup(tokenOk, START + 61_000);
    expect(await tm.accessToken('c1', START + 30_000)).toBe('at_old');
    expect(seen).toHaveLength(0);
  });

  it('refreshes a token that expires within the skew, with a form POST and HTTP Basic credentials', async () => {
    const { tm, seen } = setup(tokenOk, START + 59_000);
    expect(await tm.accessToken('c1', START + 30_000)).toBe('at_new_1');
    const r = seen[0]!;
    expect(r.method).toBe('POST');
    expect(r.url.href).toBe('http://auth.test/oauth2/token');
    expect(r.headers.get('content-type')).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(r.body))).toEqual({
      grant_type: 'refresh_token',
      refresh_token: 'rt_old',
    });
    expect(r.headers.get('authorization')).toBe(`Basic ${Buffer.from('cid:csecret').toString('base64')}`);
  });

  it('stores the rotated refresh token before the new access token is handed out', async () => {
    const events: string[] = [];
    const { tm, values } = setup(tokenOk, START - 1, {}, events);
    const token = await tm.accessToken('c1', START + 30_000);
    events.push(`use ${token}`);
    const putAt = events.indexOf(`put ${CONN}`);
    expect(putAt).toBeGreaterThan(events.findIndex((e) => e.startsWith('fetch /oauth2/token')));
    expect(putAt).toBeLessThan(events.indexOf('use at_new_1'));
    expect(ConnectionTokensSchema.parse(JSON.parse(values.get(CONN)!))).toEqual({
      accessToken: 'at_new_1',
      accessTokenExpiresAt: START + 3_600_000,
      refreshToken: 'rt_new_1',
    });
  });

  it('keeps the old refresh token when the response does not rotate it', async () => {
    const { tm, values } = setup(
      () => json(200, { access_token: 'at_x', expires_in: 60, token_type: 'Bearer' }),
      START - 1,
    );
    await tm.accessToken('c1', START + 30_000);
    expect(JSON.parse(values.get(CONN)!)).toMatchObject({ accessToken: 'at_x', refreshToken: 'rt_old' });
  });

  it('coalesces concurrent refreshes of one connection into ONE token call', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const { tm, seen } = setup(async () => {
      await gate;
      return tokenOk();
    }, START - 1);
    const all = Promise.all(Array.from({ length: 10 }, () => tm.accessToken('c1', START + 30_000)));
    await vi.advanceTimersByTimeAsync(0);
    release();
    expect(new Set(await all)).toEqual(new Set(['at_new_1']));
    expect(seen).toHaveLength(1);
  });

  it('two processes sharing a lock and store refresh once; the waiter re-reads the secret', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const a = setup(async () => {
      await gate;
      return tokenOk();
    }, START - 1);
    const lock: RefreshLock = a.deps.lock;
    // Process B waits on (fake) timers, so it polls while A's token call is still open.
    const b = createTokenManager({
      ...a.deps,
      lock,
      lockPollMs: 100,
      sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    });
    const pa = a.tm.accessToken('c1', START + 30_000);
    await vi.advanceTimersByTimeAsync(0);
    const pb = b.accessToken('c1', START + 30_000);
    await vi.advanceTimersByTimeAsync(350);
    release();
    expect(await pa).toBe('at_new_1');
    await vi.advanceTimersByTimeAsync(100);
    expect(await pb).toBe('at_new_1');
    expect(a.seen).toHaveLength(1);
  });

  it('after a 401, a token already refreshed by someone else is reused instead of refreshing again', async () => {
    const { tm, seen, values } = setup(tokenOk, START + 3_600_000);
    values.set(CONN, tokensAt(START + 3_600_000, 'at_from_other_lambda', 'rt_other'));
    expect(await tm.refreshAfterRejection('c1', 'at_old', START + 30_000)).toBe('at_from_other_lambda');
    expect(seen).toHaveLength(0);
    expect(await tm.refreshAfterRejection('c1', 'at_from_other_lambda', START + 30_000)).toBe('at_new_1');
  });

  it('gives up (bounded) when another holder never finishes', async () => {
    const lock: RefreshLock = { acquire: async () => undefined };
    const { tm, seen } = setup(tokenOk, START - 1, { lock, lockWaitMs: 1_000, lockPollMs: 100 });
    await expect(tm.accessToken('c1', START + 30_000)).rejects.toBeInstanceOf(FanvueUnavailableError);
    expect(seen).toHaveLength(0);
    expect(Date.now()).toBeLessThanOrEqual(START + 1_000);
  });

  it.each([
    [400, { error: 'invalid_grant' }],
    [401, { error: 'invalid_client' }],
  ])('token endpoint %i -> "connection revoked", one call, no retry, nothing stored', async (status, body) => {
    const { tm, seen, values, calls } = setup(() => json(status, body), START - 1);
    const err = (await tm.accessToken('c1', START + 30_000).catch((e: unknown) => e)) as Error;
    expect(err).toEqual(new FanvueAuthError('connection revoked: reconnect this model in Fanvue'));
    expect(seen).toHaveLength(1);
    expect(JSON.parse(values.get(CONN)!).refreshToken).toBe('rt_old');
    expect(JSON.stringify(calls)).not.toMatch(/rt_old|at_old|csecret/);
  });

  it('a connection without stored tokens is an auth error that says what to do', async () => {
    const { tm, values } = setup(tokenOk, START);
    values.delete(CONN);
    await expect(tm.accessToken('c1', START + 30_000)).rejects.toThrow(
      new FanvueAuthError('no tokens stored for this connection: connect this model in Fanvue'),
    );
  });
});

describe('in-memory refresh lock', () => {
  it('is exclusive until released or expired, and only the owner releases it', async () => {
    const lock = inMemoryRefreshLock({ now: () => Date.now() });
    const r1 = await lock.acquire('c', 1_000);
    expect(r1).toBeTypeOf('function');
    expect(await lock.acquire('c', 1_000)).toBeUndefined();
    expect(await lock.acquire('other', 1_000)).toBeTypeOf('function');
    vi.advanceTimersByTime(1_001);
    const r2 = await lock.acquire('c', 1_000);
    expect(r2).toBeTypeOf('function');
    await r1!();
    expect(await lock.acquire('c', 1_000)).toBeUndefined();
    await r2!();
    expect(await lock.acquire('c', 1_000)).toBeTypeOf('function');
  });
});
