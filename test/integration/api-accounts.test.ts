import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jwtVerifier } from '../../lambdas/adapters/auth/jwt-verifier';
import { createAccessKey } from '../../lambdas/adapters/dynamo/access-keys';
import { putAgency } from '../../lambdas/adapters/dynamo/agencies';
import { getMember, putMember } from '../../lambdas/adapters/dynamo/members';
import { DashboardResponseSchema } from '../../lambdas/domain/dashboard';
import { type ApiDeps, makeApiHandler as makeHandler } from '../../lambdas/handlers/api';
import { makeExportHandler } from '../../lambdas/handlers/export/export-handler';
import { VIEWER_AUTHORIZATION_HEADER } from '../../lambdas/shared/edge';
import { silentLogger } from '../../lambdas/shared/logger';
import { type DemoUser, LOCAL_CLIENT_ID, type LocalAuth, OTHER_CLIENT_ID, startLocalAuth } from '../../local/auth';
import { freshTables, type TestTables } from '../support/ddb';
import { signInOverHttp } from '../support/oidc';
import { apiEvent, memorySecrets, modelItem, putAll, recordingTrigger } from './api-fixtures';

/** Members signed in at the real local issuer (oidc-provider) and the API handler verifying their tokens. */

const SITE = 'http://127.0.0.1:9';
let t: TestTables;
let auth: LocalAuth;
let other: LocalAuth;
const tokens: Record<string, string> = {};
let ownerB: DemoUser;
let keyOfB: string;
let keyIdOfB: string;

function deps(over: Partial<ApiDeps> = {}): ApiDeps & { trigger: ReturnType<typeof recordingTrigger> } {
  return {
    doc: t.doc,
    tables: { control: t.names.control, totals: t.names.totals },
    clock: { now: () => Date.now() },
    logger: silentLogger,
    config: { syncIntervalMs: 600_000, liveWithinMs: 1_320_000, cronSecretId: 'cron' },
    secrets: memorySecrets({ cron: 'cron' }),
    trigger: recordingTrigger(),
    auth: { verifier: auth.verifier, directory: auth.accounts },
    ...over,
  } as ApiDeps & { trigger: ReturnType<typeof recordingTrigger> };
}

async function call(
  d: ApiDeps,
  method: string,
  path: string,
  token: string | undefined,
  body?: unknown,
): Promise<APIGatewayProxyStructuredResultV2 & { json: () => Record<string, unknown> }> {
  const res = (await makeHandler(d)(
    apiEvent(method, path, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
      ...(body !== undefined && { body: JSON.stringify(body) }),
    }),
  )) as APIGatewayProxyStructuredResultV2;
  return { ...res, json: () => JSON.parse(String(res.body)) as Record<string, unknown> };
}

const signIn = (a: LocalAuth, u: { email: string; password: string }, clientId = LOCAL_CLIENT_ID) =>
  signInOverHttp({
    issuer: a.issuer.issuer,
    clientId,
    redirectUri: clientId === LOCAL_CLIENT_ID ? `${SITE}/auth/callback` : `${SITE}/other-app`,
    ...u,
  }).then((r) => r.idToken);

/** Every write route, with a body that would be accepted from an owner. */
const writes = (memberId: string, keyId: string) =>
  [
    ['POST', '/api/models/m-a1/sync', undefined],
    ['POST', '/api/members', { email: 'new@ag-a.test', role: 'viewer' }],
    ['DELETE', `/api/members/${memberId}`, undefined],
    ['POST', '/api/access-keys', { label: 'wall' }],
    ['DELETE', `/api/access-keys/${keyId}`, undefined],
  ] as const;

