import { afterEach, describe, expect, it } from 'vitest';
import { dynamoRefreshLock } from '../../lambdas/adapters/dynamo/refresh-lock';
import { createFanvueClient, type FanvueClient, type FanvueClientDeps } from '../../lambdas/adapters/fanvue/client';
import {
  BudgetExceededError,
  FanvueAuthError,
  FanvueContractError,
  FanvueRateLimitError,
} from '../../lambdas/adapters/fanvue/errors';
import { inMemoryRefreshLock } from '../../lambdas/adapters/fanvue/oauth/refresh-lock';
import type { EarningRow } from '../../lambdas/adapters/fanvue/schema';
import { localSecretStore } from '../../lambdas/adapters/secrets';
import type { RefreshLock } from '../../lambdas/domain/connection-ports';
import type { SecretStore } from '../../lambdas/domain/ports';
import { silentLogger } from '../../lambdas/shared/logger';
import { createFanvueSimulator, type FanvueSimulator, type FanvueSimulatorOptions } from '../../local/fanvue-simulator';
import { freshTables } from '../support/ddb';

const CLIENT_SECRET_ID = 'fanvue/client';
const secretId = (connectionId: string) => `fanvue/connections/${connectionId}`;

const running: FanvueSimulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()));
});

/** A simulator, a secret store seeded like a finished OAuth consent, and a client factory. */
async function world(options: FanvueSimulatorOptions = {}) {
  const sim = await createFanvueSimulator({ seed: 7, creators: 3, history: 120, ...options });
  running.push(sim);
  const conn = sim.createConnection({ agency: true });
  const secrets = localSecretStore({
    initial: {
      [CLIENT_SECRET_ID]: JSON.stringify({ clientId: sim.clientId, clientSecret: sim.clientSecret }),
      [secretId('agency')]: JSON.stringify({ refreshToken: conn.refreshToken }),
    },
  });
  const client = (over: Partial<FanvueClientDeps> = {}): FanvueClient =>
    createFanvueClient({
      apiBaseUrl: sim.baseUrl,
      authBaseUrl: sim.authBaseUrl,
      secrets,
      clientCredentialsSecretId: CLIENT_SECRET_ID,
      connectionSecretId: secretId,
      lock: inMemoryRefreshLock(),
      logger: silentLogger,
      ...over,
    });
  return { sim, conn, secrets, client };
}

const windowReq = (creatorUuid: string, over: Partial<Parameters<FanvueClient['readPage']>[0]> = {}) => ({
  connectionId: 'agency',
  creatorUuid,
  startDate: '2000-01-01T00:00:00.000Z',
  endDate: new Date(Date.now() + 86_400_000).toISOString(),
  size: 7,
  deadline: Date.now() + 30_000,
  ...over,
});

async function storedRefreshToken(secrets: SecretStore): Promise<string> {
  return (JSON.parse(await secrets.get(secretId('agency'))) as { refreshToken: string }).refreshToken;
}

