import { randomUUID } from 'node:crypto';
import type { RefreshLock } from '../../../domain/connection-ports';
import { type Clock, systemClock } from '../../../domain/ports';

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
