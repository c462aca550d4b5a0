/**
 * The sign-in token check the API depends on (jose against Cognito's or the
 * local issuer's JWKS in the adapters). Plain TypeScript: no JWT library here.
 */

/** What a verified token says about its holder. */
export interface VerifiedToken {
  sub: string;
  /** Every claim, for the caller to read (and parse) its own, e.g. `custom:agency`. */
  claims: Readonly<Record<string, unknown>>;
}

/** Verifies a bearer token; throws {@link TokenRejectedError} when it is not acceptable. */
export interface TokenVerifier {
  verify(token: string): Promise<VerifiedToken>;
}

/** The token was missing, malformed, expired, for someone else, or not signed by the issuer. `reason` is safe to log. */
export class TokenRejectedError extends Error {
  readonly reason: string;
  constructor(reason: string, options?: { cause?: unknown }) {
    super(`token rejected: ${reason}`, options);
    this.name = 'TokenRejectedError';
    this.reason = reason;
  }
}
