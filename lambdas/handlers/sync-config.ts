import type { AuditConfig } from '../domain/audit';
import type { SyncConfig } from '../domain/sync';
import {
  DEFAULT_AUDIT_DAYS,
  DEFAULT_SYNC_BACKFILL_FROM,
  DEFAULT_SYNC_BUDGET_MS,
  DEFAULT_SYNC_LOOKBACK_MINUTES,
  DEFAULT_SYNC_PAGE_SIZE,
  SYNC_TIMEOUT_MARGIN_MS,
} from '../shared/defaults';
import * as z from '../shared/zod';

/** Sync tunables from the environment (all optional, with defaults). */
export const SyncEnv = z.object({
  /** Time budget of one run, ms; keep it below the Lambda timeout. @default 240000 */
  SYNC_BUDGET_MS: z._default(z.coerce.number().check(z.int(), z.minimum(5_000)), DEFAULT_SYNC_BUDGET_MS),
  /** Look-back overlap behind the cursor, minutes. @default 60 */
  SYNC_LOOKBACK_MINUTES: z._default(z.coerce.number().check(z.minimum(0)), DEFAULT_SYNC_LOOKBACK_MINUTES),
  /** Fanvue page size. @default 50 */
  SYNC_PAGE_SIZE: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(50)), DEFAULT_SYNC_PAGE_SIZE),
  /** Where a model's first sync starts. @default 2020-01-01T00:00:00.000Z */
  SYNC_BACKFILL_FROM: z._default(z.iso.datetime(), DEFAULT_SYNC_BACKFILL_FROM),
  /** Days the daily source audit re-reads. @default 7 */
  AUDIT_DAYS: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(90)), DEFAULT_AUDIT_DAYS),
});
export type SyncEnv = z.infer<typeof SyncEnv>;

/** Builds the domain's SyncConfig from parsed env. */
export function syncConfigFromEnv(env: SyncEnv): SyncConfig {
  return {
    lookbackMs: env.SYNC_LOOKBACK_MINUTES * 60_000,
    pageSize: env.SYNC_PAGE_SIZE,
    backfillFrom: env.SYNC_BACKFILL_FROM,
    budgetMs: env.SYNC_BUDGET_MS,
    reserveMs: Math.min(5_000, Math.floor(env.SYNC_BUDGET_MS / 10)),
    leaseMs: env.SYNC_BUDGET_MS + SYNC_TIMEOUT_MARGIN_MS,
  };
}

/** Builds the source audit's config: the sync's look-back, page size, budget and lease, plus its days. */
export function auditConfigFromEnv(env: SyncEnv): AuditConfig {
  const { lookbackMs, pageSize, budgetMs, reserveMs, leaseMs } = syncConfigFromEnv(env);
  return { days: env.AUDIT_DAYS, lookbackMs, pageSize, budgetMs, reserveMs, leaseMs };
}
