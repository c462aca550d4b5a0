import { createRemoteJWKSet, errors, type JWTPayload, jwtVerify } from 'jose';
import { TokenRejectedError, type TokenVerifier } from '../../domain/auth-ports';
import type { Clock } from '../../domain/ports';
import * as z from '../../shared/zod';

/**
 * Verifies sign-in tokens the way API Gateway's JWT authorizer does: the
 * signature against the issuer's JWKS (found through its OpenID discovery
 * document), `iss` equal to the configured issuer, `aud` (or, when a token has
 * none, `client_id`) among the configured audiences, `exp` required and in the
 * future, `nbf` and `iat` not in the future. Used by the API Lambda in AWS
 * (behind the authorizer) and by the local stack, against Cognito or the local
 * OpenID Connect issuer alike.
 */

/** Settings of {@link jwtVerifier}; the same two values configure the JWT authorizer. */
export interface JwtVerifierConfig {
  /** The issuer URL, exactly as in the tokens' `iss` (no trailing slash for Cognito). */
  issuer: string;
  /** Accepted audiences: the app client ids. */
  audience: readonly string[];
  clock?: Clock;
  /** Used for discovery and the JWKS. @default globalThis.fetch */
  fetch?: typeof fetch;
}

const DiscoverySchema = z.object({ issuer: z.string(), jwks_uri: z.string().check(z.url()) });

/** Reads the issuer's discovery document once (retried after a failure) and checks it names the same issuer. */
function discovery(cfg: JwtVerifierConfig): () => Promise<URL> {
  let pending: Promise<URL> | undefined;
  const load = async () => {
    const res = await (cfg.fetch ?? fetch)(`${cfg.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`, {
      signal: AbortSignal.timeout(5_000),
    });
    if (!res.ok) throw new Error(`openid discovery answered ${res.status}`);
    const doc = DiscoverySchema.parse(await res.json());
    if (doc.issuer !== cfg.issuer) throw new Error('openid discovery names another issuer');
    return new URL(doc.jwks_uri);
  };
  return () => {
    pending ??= load().catch((err: unknown) => {
      pending = undefined;
      throw err;
    });
    return pending;
  };
}

/** A verifier for one issuer and its app clients; keys are fetched on first use and cached (new `kid`s refetch). */
export function jwtVerifier(cfg: JwtVerifierConfig): TokenVerifier {
  const jwksUri = discovery(cfg);
  let jwks: ReturnType<typeof createRemoteJWKSet> | undefined;
  return {
    async verify(token) {
      if (token.split('.').length !== 3) throw new TokenRejectedError('not a JWT');
      jwks ??= createRemoteJWKSet(await jwksUri(), { timeoutDuration: 5_000 });
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, jwks, {
          issuer: cfg.issuer,
          algorithms: ['RS256'],
          requiredClaims: ['exp', 'sub'],
          ...(cfg.clock && { currentDate: new Date(cfg.clock.now()) }),
        }));
      } catch (err) {
        if (err instanceof errors.JOSEError) throw new TokenRejectedError(err.code, { cause: err });
        throw err;
      }
      // API Gateway: `aud` when the token has one, else `client_id` (Cognito access tokens).
      const audiences = payload.aud === undefined ? [payload.client_id] : [payload.aud].flat();
      if (!audiences.some((a) => typeof a === 'string' && cfg.audience.includes(a)))
        throw new TokenRejectedError('wrong audience');
      return { sub: String(payload.sub), claims: payload };
    },
  };
}
