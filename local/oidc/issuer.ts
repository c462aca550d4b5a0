import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { exportJWK, generateKeyPair } from 'jose';
import type { ClientMetadata, Configuration, KoaContextWithOIDC } from 'oidc-provider';
import type { LocalAccounts } from './accounts';
import { loadOidcProvider } from './load-provider';
import { memoryAdapter } from './memory-adapter';
import { loggedOutPage, loginPage, logoutPage } from './pages';

/**
 * A local OpenID Connect issuer on loopback, built on `oidc-provider`: the
 * authorization code flow with PKCE (S256, required), RS256 ID tokens with the
 * same claims Cognito puts in them (`email`, `custom:agency`, `custom:role`),
 * discovery, JWKS and RP-initiated sign-out. Only the sign-in page is ours.
 */

export interface LocalIssuerOptions {
  accounts: LocalAccounts;
  /** The dashboard's public client: id and its redirect (and post-sign-out) URIs. */
  client: { clientId: string; redirectUris: string[]; postLogoutRedirectUris: string[] };
  /** Other public clients (tests use one to get a token for the wrong audience). */
  extraClients?: { clientId: string; redirectUris: string[] }[];
  /** 0 picks a free port. @default 0 */
  port?: number;
  /** ID token lifetime in seconds. @default 3600 */
  idTokenTtlSeconds?: number;
}

export interface LocalIssuer {
  /** `iss` of every token (`http://127.0.0.1:<port>`). */
  issuer: string;
  stop(): Promise<void>;
}

/** The first-party app is granted its scopes without a consent screen (as Cognito's managed login does). */
async function loadExistingGrant(ctx: KoaContextWithOIDC) {
  const { client, session, provider } = ctx.oidc;
  if (!client || !session?.accountId) return undefined;
  const existing = session.grantIdFor(client.clientId);
  if (existing) return provider.Grant.find(existing);
  const grant = new provider.Grant({ clientId: client.clientId, accountId: session.accountId });
  grant.addOIDCScope('openid email profile');
  await grant.save();
  return grant;
}

function publicClient(c: {
  clientId: string;
  redirectUris: string[];
  postLogoutRedirectUris?: string[];
}): ClientMetadata {
  return {
    client_id: c.clientId,
    token_endpoint_auth_method: 'none',
    grant_types: ['authorization_code'],
    response_types: ['code'],
    redirect_uris: c.redirectUris,
    post_logout_redirect_uris: c.postLogoutRedirectUris ?? [],
  };
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8').slice(0, 8192));
}

/** Starts the issuer on 127.0.0.1. */
export async function startLocalIssuer(options: LocalIssuerOptions): Promise<LocalIssuer> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(options.port ?? 0, '127.0.0.1', r));
  const addr = server.address();
  const issuer = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const signingKey = {
    ...(await exportJWK(privateKey)),
    kid: randomBytes(8).toString('hex'),
    alg: 'RS256',
    use: 'sig',
  };
  const { accounts } = options;
  const config: Configuration = {
    adapter: memoryAdapter(),
    clients: [publicClient(options.client), ...(options.extraClients ?? []).map(publicClient)],
    jwks: { keys: [signingKey] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['custom:agency', 'custom:role'] },
    // Scope claims go into the ID token, as Cognito does (the API reads them from there).
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    ttl: {
      IdToken: options.idTokenTtlSeconds ?? 3600,
      AccessToken: 3600,
      AuthorizationCode: 60,
      Interaction: 600,
      Session: 8 * 3600,
      Grant: 8 * 3600,
    },
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: async (ctx, form) => {
          ctx.body = logoutPage(form);
        },
        postLogoutSuccessSource: async (ctx) => {
          ctx.body = loggedOutPage();
        },
      },
    },
    interactions: { url: async (_ctx, interaction) => `/interaction/${interaction.uid}` },
    loadExistingGrant,
    // CORS for the token endpoint only from the origins the client redirects to.
    clientBasedCORS: (_ctx, origin, client) => client.redirectUris?.some((u) => new URL(u).origin === origin) ?? false,
    findAccount: async (_ctx, sub) => {
      const a = accounts.bySub(sub);
      if (!a) return undefined;
      return {
        accountId: sub,
        claims: async () => ({
          sub,
          email: a.email,
          email_verified: true,
          'custom:agency': a.agencyId,
          'custom:role': a.role,
        }),
      };
    },
  };
  const Provider = await loadOidcProvider();
  const provider = new Provider(issuer, config);
  const oidc = provider.callback();

  async function interaction(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const details = await provider.interactionDetails(req, res);
    const html = (body: string, status = 200) =>
      res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(body);
    if (req.method === 'GET') return void html(loginPage({ uid: details.uid }));
    if (req.method !== 'POST' || path !== `/interaction/${details.uid}/login`) return void html('not found', 404);
    const form = await readForm(req);
    const email = form.get('email') ?? '';
    const account = accounts.check(email, form.get('password') ?? '');
    if (!account) return void html(loginPage({ uid: details.uid, email, error: 'Wrong e-mail or password.' }), 401);
    await provider.interactionFinished(
      req,
      res,
      { login: { accountId: account.sub } },
      { mergeWithLastSubmission: false },
    );
  }

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', issuer).pathname;
    if (!path.startsWith('/interaction/')) return void oidc(req, res);
    interaction(req, res, path).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(400, { 'content-type': 'text/plain' });
      res.end(`sign-in failed: ${err instanceof Error ? err.message : String(err)}`);
    });
  });
  return {
    issuer,
    stop: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