describe('fanvue client against the simulator', () => {
  it('lists the agency creators and pages through a creator history, every row exactly once', async () => {
    const { sim, client } = await world();
    const fanvue = client();
    const creators: string[] = [];
    for await (const c of fanvue.listCreators('agency', { size: 2 })) creators.push(c.uuid);
    expect(creators).toEqual(sim.creators.map((c) => c.uuid));

    const uuid = creators[1]!;
    const got: EarningRow[] = [];
    let pages = 0;
    for await (const page of fanvue.pages(windowReq(uuid))) {
      pages += 1;
      got.push(...page.data);
    }
    const byId = (a: EarningRow, b: EarningRow) =>
      (a.transactionOrderId ?? '').localeCompare(b.transactionOrderId ?? '');
    const expected = sim.rows(uuid);
    expect(pages).toBeGreaterThan(10);
    expect(new Set(got.map((r) => r.transactionOrderId)).size).toBe(expected.length);
    expect(got).toHaveLength(expected.length);
    expect([...got].sort(byId)).toEqual([...expected].sort(byId));
  });

  it('refreshes on an expired access token and stores each rotated refresh token', async () => {
    const { sim, conn, secrets, client } = await world();
    const fanvue = client();
    const uuid = sim.creators[0]!.uuid;
    await fanvue.readPage(windowReq(uuid));
    const afterFirst = await storedRefreshToken(secrets);
    expect(afterFirst).not.toBe(conn.refreshToken);

    sim.expireAccessTokens();
    sim.resetStats();
    const page = await fanvue.readPage(windowReq(uuid));
    expect(page.data.length).toBeGreaterThan(0);
    expect(sim.stats().byRoute.token).toBe(1);
    expect(sim.stats().byStatus['401']).toBe(1);
    const afterSecond = await storedRefreshToken(secrets);
    expect(afterSecond).not.toBe(afterFirst);
  });

  it('two Lambdas sharing the DynamoDB lock and the secret store refresh once, without reuse detection', async () => {
    const { sim, client } = await world({ latencyMs: 150 });
    const { doc, names } = await freshTables();
    const lock = dynamoRefreshLock({ doc, tableName: names.control });
    const lambdaA = client({ lock, oauth: { lockPollMs: 50 } });
    const lambdaB = client({ lock, oauth: { lockPollMs: 50 } });
    const uuids = sim.creators.map((c) => c.uuid);
    const reads = [lambdaA, lambdaB].flatMap((fanvue) => uuids.map((u) => fanvue.readPage(windowReq(u))));
    const pages = await Promise.all(reads);
    expect(pages.every((p) => p.data.length > 0)).toBe(true);
    expect(sim.stats().byRoute.token).toBe(1);

    sim.expireAccessTokens();
    const again = await Promise.all(
      [lambdaA, lambdaB].flatMap((fanvue) => uuids.map((u) => fanvue.readPage(windowReq(u)))),
    );
    expect(again).toHaveLength(6);
    expect(sim.stats().byRoute.token).toBe(2);
    expect(sim.stats().byStatus['400'] ?? 0).toBe(0);
  });

  it('control: without a shared lock the same race triggers reuse detection and revokes the connection', async () => {
    const { sim, client } = await world({ latencyMs: 150 });
    const noLock: RefreshLock = { acquire: async () => async () => undefined };
    const uuid = sim.creators[0]!.uuid;
    const results = await Promise.allSettled([
      client({ lock: noLock }).readPage(windowReq(uuid)),
      client({ lock: noLock }).readPage(windowReq(uuid)),
    ]);
    expect(results.some((r) => r.status === 'rejected' && r.reason instanceof FanvueAuthError)).toBe(true);
  });

  it('a 429 storm is waited out within the budget, with Retry-After capped', async () => {
    const { sim, client } = await world();
    const fanvue = client({ retry: { maxWaitMs: 300 } });
    const uuid = sim.creators[0]!.uuid;
    await fanvue.readPage(windowReq(uuid));
    sim.rateLimitStorm({ retryAfterSeconds: 30, count: 2 });
    const started = Date.now();
    const page = await fanvue.readPage(windowReq(uuid, { deadline: started + 5_000 }));
    expect(page.data.length).toBeGreaterThan(0);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('a 429 storm near the deadline ends with BudgetExceededError or FanvueRateLimitError before the deadline', async () => {
    const { sim, client } = await world();
    const fanvue = client();
    const uuid = sim.creators[0]!.uuid;
    await fanvue.readPage(windowReq(uuid));
    sim.rateLimitStorm({ retryAfterSeconds: 5 });
    const started = Date.now();
    const deadline = started + 3_000;
    const err = await fanvue.readPage(windowReq(uuid, { deadline })).catch((e: unknown) => e);
    expect(err instanceof FanvueRateLimitError || err instanceof BudgetExceededError).toBe(true);
    expect(Date.now()).toBeLessThan(deadline);
  });

  it('a malformed page is a FanvueContractError naming the field', async () => {
    const { sim, client } = await world();
    const uuid = sim.creators[2]!.uuid;
    sim.malformNextPage(uuid, 'grossString');
    await expect(client().readPage(windowReq(uuid))).rejects.toThrow(FanvueContractError);
    sim.malformNextPage(uuid, 'grossString');
    await expect(client().readPage(windowReq(uuid))).rejects.toThrow(/earnings page: data\[0\]\.gross: /);
  });

  it('a revoked connection is a FanvueAuthError asking to reconnect, with no token in the message', async () => {
    const { sim, conn, secrets, client } = await world();
    const fanvue = client();
    const uuid = sim.creators[0]!.uuid;
    await fanvue.readPage(windowReq(uuid));
    expect(sim.revokeConnection(conn.refreshToken)).toBe(true);
    const err = (await fanvue.readPage(windowReq(uuid)).catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(FanvueAuthError);
    expect(err.message).toBe('connection revoked: reconnect this model in Fanvue');
    expect(err.message).not.toContain(await storedRefreshToken(secrets));
  });
});
