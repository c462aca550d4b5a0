import type { Creator } from './earnings';

/**
 * Ports of an agency's connection to the earnings source (Fanvue's OAuth app and
 * the tokens of each connection); the Fanvue adapters implement them.
 */

/** The OAuth app's client credentials (kept in the secret store). */
export interface ClientCredentials {
  clientId: string;
  clientSecret: string;
}

/** Lists the creators a connection manages (Fanvue's `GET /creators`, every page). */
export interface CreatorDirectory {
  listCreators(connectionId: string, opts?: { deadline?: number; size?: number }): AsyncIterable<Creator>;
}

/** Releases a held lock (only if we still own it). Never throws for a lost lock. */
export type ReleaseLock = () => Promise<void>;

/**
 * Serializes token refreshes of one connection across processes (Lambdas):
 * refresh tokens are single-use and a second concurrent refresh revokes the
 * connection. The lock expires after `ttlMs` so a crashed holder cannot block
 * the connection for long.
 */
export interface RefreshLock {
  /** Takes the lock, or returns `undefined` at once when someone else holds it. */
  acquire(connectionId: string, ttlMs: number): Promise<ReleaseLock | undefined>;
}
