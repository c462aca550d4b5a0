import { randomBytes } from 'node:crypto';
import type { TokenResponse } from '../../lambdas/adapters/fanvue/schema';

/** Which creators a seeded connection may read. */
export type ConnectionSpec = { creatorUuids: string[]; agency?: false } | { agency: true; creatorUuids?: string[] };

/** One OAuth grant: every refresh and access token descends from it. */
export interface TokenFamily {
  id: string;
  agency: boolean;
  /** Creators this family may read. */
  creatorUuids: ReadonlySet<string>;
  /** The creator `GET /insights/earnings` reads (a creator connection's first creator); none for agencies. */
  owner: string | undefined;
  revoked: boolean;
}

/** Outcome of a refresh: new tokens, or why not (`reuse` when an already-used token was presented). */
export type RefreshResult = { ok: true; body: TokenResponse } | { ok: false; reuse: boolean };

/** Outcome of checking an access token. */
export type AuthResult = { ok: true; family: TokenFamily } | { ok: false; reason: 'unknown' | 'expired' | 'revoked' };

const AGENCY_SCOPE = 'offline_access read:self read:creator read:insights read:agency';
const CREATOR_SCOPE = 'offline_access read:self read:creator read:insights';

function token(prefix: string): string {
  return `${prefix}_${randomBytes(24).toString('base64url')}`;
}

/**
 * Rotating, single-use refresh tokens with reuse detection, and expiring
 * access tokens. Presenting a used refresh token revokes its whole family.
 */
export class TokenService {
  private readonly families = new Map<string, TokenFamily>();
  private readonly refreshTokens = new Map<string, { familyId: string; used: boolean }>();
  private readonly accessTokens = new Map<string, { familyId: string; expiresAtMs: number }>();

  constructor(
    private readonly now: () => number,
    private ttlSeconds: number,
  ) {}

  /** Changes the lifetime of access tokens issued from now on. */
  setAccessTokenTtl(seconds: number): void {
    this.ttlSeconds = seconds;
  }

  /** Seeds a connection (what a finished OAuth consent would leave behind); returns its first refresh token. */
  createConnection(
    spec: ConnectionSpec,
    allCreators: readonly string[],
  ): { refreshToken: string; connectionId: string } {
    const agency = spec.agency === true;
    const uuids = spec.creatorUuids ?? (agency ? [...allCreators] : []);
    for (const uuid of uuids) if (!allCreators.includes(uuid)) throw new RangeError(`unknown creator ${uuid}`);
    if (!agency && uuids.length === 0) throw new RangeError('a creator connection needs at least one creator');
    const family: TokenFamily = {
      id: token('fam'),
      agency,
      creatorUuids: new Set(uuids),
      owner: agency ? undefined : uuids[0],
      revoked: false,
    };
    this.families.set(family.id, family);
    const refreshToken = token('rt');
    this.refreshTokens.set(refreshToken, { familyId: family.id, used: false });
    return { refreshToken, connectionId: family.id };
  }

  /** `grant_type=refresh_token`: rotates the token, or detects reuse and revokes the family. */
  refresh(refreshToken: string): RefreshResult {
    const record = this.refreshTokens.get(refreshToken);
    const family = record && this.families.get(record.familyId);
    if (!record || !family || family.revoked) return { ok: false, reuse: false };
    if (record.used) {
      family.revoked = true;
      return { ok: false, reuse: true };
    }
    record.used = true;
    const next = token('rt');
    this.refreshTokens.set(next, { familyId: family.id, used: false });
    const accessToken = token('at');
    this.accessTokens.set(accessToken, { familyId: family.id, expiresAtMs: this.now() + this.ttlSeconds * 1000 });
    return {
      ok: true,
      body: {
        access_token: accessToken,
        refresh_token: next,
        expires_in: this.ttlSeconds,
        token_type: 'Bearer',
        scope: family.agency ? AGENCY_SCOPE : CREATOR_SCOPE,
      },
    };
  }

  /** Checks a bearer access token. */
  authenticate(accessToken: string): AuthResult {
    const record = this.accessTokens.get(accessToken);
    const family = record && this.families.get(record.familyId);
    if (!record || !family) return { ok: false, reason: 'unknown' };
    if (family.revoked) return { ok: false, reason: 'revoked' };
    if (this.now() >= record.expiresAtMs) return { ok: false, reason: 'expired' };
    return { ok: true, family };
  }

  /** Every access token issued so far stops working (a refresh issues working ones); returns how many. */
  expireAccessTokens(): number {
    for (const record of this.accessTokens.values()) record.expiresAtMs = Number.NEGATIVE_INFINITY;
    return this.accessTokens.size;
  }

  /** Revokes the family of any of its refresh tokens (used or not); false if the token is unknown. */
  revokeConnection(refreshToken: string): boolean {
    const record = this.refreshTokens.get(refreshToken);
    const family = record && this.families.get(record.familyId);
    if (!family) return false;
    family.revoked = true;
    return true;
  }
}