beforeAll(async () => {
  t = await freshTables();
  await putAgency(t.doc, t.names.control, { agencyId: 'ag-a', name: 'Acme Talent' });
  await putAgency(t.doc, t.names.control, { agencyId: 'ag-b', name: 'Other Agency' });
  await putAll(t.doc, t.names.control, [
    modelItem({ modelId: 'm-a1', agencyId: 'ag-a', displayName: 'Aria' }),
    modelItem({ modelId: 'm-b1', agencyId: 'ag-b', displayName: 'Zed' }),
  ]);
  auth = await startLocalAuth({
    doc: t.doc,
    controlTable: t.names.control,
    siteUrl: SITE,
    agencyId: 'ag-a',
    domain: 'ag-a.test',
  });
  ownerB = await auth.addMember('ag-b', 'owner@ag-b.test', 'owner');
  ({
    key: keyOfB,
    accessKey: { keyId: keyIdOfB },
  } = await createAccessKey(t.doc, t.names.control, 'ag-b', 'wall'));
  for (const u of [...auth.demoUsers, ownerB]) tokens[u.email] = await signIn(auth, u);
  // A second issuer, with members of its own in the table: only its signature and `iss` give it away.
  other = await startLocalAuth({
    doc: t.doc,
    controlTable: t.names.control,
    siteUrl: SITE,
    agencyId: 'ag-z',
    domain: 'ag-z.test',
  });
}, 60_000);

afterAll(async () => {
  await auth?.issuer.stop();
  await other?.issuer.stop();
});

const user = (role: string) => {
  const u = auth.demoUsers.find((d) => d.role === role);
  if (!u) throw new Error(role);
  return { ...u, token: tokens[u.email] ?? '' };
};

