import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { SimCore } from './core';
import type { Reply } from './http-util';

/** An authorization code waiting to be exchanged (single use, 60 s). */
export interface PendingCode {
  challenge: string;
  redirectUri: string;
  expiresAtMs: number;
  used: boolean;
  /** The first refresh token of the family this code was exchanged for: a reused code revokes that family. */
  issuedRefreshToken?: string;
}

const AuthorizeQuerySchema = z.object({
  response_type: z.literal('code'),
  client_id: z.string().min(1),
  redirect_uri: z.string().url(),
  scope: z.string().optional(),
  state: z.string().max(512).optional(),
  code_challenge: z.string().regex(/^[A-Za-z0-9_-]{43,128}$/, 'code_challenge must be base64url, 43-128 chars'),
  code_challenge_method: z.literal('S256', { message: 'PKCE with S256 is required' }),
});

/**
 * `GET /oauth2/auth`: the consent screen, auto-approved as the agency account
 * (it may read every creator). PKCE S256 is required, as on Fanvue. Redirects
 * to `redirect_uri` with `code` and `state`.
 */
export function handleAuthorize(sim: SimCore, url: URL): Reply {
  const parsed = AuthorizeQuerySchema.safeParse(Object.fromEntries(url.searchParams));
  if (!parsed.success)
    return {
      status: 400,
      body: { error: 'invalid_request', error_description: parsed.error.issues[0]?.message ?? 'invalid request' },
    };
  const q = parsed.data;
  if (q.client_id !== sim.opts.clientId) return { status: 400, body: { error: 'unauthorized_client' } };
  const code = randomBytes(24).toString('base64url');
  sim.codes.set(code, {
    challenge: q.code_challenge,
    redirectUri: q.redirect_uri,
    expiresAtMs: sim.opts.now() + 60_000,
    used: false,
  });
  const target = new URL(q.redirect_uri);
  target.searchParams.set('code', code);
  if (q.state !== undefined) target.searchParams.set('state', q.state);
  return { status: 302, body: '', headers: { location: target.toString(), 'cache-control': 'no-store' } };
}

/**
 * Checks `grant_type=authorization_code` against the pending code: unused, fresh, same redirect, PKCE
 * verifier. Returns the pending code to record what it was exchanged for. A code presented a second
 * time is refused and the tokens already issued for it are revoked (RFC 6749 section 4.1.2).
 */
export function redeemCode(
  sim: SimCore,
  code: string | undefined,
  redirectUri: string | undefined,
  verifier: string | undefined,
): PendingCode | undefined {
  const pending = code ? sim.codes.get(code) : undefined;
  if (!pending) return undefined;
  if (pending.used) {
    if (pending.issuedRefreshToken) sim.tokens.revokeConnection(pending.issuedRefreshToken);
    return undefined;
  }
  if (pending.expiresAtMs < sim.opts.now() || pending.redirectUri !== redirectUri || !verifier) return undefined;
  pending.used = true;
  return createHash('sha256').update(verifier).digest('base64url') === pending.challenge ? pending : undefined;
}
