import { afterEach, describe, expect, it } from 'vitest';
import { dynamoModelStore } from '../../lambdas/adapters/dynamo/model-store';
import { fanvueClientFromEnv } from '../../lambdas/adapters/fanvue/config';
import { exchangeAuthorizationCode } from '../../lambdas/adapters/fanvue/oauth/authorize';
import { inMemoryRefreshLock } from '../../lambdas/adapters/fanvue/oauth/refresh-lock';
import { ConnectionTokensSchema } from '../../lambdas/adapters/fanvue/schema';
import { connectAgency } from '../../lambdas/domain/connect';
import { silentLogger } from '../../lambdas/shared/logger';
import { runAuthorizeFlow } from '../../local/authorize-flow';
import { type SyncHarness, startSyncHarness } from '../support/sync-harness';

let h: SyncHarness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

/** A "browser" that approves the consent screen and follows the redirect back to the callback. */
const approve = async (url: string) => {
  const consent = await fetch(url, { redirect: 'manual' });
  expect(consent.status).toBe(302);
  const back = await fetch(consent.headers.get('location')!);
  expect(back.status).toBe(200);
};

describe('connecting a Fanvue account (authorization code + PKCE)', () => {
  it('stores the tokens, which then list the agency creators and sync them', async () => {
    h = await startSyncHarness({ creators: 2, history: 8 });
    const creds = { clientId: h.sim.clientId, clientSecret: h.sim.clientSecret };
    let shown = '';
    await runAuthorizeFlow({
      authBaseUrl: h.sim.authBaseUrl,
      creds,
      secrets: h.secrets,
      secretId: 'fanvue/connection/agency-new',
      port: 0,
      open: async (url) => {
        shown = url;
        await approve(url);
      },
    });
    expect(new URL(shown).searchParams.get('code_challenge_method')).toBe('S256');
    expect(new URL(shown).searchParams.get('scope')).toContain('offline_access');
    const tokens = ConnectionTokensSchema.parse(JSON.parse(await h.secrets.get('fanvue/connection/agency-new')));
    expect(tokens.refreshToken).toBeTruthy();

    const client = fanvueClientFromEnv(h.env, {
      secrets: h.secrets,
      lock: inMemoryRefreshLock(),
      logger: silentLogger,
    });
    const result = await connectAgency(
      client.listCreators('agency-new'),
      dynamoModelStore(h.tables.doc, h.tables.names.control),
      { agencyId: 'new', connectionId: 'agency-new' },
    );
    expect(result.models.map((m) => m.modelId).sort()).toEqual(h.sim.creators.map((c) => c.uuid).sort());
    const first = h.sim.creators[0]!.uuid;
    expect(await h.sync({ modelId: first })).toMatchObject({ status: 'ok', rowsWritten: 8 });
  });

  it('refuses a callback with a wrong state and stores nothing', async () => {
    h = await startSyncHarness({ creators: 1, history: 1 });
    const flow = runAuthorizeFlow({
      authBaseUrl: h.sim.authBaseUrl,
      creds: { clientId: h.sim.clientId, clientSecret: h.sim.clientSecret },
      secrets: h.secrets,
      secretId: 'fanvue/connection/forged',
      port: 0,
      open: async (url) => {
        const consent = await fetch(url, { redirect: 'manual' });
        const forged = new URL(consent.headers.get('location')!);
        forged.searchParams.set('state', 'attacker-state');
        expect((await fetch(forged)).status).toBe(400);
      },
    });
    await expect(flow).rejects.toThrow(/wrong state/);
    await expect(h.secrets.get('fanvue/connection/forged')).rejects.toThrow();
  });

  it('the simulator, like Fanvue, refuses a code with the wrong PKCE verifier or used twice', async () => {
    h = await startSyncHarness({ creators: 1, history: 1 });
    const creds = { clientId: h.sim.clientId, clientSecret: h.sim.clientSecret };
    const redirectUri = 'http://127.0.0.1:9/callback';
    const challengeFor = async (verifier: string) =>
      (await import('node:crypto')).createHash('sha256').update(verifier).digest('base64url');
    const verifier = 'v'.repeat(60);
    const auth = new URL('/oauth2/auth', h.sim.authBaseUrl);
    auth.search = new URLSearchParams({
      response_type: 'code',
      client_id: creds.clientId,
      redirect_uri: redirectUri,
      state: 's',
      code_challenge: await challengeFor(verifier),
      code_challenge_method: 'S256',
    }).toString();
    const code = new URL((await fetch(auth, { redirect: 'manual' })).headers.get('location')!).searchParams.get(
      'code',
    )!;
    await expect(
      exchangeAuthorizationCode({
        authBaseUrl: h.sim.authBaseUrl,
        creds,
        code,
        redirectUri,
        verifier: 'w'.repeat(60),
        now: Date.now(),
      }),
    ).rejects.toThrow(/rejected/);
    await expect(
      exchangeAuthorizationCode({
        authBaseUrl: h.sim.authBaseUrl,
        creds,
        code,
        redirectUri,
        verifier,
        now: Date.now(),
      }),
    ).rejects.toThrow(/rejected/);
    auth.searchParams.set('code_challenge_method', 'plain');
    expect((await fetch(auth, { redirect: 'manual' })).status).toBe(400);
  });
});
