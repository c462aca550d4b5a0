import { randomUUID } from 'node:crypto';
import { type Clock, systemClock } from '../../../domain/ports';

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

/** A process-local lock with expiry, for local single-process mode and tests. */
export function inMemoryRefreshLock(clock: Clock = systemClock): RefreshLock {
  const held = new Map<string, { owner: string; expiresAt: number }>();
  return {
    async acquire(connectionId, ttlMs) {
      const now = clock.now();
      const current = held.get(connectionId);
      if (current && current.expiresAt > now) return undefined;
      const owner = randomUUID();
      held.set(connectionId, { owner, expiresAt: now + ttlMs });
      return async () => {
        if (held.get(connectionId)?.owner === owner) held.delete(connectionId);
      };
    },
  };
}
