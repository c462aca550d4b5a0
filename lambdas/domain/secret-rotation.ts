import type { SecretVersions } from './ports';

/**
 * Rules for secrets that callers present to us (cron secret, webhook signing secret,
 * CloudFront's origin header). One module so infra, handlers and docs agree on the numbers.
 */

/** A secret read from the store is reused for at most this long. @default 5 minutes */
export const SECRET_CACHE_TTL_MS = 5 * 60_000;

/** A value that matches nothing cached re-reads the store, at most this often (a new value works at once). @default 10 s */
export const SECRET_REFRESH_ON_MISS_MS = 10_000;

/**
 * How long the value before a rotation stays accepted, counted from the rotation:
 * callers switch over in this time, then the old value is refused.
 * - cron: the operator and any external scheduler update their copy;
 * - webhook: Fanvue starts signing with the new secret once it is rotated in its console;
 * - origin: CloudFront sends a value fixed at deploy time, so the redeploy that rolls it must finish within the grace.
 */
export const ROTATION_GRACE_MS = {
  cron: 15 * 60_000,
  webhook: 15 * 60_000,
  origin: 2 * 60 * 60_000,
} as const;

/** The purposes a rotating secret serves; each has its own grace. */
export type RotatingSecretKind = keyof typeof ROTATION_GRACE_MS;

/** Checks values callers present against a secret that gets rotated. */
export interface RotatingSecrets {
  /**
   * True when `matches` holds for the current value, or for the previous one during the
   * grace of `kind`. On a miss the store is re-read (at most every {@link SECRET_REFRESH_ON_MISS_MS} by default), so a
   * rotated-in value works at once while a stale cached one is dropped within the cache ttl.
   */
  accepts(kind: RotatingSecretKind, id: string, matches: (value: string) => boolean): Promise<boolean>;
}

/** The longest grace: older `previous` values are never needed, so never read. */
export const MAX_ROTATION_GRACE_MS = Math.max(...Object.values(ROTATION_GRACE_MS));

/** The values accepted at `nowMs`: the current one, and the previous one while the grace runs. */
export function acceptedValues(versions: SecretVersions, nowMs: number, graceMs: number): string[] {
  const withinGrace = nowMs < versions.currentSince + graceMs;
  return versions.previous !== undefined && withinGrace ? [versions.current, versions.previous] : [versions.current];
}
