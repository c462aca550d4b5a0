import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoModelStore } from '../../lambdas/adapters/dynamo/model-store';
import { DashboardResponseSchema } from '../../lambdas/domain/dashboard';
import { LOCAL_CLIENT_ID } from '../../local/auth';
import { consoleLogger } from '../../local/console-logger';
import { type LocalStack, startLocalStack } from '../../local/stack';
import { sharedDynamoDb } from '../support/ddb';
import { signInOverHttp } from '../support/oidc';

/**
 * Connecting Fanvue from the dashboard's API, end to end on the local stack: the simulator's
 * authorize and token endpoints, the local secret store, DynamoDB Local, real sign-in tokens.
 */

let s: LocalStack;
const token: Record<string, string> = {};

async function api(who: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${s.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token[who]}`, 'content-type': 'application/json' },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
}

/** Starts a connection and follows Fanvue's consent redirect (the simulator approves at once): code and state. */
async function authorizeAtFanvue(who: string, connectionId?: string) {
  const started = await api(who, 'POST', '/api/connections/fanvue/start', connectionId ? { connectionId } : {});
  expect(started.status).toBe(201);
  const res = await fetch(String(started.body.authorizeUrl), { redirect: 'manual' });
  expect(res.status).toBe(302);
  const back = new URL(res.headers.get('location') ?? '');
  expect(`${back.origin}${back.pathname}`).toBe(`${s.url}/connect/fanvue/callback`);
  return {
    connectionId: String(started.body.connectionId),
    code: back.searchParams.get('code') ?? '',
    state: back.searchParams.get('state') ?? '',
  };
}

beforeAll(async () => {
  s = await startLocalStack({
    ...sharedDynamoDb('connect'),
    demoModels: false,
    liveEveryMs: 0,
    webhooks: false,
    simulator: { creators: 3, history: 30 },
    logger: consoleLogger(false),
  });
  const other = await s.auth.addMember('other-agency', 'owner@other.test', 'owner');
  const users = [...s.auth.demoUsers, other];
  for (const u of users) {
    token[u.role === 'owner' && u.email.endsWith('other.test') ? 'foreign' : u.role] = (
      await signInOverHttp({
        issuer: s.auth.issuer.issuer,
        clientId: LOCAL_CLIENT_ID,
        redirectUri: `${s.url}/auth/callback`,
        email: u.email,
        password: u.password,
      })
    ).idToken;
  }
}, 120_000);

afterAll(async () => {
  await s?.stop();
});

describe('connecting Fanvue from the dashboard', () => {
  let connectionId = '';
  let picked: string[] = [];

  it('refuses a forged state, a callback for another agency or user, and a viewer; nothing is stored', async () => {
    const flow = await authorizeAtFanvue('owner');
    const forged = await api('owner', 'POST', '/api/connections/fanvue/callback', {
      code: flow.code,
      state: 'x'.repeat(43),
    });
    expect(forged.status).toBe(400);
    expect(forged.body.error).toMatch(/unknown or was already used/);
    for (const who of ['foreign', 'admin']) {
      const res = await api(who, 'POST', '/api/connections/fanvue/callback', { code: flow.code, state: flow.state });
      expect(res.status, `${who} ${JSON.stringify(res.body)}`).toBe(403);
      expect(res.body.error).toMatch(/started by another account\. .*Nothing was changed/);
    }
    for (const [method, path, body] of [
      ['POST', '/api/connections/fanvue/start', {}],
      ['POST', '/api/connections/fanvue/callback', { code: flow.code, state: flow.state }],
      ['POST', `/api/connections/${flow.connectionId}/models`, { creatorUuids: ['x'] }],
      ['POST', '/api/models/x/disconnect', undefined],
    ] as const) {
      expect((await api('viewer', method, path, body)).status, path).toBe(403);
    }
    await expect(s.secrets.get(`fanvue/connection/${flow.connectionId}`)).rejects.toThrow();
    // The owner's own authorization is still good after all that.
    const ok = await api('owner', 'POST', '/api/connections/fanvue/callback', { code: flow.code, state: flow.state });
    expect(ok.status).toBe(200);
    connectionId = String(ok.body.connectionId);
    const creators = ok.body.creators as { uuid: string; displayName: string; model: unknown }[];
    expect(creators.map((c) => c.uuid).sort()).toEqual(s.sim.creators.map((c) => c.uuid).sort());
    expect(creators.every((c) => c.model === null)).toBe(true);
    expect(JSON.parse(await s.secrets.get(`fanvue/connection/${connectionId}`))).toHaveProperty('refreshToken');

    // Replaying the same callback: refused, nothing new.
    const replay = await api('owner', 'POST', '/api/connections/fanvue/callback', {
      code: flow.code,
      state: flow.state,
    });
    expect(replay.status).toBe(400);
    expect(replay.body.error).toMatch(/unknown or was already used/);
  });

  it('registers the chosen creators as models and their first sync fills in the revenue', async () => {
    picked = s.sim.creators.slice(0, 2).map((c) => c.uuid);
    const notManaged = await api('admin', 'POST', `/api/connections/${connectionId}/models`, {
      creatorUuids: ['nope'],
    });
    expect(notManaged.status).toBe(400);
    const added = await api('admin', 'POST', `/api/connections/${connectionId}/models`, { creatorUuids: picked });
    expect(added.status).toBe(201);
    expect((added.body.models as { modelId: string }[]).map((m) => m.modelId).sort()).toEqual([...picked].sort());
    const expected = picked.flatMap((u) => s.sim.rows(u)).reduce((sum, r) => sum + r.gross, 0);
    await expect
      .poll(
        async () =>
          DashboardResponseSchema.parse((await api('viewer', 'GET', '/api/dashboard')).body)
            .models.map((m) => m.totals.gross)
            .reduce((a, b) => a + b, 0),
        { timeout: 30_000, interval: 200 },
      )
      .toBe(expected);
    const list = await api('admin', 'GET', '/api/connections');
    expect(list.body.connections).toEqual([
      expect.objectContaining({
        connectionId,
        needsReconnect: false,
        models: expect.arrayContaining([expect.objectContaining({ modelId: picked[0], enabled: true })]),
      }),
    ]);
  });

  it('disconnecting a model stops its syncs and keeps its history; enabling it continues', async () => {
    const modelId = picked[0] ?? '';
    const models = dynamoModelStore(s.doc, s.tables.control);
    expect((await api('admin', 'POST', `/api/models/${modelId}/disconnect`)).status).toBe(200);
    const before = await models.get(modelId);
    s.sim.addRow(modelId, { gross: 5_000, net: 4_000, source: 'tip' });
    await s.cycle('test');
    const after = await models.get(modelId);
    expect(after?.enabled).toBe(false);
    expect(after?.lastSyncStartedAt).toBe(before?.lastSyncStartedAt);
    expect(after?.rowsWritten).toBe(before?.rowsWritten);
    expect((await api('foreign', 'POST', `/api/models/${modelId}/enable`)).status).toBe(404);
    expect((await api('admin', 'POST', `/api/models/${modelId}/enable`)).status).toBe(200);
    await expect
      .poll(async () => (await models.get(modelId))?.rowsWritten, { timeout: 30_000, interval: 200 })
      .toBe((before?.rowsWritten ?? 0) + 1);
  });

  it('refuses a reused code (Fanvue revokes what it issued for it), with a clear message and nothing stored', async () => {
    const first = await authorizeAtFanvue('owner');
    expect(
      (await api('owner', 'POST', '/api/connections/fanvue/callback', { code: first.code, state: first.state })).status,
    ).toBe(200);
    const second = await authorizeAtFanvue('owner');
    const reused = await api('owner', 'POST', '/api/connections/fanvue/callback', {
      code: first.code,
      state: second.state,
    });
    expect(reused.status).toBe(400);
    expect(reused.body.error).toMatch(/Fanvue refused this authorization/);
    await expect(s.secrets.get(`fanvue/connection/${second.connectionId}`)).rejects.toThrow();
  });
});