describe('signed-in members', () => {
  it('read their own agency only, with the role and permissions the claims and member record give', async () => {
    for (const role of ['owner', 'admin', 'viewer'] as const) {
      const res = await call(deps(), 'GET', '/api/dashboard', user(role).token);
      expect(res.statusCode, role).toBe(200);
      const body = DashboardResponseSchema.parse(res.json());
      expect(body.agency.id).toBe('ag-a');
      expect(body.models.map((m) => m.modelId)).toEqual(['m-a1']);
    }
    expect((await call(deps(), 'GET', '/api/me', user('admin').token)).json()).toEqual({
      agency: { id: 'ag-a', name: 'Acme Talent' },
      kind: 'member',
      email: 'admin@ag-a.test',
      role: 'admin',
      permissions: ['read', 'sync', 'connect'],
    });
    expect((await call(deps(), 'GET', '/api/me', user('viewer').token)).json().permissions).toEqual(['read']);
  });

  it("answers 404 for another agency's model, member and access key, and changes nothing", async () => {
    const d = deps();
    const owner = user('owner').token;
    expect((await call(d, 'POST', '/api/models/m-b1/sync', owner)).statusCode).toBe(404);
    expect((await call(d, 'DELETE', `/api/members/${ownerB.userId}`, owner)).statusCode).toBe(404);
    expect((await call(d, 'DELETE', `/api/access-keys/${keyIdOfB}`, owner)).statusCode).toBe(404);
    expect(d.trigger.calls).toEqual([]);
    expect(await getMember(t.doc, t.names.control, 'ag-b', ownerB.userId)).toBeDefined();
    expect((await call(d, 'GET', '/api/key/dashboard', keyOfB)).statusCode).toBe(200);
    const members = (await call(d, 'GET', '/api/members', owner)).json().members as { email: string }[];
    expect(members.map((m) => m.email)).toEqual(['admin@ag-a.test', 'owner@ag-a.test', 'viewer@ag-a.test']);
    // B's owner sees B, never A.
    const b = DashboardResponseSchema.parse((await call(d, 'GET', '/api/dashboard', tokens[ownerB.email])).json());
    expect(b.models.map((m) => m.modelId)).toEqual(['m-b1']);
  });

  it('answers 403 to a viewer on every write, and to an admin on members and keys; nothing is changed', async () => {
    const d = deps();
    const owner = user('owner');
    for (const [method, path, body] of writes(owner.userId, 'any-key-id')) {
      const res = await call(d, method, path, user('viewer').token, body);
      expect(res.statusCode, `${method} ${path}`).toBe(403);
      expect(res.json().error).toBe('a viewer may not do this');
    }
    for (const [method, path, body] of writes(owner.userId, 'any-key-id').slice(1)) {
      expect((await call(d, method, path, user('admin').token, body)).statusCode, `${method} ${path}`).toBe(403);
    }
    expect((await call(d, 'GET', '/api/members', user('viewer').token)).statusCode).toBe(403);
    expect((await call(d, 'POST', '/api/models/m-a1/sync', user('admin').token)).statusCode).toBe(202);
    expect(d.trigger.calls).toEqual([{ kind: 'model', modelId: 'm-a1', reason: 'dashboard' }]);
    expect(auth.accounts.outbox).toEqual([]);
  });

  it('answers 401 to expired, tampered, wrong-audience, foreign-issuer and unsigned tokens on every member route', async () => {
    const good = user('owner').token;
    const [head, payload, sig] = good.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const reencode = (c: Record<string, unknown>) => Buffer.from(JSON.stringify(c)).toString('base64url');
    const tampered = `${head}.${reencode({ ...claims, 'custom:agency': 'ag-b' })}.${sig}`;
    const unsigned = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${payload}.`;
    const wrongAudience = await signIn(auth, user('owner'), OTHER_CLIENT_ID);
    const foreign = await signIn(other, other.demoUsers[0] as DemoUser);
    const expiredDeps = deps({
      auth: {
        verifier: jwtVerifier({
          issuer: auth.issuer.issuer,
          audience: [LOCAL_CLIENT_ID],
          clock: { now: () => Number(claims.exp) * 1000 + 1 },
        }),
        directory: auth.accounts,
      },
    });
    const routes = [
      ['GET', '/api/dashboard', undefined],
      ['GET', '/api/me', undefined],
      ['GET', '/api/members', undefined],
      ...writes('x', 'y'),
    ] as const;
    for (const [method, path, body] of routes) {
      for (const [name, d, token] of [
        ['expired', expiredDeps, good],
        ['tampered', deps(), tampered],
        ['unsigned', deps(), unsigned],
        ['wrong audience', deps(), wrongAudience],
        ['foreign issuer', deps(), foreign],
        ['none', deps(), undefined],
      ] as const) {
        const res = await call(d, method, path, token, body);
        expect(res.statusCode, `${name}: ${method} ${path}`).toBe(401);
      }
    }
    // The same token a second before it expires is fine.
    const justInTime = deps({
      auth: {
        verifier: jwtVerifier({
          issuer: auth.issuer.issuer,
          audience: [LOCAL_CLIENT_ID],
          clock: { now: () => Number(claims.exp) * 1000 - 1000 },
        }),
        directory: auth.accounts,
      },
    });
    expect((await call(justInTime, 'GET', '/api/dashboard', good)).statusCode).toBe(200);
  });

  it('lets the member table lower a role before the token expires', async () => {
    const admin = user('admin');
    await putMember(t.doc, t.names.control, {
      agencyId: 'ag-a',
      userId: admin.userId,
      email: admin.email,
      role: 'viewer',
      addedAt: new Date().toISOString(),
    });
    expect((await call(deps(), 'POST', '/api/models/m-a1/sync', admin.token)).statusCode).toBe(403);
    await putMember(t.doc, t.names.control, {
      agencyId: 'ag-a',
      userId: admin.userId,
      email: admin.email,
      role: 'admin',
      addedAt: new Date().toISOString(),
    });
    expect((await call(deps(), 'POST', '/api/models/m-a1/sync', admin.token)).statusCode).toBe(202);
  });
});

describe('owners manage members', () => {
  it('invite a member who then signs in with the invitation; a removed member is refused on the next request', async () => {
    const d = deps();
    const owner = user('owner').token;
    const invited = await call(d, 'POST', '/api/members', owner, { email: ' New.Viewer@AG-A.test ', role: 'viewer' });
    expect(invited.statusCode).toBe(201);
    const member = invited.json().member as { userId: string; email: string; role: string };
    expect(member).toMatchObject({ email: 'new.viewer@ag-a.test', role: 'viewer', invitedBy: user('owner').userId });
    const mail = auth.accounts.outbox.find((m) => m.to === 'new.viewer@ag-a.test');
    expect(mail).toBeDefined();
    const token = await signIn(auth, { email: member.email, password: mail?.temporaryPassword ?? '' });
    expect((await call(d, 'GET', '/api/dashboard', token)).statusCode).toBe(200);
    expect(
      (await call(d, 'POST', '/api/members', owner, { email: 'new.viewer@ag-a.test', role: 'admin' })).statusCode,
    ).toBe(409);
    for (const bad of [{ email: 'nope', role: 'viewer' }, { email: 'a@b.test', role: 'god' }, { email: 'a@b.test' }]) {
      expect((await call(d, 'POST', '/api/members', owner, bad)).statusCode).toBe(400);
    }

    expect((await call(d, 'DELETE', `/api/members/${member.userId}`, owner)).statusCode).toBe(204);
    const refused = await call(d, 'GET', '/api/dashboard', token);
    expect(refused.statusCode).toBe(401);
    expect(refused.json().error).toBe('you are no longer a member of this agency');
    await expect(signIn(auth, { email: member.email, password: mail?.temporaryPassword ?? '' })).rejects.toThrow(
      /refused/,
    );
    expect((await call(d, 'DELETE', `/api/members/${user('owner').userId}`, owner)).statusCode).toBe(400);
  });
});

describe('access keys', () => {
  it('are created once (shown once), listed without the key, read-only, and refused once revoked', async () => {
    const d = deps();
    const owner = user('owner').token;
    const created = await call(d, 'POST', '/api/access-keys', owner, { label: 'Office wall' });
    expect(created.statusCode).toBe(201);
    expect(created.headers?.['cache-control']).toBe('no-store');
    const { key, keyId } = created.json() as { key: string; keyId: string };
    const listed = (await call(d, 'GET', '/api/access-keys', owner)).json().keys as Record<string, unknown>[];
    expect(listed).toEqual([{ keyId, label: 'Office wall', createdAt: expect.any(String) }]);
    expect(JSON.stringify(listed)).not.toContain(key);

    const read = await call(d, 'GET', '/api/key/dashboard', key);
    expect(DashboardResponseSchema.parse(read.json()).agency.id).toBe('ag-a');
    expect((await call(d, 'GET', '/api/me', key)).json()).toMatchObject({ kind: 'key', permissions: ['read'] });
    for (const [method, path, body] of writes(user('viewer').userId, keyId)) {
      expect((await call(d, method, path, key, body)).statusCode, `${method} ${path}`).toBe(401);
    }
    // A sign-in token is not an access key.
    expect((await call(d, 'GET', '/api/key/dashboard', owner)).statusCode).toBe(401);

    expect((await call(d, 'DELETE', `/api/access-keys/${keyId}`, owner)).statusCode).toBe(204);
    expect((await call(d, 'GET', '/api/key/dashboard', key)).statusCode).toBe(401);
    expect((await call(d, 'GET', '/api/access-keys', owner)).json().keys).toEqual([]);
    expect(d.trigger.calls).toEqual([]);
  });
});

describe('members on the export function (streamed CSV, its own token check)', () => {
  const exportAs = async (path: string, token: string) => {
    const handler = makeExportHandler({
      doc: t.doc,
      tables: t.names,
      clock: { now: () => Date.now() },
      logger: silentLogger,
      auth: { verifier: auth.verifier },
    });
    const res = await handler(apiEvent('GET', path, { headers: { [VIEWER_AUTHORIZATION_HEADER]: `Bearer ${token}` } }));
    if (!('stream' in res)) return { status: res.statusCode, csv: '' };
    let csv = '';
    await res.stream({
      write: async (text) => {
        csv += text;
      },
    });
    return { status: res.statusCode, csv };
  };

  it('verifies the token as the API does: own agency only, 404 for another agency, 401 for a bad token', async () => {
    const owner = user('owner').token;
    const viewer = user('viewer').token;
    const mine = await exportAs('/api/export/models/m-a1/transactions.csv', viewer);
    expect(mine.status).toBe(200);
    expect(mine.csv.startsWith('date_utc,')).toBe(true);
    expect((await exportAs('/api/export/daily.csv', owner)).status).toBe(200);
    expect((await exportAs('/api/export/models/m-b1/transactions.csv', owner)).status).toBe(404);
    expect((await exportAs('/api/export/models/m-b1/transactions.csv', tokens[ownerB.email] ?? '')).status).toBe(200);
    const [head, payload, sig] = owner.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const tampered = `${head}.${Buffer.from(JSON.stringify({ ...claims, 'custom:agency': 'ag-b' })).toString('base64url')}.${sig}`;
    const foreign = await signIn(other, other.demoUsers[0] as DemoUser);
    const wrongAudience = await signIn(auth, user('owner'), OTHER_CLIENT_ID);
    for (const token of [tampered, foreign, wrongAudience])
      expect((await exportAs('/api/export/models/m-a1/transactions.csv', token)).status).toBe(401);
  });
});
