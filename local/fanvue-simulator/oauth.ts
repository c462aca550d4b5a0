import { timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { redeemCode } from './authorize';
import type { SimCore } from './core';
import { basicCredentials, type Reply } from './http-util';

/** Form body of `POST /oauth2/token`: the refresh grant and the authorization-code grant (PKCE). */
export const TokenRequestSchema = z.object({
  grant_type: z.string().min(1),
  refresh_token: z.string().min(1).optional(),
  code: z.string().min(1).optional(),
  redirect_uri: z.string().optional(),
  code_verifier: z.string().optional(),
});

function sameSecret(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

/**
 * `POST /oauth2/token`: client credentials as HTTP Basic, form-encoded body,
 * `grant_type=refresh_token` (rotates the refresh token; reuse revokes the family)
 * or `grant_type=authorization_code` with the PKCE verifier.
 */
export function handleToken(
  sim: SimCore,
  method: string,
  authorization: string | undefined,
  contentType: string | undefined,
  rawBody: string,
): Reply {
  const noStore = { 'cache-control': 'no-store', pragma: 'no-cache' };
  if (method !== 'POST')
    return { status: 405, body: { error: 'invalid_request', error_description: 'use POST' }, headers: noStore };
  const client = basicCredentials(authorization);
  if (!client || client.id !== sim.opts.clientId || !sameSecret(client.secret, sim.opts.clientSecret)) {
    return {
      status: 401,
      body: { error: 'invalid_client' },
      headers: { ...noStore, 'www-authenticate': 'Basic realm="fanvue"' },
    };
  }
  if (!contentType?.toLowerCase().startsWith('application/x-www-form-urlencoded')) {
    return {
      status: 400,
      body: { error: 'invalid_request', error_description: 'body must be form-encoded' },
      headers: noStore,
    };
  }
  const parsed = TokenRequestSchema.safeParse(Object.fromEntries(new URLSearchParams(rawBody)));
  if (!parsed.success) return { status: 400, body: { error: 'invalid_request' }, headers: noStore };
  if (parsed.data.grant_type === 'authorization_code') {
    const pending = redeemCode(sim, parsed.data.code, parsed.data.redirect_uri, parsed.data.code_verifier);
    if (!pending) {
      return {
        status: 400,
        body: {
          error: 'invalid_grant',
          error_description: 'code is invalid, used, expired, or the PKCE verifier does not match',
        },
        headers: noStore,
      };
    }
    // Consent was given by the agency account: a new token family that reads every creator.
    const conn = sim.tokens.createConnection(
      { agency: true },
      sim.creators.map((c) => c.uuid),
    );
    pending.issuedRefreshToken = conn.refreshToken;
    const issued = sim.tokens.refresh(conn.refreshToken);
    return issued.ok
      ? { status: 200, body: issued.body, headers: noStore }
      : { status: 500, body: { error: 'server_error' }, headers: noStore };
  }
  if (parsed.data.grant_type !== 'refresh_token')
    return { status: 400, body: { error: 'unsupported_grant_type' }, headers: noStore };
  if (!parsed.data.refresh_token)
    return {
      status: 400,
      body: { error: 'invalid_request', error_description: 'refresh_token is required' },
      headers: noStore,
    };
  const result = sim.tokens.refresh(parsed.data.refresh_token);
  if (!result.ok) {
    const description = result.reuse
      ? 'refresh token reuse detected; the grant is revoked'
      : 'refresh token is invalid or revoked';
    return { status: 400, body: { error: 'invalid_grant', error_description: description }, headers: noStore };
  }
  return { status: 200, body: result.body, headers: noStore };
}
