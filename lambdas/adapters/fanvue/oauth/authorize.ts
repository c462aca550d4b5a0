import { createHash, randomBytes } from 'node:crypto';
import type { ClientCredentials } from '../../../domain/connection-ports';
import { parseContract } from '../contract';
import { FanvueAuthError } from '../errors';
import { type ConnectionTokens, TokenResponseSchema } from '../schema';
import { connectionRevoked, postTokenForm, withSlash } from './token-endpoint';

/** The scopes this product asks for (refresh tokens need `offline_access`). */
export const CONNECT_SCOPES = [
  'openid',
  'offline_access',
  'read:self',
  'read:creator',
  'read:insights',
  'read:agency',
] as const;

/** A PKCE pair: the verifier stays here, the S256 challenge goes to Fanvue. */
export function createPkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(48).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** `{authBaseUrl}/oauth2/auth` for the authorization-code flow with PKCE (S256 is required by Fanvue). */
export function authorizeUrl(args: {
  authBaseUrl: string;
  clientId: string;
  redirectUri: string;
  state: string;
  challenge: string;
}): string {
  const url = new URL('oauth2/auth', withSlash(args.authBaseUrl));
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: args.clientId,
    redirect_uri: args.redirectUri,
    scope: CONNECT_SCOPES.join(' '),
    state: args.state,
    code_challenge: args.challenge,
    code_challenge_method: 'S256',
  }).toString();
  return url.toString();
}

/** Exchanges an authorization code (with its PKCE verifier) for the first tokens of a connection. */
export async function exchangeAuthorizationCode(args: {
  authBaseUrl: string;
  fetch?: typeof fetch;
  creds: ClientCredentials;
  code: string;
  redirectUri: string;
  verifier: string;
  now: number;
  timeoutMs?: number;
}): Promise<ConnectionTokens> {
  const res = await postTokenForm({
    authBaseUrl: args.authBaseUrl,
    fetch: args.fetch ?? globalThis.fetch.bind(globalThis),
    creds: args.creds,
    form: {
      grant_type: 'authorization_code',
      code: args.code,
      redirect_uri: args.redirectUri,
      code_verifier: args.verifier,
    },
    timeoutMs: args.timeoutMs ?? 10_000,
  });
  if (res.status !== 200) {
    throw new FanvueAuthError(
      connectionRevoked(res.status, res.body)
        ? 'authorization code rejected: start the connection again'
        : `token endpoint returned ${res.status}`,
    );
  }
  const body = parseContract(TokenResponseSchema, res.body, 'token response');
  if (!body.refresh_token) throw new FanvueAuthError('no refresh token returned: the offline_access scope is required');
  return {
    accessToken: body.access_token,
    accessTokenExpiresAt: args.now + body.expires_in * 1000,
    refreshToken: body.refresh_token,
  };
}
