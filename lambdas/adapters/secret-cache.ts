import { type Clock, systemClock, type VersionedSecretStore } from '../domain/ports';
import {
  acceptedValues,
  MAX_ROTATION_GRACE_MS,
  ROTATION_GRACE_MS,
  type RotatingSecretKind,
  type RotatingSecrets,
  SECRET_CACHE_TTL_MS,
  SECRET_REFRESH_ON_MISS_MS,
} from '../domain/secret-rotation';

/** Options of {@link ttlCache}. */
export interface TtlCacheOptions {
  /** @default SECRET_CACHE_TTL_MS (5 minutes) */
  ttlMs?: number;
  /** @default systemClock */
  clock?: Clock;
}

/** A per-id cache of an async loader: concurrent misses share one load, failed loads are not kept. */
export interface TtlCache<T> {
  get(id: string): Promise<T>;
  /** Loads again now, whatever the age. */
  refresh(id: string): Promise<T>;
  /** Milliseconds since the entry was loaded (Infinity when there is none). */
  ageMs(id: string): number;
  invalidate(id: string): void;
}

/** The one secret cache of the code base: every cached secret read goes through it. */
export function ttlCache<T>(load: (id: string) => Promise<T>, options: TtlCacheOptions = {}): TtlCache<T> {
  const ttl = options.ttlMs ?? SECRET_CACHE_TTL_MS;
  const clock = options.clock ?? systemClock;
  const entries = new Map<string, { value: Promise<T>; at: number }>();
  const refresh = (id: string): Promise<T> => {
    const value = load(id);
    const entry = { value, at: clock.now() };
    entries.set(id, entry);
    // A failed read is not cached: the next caller tries again.
    value.catch(() => {
      if (entries.get(id) === entry) entries.delete(id);
    });
    return value;
  };
  const ageMs = (id: string) => {
    const e = entries.get(id);
    return e ? clock.now() - e.at : Number.POSITIVE_INFINITY;
  };
  return {
    get: (id) => (ageMs(id) < ttl ? (entries.get(id)?.value ?? refresh(id)) : refresh(id)),
    refresh,
    ageMs,
    invalidate: (id) => void entries.delete(id),
  };
}

/** Options of {@link rotatingSecrets}. */
export interface RotatingSecretsOptions extends TtlCacheOptions {
  /** @default SECRET_REFRESH_ON_MISS_MS (10 s) */
  refreshOnMissMs?: number;
  /** Grace per purpose. @default ROTATION_GRACE_MS */
  graceMs?: Partial<Record<RotatingSecretKind, number>>;
}

/** {@link RotatingSecrets} over a versioned store, cached with {@link ttlCache}. */
export function rotatingSecrets(store: VersionedSecretStore, options: RotatingSecretsOptions = {}): RotatingSecrets {
  const clock = options.clock ?? systemClock;
  const refreshOnMiss = options.refreshOnMissMs ?? SECRET_REFRESH_ON_MISS_MS;
  const grace = { ...ROTATION_GRACE_MS, ...options.graceMs };
  const longest = Math.max(MAX_ROTATION_GRACE_MS, ...Object.values(grace));
  const cache = ttlCache((id) => store.versions(id, { previousWithinMs: longest }), { ...options, clock });
  const check = async (
    kind: RotatingSecretKind,
    versions: ReturnType<typeof cache.get>,
    matches: (v: string) => boolean,
  ) => acceptedValues(await versions, clock.now(), grace[kind]).some(matches);
  return {
    async accepts(kind, id, matches) {
      if (await check(kind, cache.get(id), matches)) return true;
      if (cache.ageMs(id) < refreshOnMiss) return false;
      return check(kind, cache.refresh(id), matches);
    },
  };
}
