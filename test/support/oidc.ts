import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';

/**
 * Signs in at an OpenID Connect issuer over plain HTTP, as a browser would:
 * authorization request with PKCE (S256), the issuer's own sign-in form,
 * redirects with cookies, then the code exchange at the token endpoint.
 * Tests use it to get real tokens from the local issuer without Chromium.
 */

const TokenSchema = z.object({ id_token: z.string(), access_token: z.string(), expires_in: z.number() });
const DiscoverySchema = z.object({ authorization_endpoint: z.string(), token_endpoint: z.string() });

export interface SignInResult {
  idToken: string;
  accessToken: string;
}

/** Runs the whole authorization code flow for one user; throws with the issuer's answer when sign-in fails. */
export async function signInOverHttp(input: {
  issuer: string;
  clientId: string;
  redirectUri: string;
  email: string;
  password: string;
}): Promise<SignInResult> {
  const discovery = DiscoverySchema.parse(
    await (await fetch(`${input.issuer}/.well-known/openid-configuration`)).json(),
  );
  const verifier = randomBytes(32).toString('base64url');
  const state = randomBytes(16).toString('base64url');
  const auth = new URL(discovery.authorization_endpoint);
  auth.search = new URLSearchParams({
    client_id: input.clientId,
    response_type: 'code',
    scope: 'openid email profile',
    redirect_uri: input.redirectUri,
    state,
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  }).toString();
  const jar = new Map<string, string>();
  const send = async (url: string, init: RequestInit = {}) => {
    const res = await fetch(url, {
      ...init,
      redirect: 'manual',
      headers: {
        ...(init.headers as Record<string, string>),
        cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; '),
      },
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const eq = pair?.indexOf('=') ?? -1;
      if (pair && eq > 0) jar.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
    return res;
  };
  /** Follows redirects until one leaves the issuer (the app's redirect URI) or a page is shown. */
  const follow = async (res: Response): Promise<Response | URL> => {
    for (let hops = 0; hops < 10; hops++) {
      const location = res.headers.get('location');
      if (res.status < 300 || res.status >= 400 || !location) return res;
      const next = new URL(location, input.issuer);
      if (next.href.startsWith(input.redirectUri)) return next;
      res = await send(next.href);
    }
    throw new Error('too many redirects');
  };
  const page = await follow(await send(auth.href));
  if (page instanceof URL) throw new Error('the issuer skipped its sign-in page');
  const action = /action="([^"]+)"/.exec(await page.text())?.[1];
  if (!action) throw new Error(`no sign-in form (status ${page.status})`);
  const posted = await follow(
    await send(new URL(action, input.issuer).href, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ email: input.email, password: input.password }).toString(),
    }),
  );
  if (!(posted instanceof URL)) throw new Error(`sign-in refused (status ${posted.status})`);
  if (posted.searchParams.get('state') !== state) throw new Error('state mismatch');
  const code = posted.searchParams.get('code');
  if (!code) throw new Error(`no code: ${posted.search}`);
  const res = await fetch(discovery.token_endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: input.redirectUri,
      client_id: input.clientId,
      code_verifier: verifier,
    }).toString(),
  });
  if (!res.ok) throw new Error(`token endpoint answered ${res.status}: ${await res.text()}`);
  const tokens = TokenSchema.parse(await res.json());
  return { idToken: tokens.id_token, accessToken: tokens.access_token };
}
