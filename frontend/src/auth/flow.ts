import { SIGN_IN_CALLBACK_PATH, type SiteConfig, SiteConfigSchema } from '../../../lambdas/domain/site-config';
import { browser, clearSession, type Session, storeSession } from './session';

/**
 * Sign-in with the authorization code flow and PKCE (S256) against the
 * issuer named in `/config.json` (Cognito's managed login, or the local
 * issuer). The verifier and state live in sessionStorage just between the
 * redirect and the callback. No secret exists on this side: the app client is
 * public. Loaded only when someone signs in or out (its own chunk).
 */

const PENDING = 'revenue-heartbeat.sign-in';

export type AuthConfig = SiteConfig['auth'];

/** The site's sign-in settings. */
export async function loadAuthConfig(): Promise<AuthConfig> {
  const res = await fetch('/config.json', { cache: 'no-cache' });
  if (!res.ok) throw new Error(`config.json answered ${res.status}`);
  const parsed = SiteConfigSchema.safeParse(await res.json());
  if (!parsed.success) throw new Error('config.json is not a valid sign-in configuration');
  return parsed.data.auth;
}

const b64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
const random = (n: number) => b64url(crypto.getRandomValues(new Uint8Array(n)));

async function challengeOf(verifier: string): Promise<string> {
  return b64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));
}

const redirectUri = () => `${window.location.origin}${SIGN_IN_CALLBACK_PATH}`;

/** Sends the browser to the issuer's sign-in page. */
export async function startSignIn(config: AuthConfig): Promise<void> {
  const verifier = random(32);
  const state = random(16);
  sessionStorage.setItem(PENDING, JSON.stringify({ verifier, state }));
  const url = new URL(config.authorizationEndpoint);
  url.search = new URLSearchParams({
    client_id: config.clientId,
    response_type: 'code',
    scope: config.scope,
    redirect_uri: redirectUri(),
    state,
    code_challenge: await challengeOf(verifier),
    code_challenge_method: 'S256',
  }).toString();
  browser.navigate(url.href);
}

function expiryOf(idToken: string): number {
  const payload = idToken.split('.')[1] ?? '';
  const claims = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/'))) as { exp?: unknown };
  if (typeof claims.exp !== 'number') throw new Error('the sign-in token has no expiry');
  return claims.exp * 1000;
}

/**
 * Completes sign-in on the callback page: checks `state`, exchanges the code
 * with the PKCE verifier, keeps the ID token and takes the code out of the
 * address bar. Throws with a message to show when anything does not match.
 */
export async function completeSignIn(config: AuthConfig): Promise<Session> {
  const params = new URLSearchParams(window.location.search);
  window.history.replaceState(null, '', '/');
  const pending = sessionStorage.getItem(PENDING);
  sessionStorage.removeItem(PENDING);
  const error = params.get('error');
  if (error) throw new Error(params.get('error_description') ?? error);
  const { verifier, state } = (pending ? JSON.parse(pending) : {}) as { verifier?: string; state?: string };
  const code = params.get('code');
  if (!verifier || !state || params.get('state') !== state || !code) {
    throw new Error('This sign-in link is not the one this tab started. Please sign in again.');
  }
  const res = await fetch(config.tokenEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri(),
      client_id: config.clientId,
      code_verifier: verifier,
    }).toString(),
  });
  if (!res.ok) throw new Error('The sign-in could not be completed. Please sign in again.');
  const body = (await res.json()) as { id_token?: unknown };
  if (typeof body.id_token !== 'string') throw new Error('The identity provider sent no ID token.');
  const session = { idToken: body.id_token, expiresAt: expiryOf(body.id_token) };
  storeSession(session);
  return session;
}

/** Forgets the session and ends it at the issuer too, which sends the browser back to the app. */
export function signOut(config: AuthConfig, session: Session | undefined): void {
  clearSession();
  const url = new URL(config.logout.endpoint);
  const back = `${window.location.origin}/`;
  url.search = new URLSearchParams(
    config.logout.style === 'cognito'
      ? { client_id: config.clientId, logout_uri: back }
      : {
          client_id: config.clientId,
          post_logout_redirect_uri: back,
          ...(session && { id_token_hint: session.idToken }),
        },
  ).toString();
  browser.navigate(url.href);
}
