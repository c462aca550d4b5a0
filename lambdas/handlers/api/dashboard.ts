import type { DashboardData } from '../../adapters/dynamo/dashboard-reader';
import {
  type DashboardModel,
  type DashboardResponse,
  describeSyncError,
  type FreshnessConfig,
  modelFreshness,
  nextSyncDueAt,
} from '../../domain/dashboard';
import type { ModelRecord } from '../../domain/model';
import * as z from '../../shared/zod';

/** Shapes the dashboard response from what the reader returned. Pure: time comes in as `now`. */

const DAYS_MESSAGE = 'days must be a whole number from 1 to 90';

/** `?days=` of `GET /api/dashboard`: whole days 1..90. @default 30 */
export const DashboardQuerySchema = z.object({
  days: z._default(
    z.pipe(
      z.pipe(z.string().check(z.regex(/^\d{1,3}$/, DAYS_MESSAGE)), z.transform(Number)),
      z.number().check(z.int(), z.minimum(1, DAYS_MESSAGE), z.maximum(90, DAYS_MESSAGE)),
    ),
    30,
  ),
});

const DAY_MS = 86_400_000;

/** The UTC day (`yyyy-mm-dd`) of an epoch-ms instant. */
export function utcDay(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10);
}

/** The last `days` UTC days up to and including today, oldest first. */
export function dayRange(now: number, days: number): string[] {
  const today = Math.floor(now / DAY_MS) * DAY_MS;
  return Array.from({ length: days }, (_, i) => utcDay(today - (days - 1 - i) * DAY_MS));
}

function toModel(m: ModelRecord, data: DashboardData, now: number, cfg: FreshnessConfig): DashboardModel {
  const t = data.modelTotals.get(m.modelId);
  const next = nextSyncDueAt(m, cfg);
  const failing = m.status === 'error' || m.consecutiveFailures > 0;
  return {
    modelId: m.modelId,
    displayName: m.displayName,
    enabled: m.enabled,
    totals: { gross: t?.gross ?? 0, net: t?.net ?? 0, count: t?.count ?? 0 },
    status: m.status,
    lastSuccessAt: m.lastSuccessAt ?? null,
    lastSyncStartedAt: m.lastSyncStartedAt ?? null,
    nextSyncDueAt: next === null ? null : new Date(next).toISOString(),
    freshness: modelFreshness(m, now, cfg),
    lastError: failing ? describeSyncError(m.lastErrorCode) : null,
    consecutiveFailures: m.consecutiveFailures,
    behind: m.behind,
  };
}

/** Builds the `GET /api/dashboard` body: zero-filled days, models sorted by name. */
export function buildDashboard(input: {
  agency: { id: string; name: string };
  data: DashboardData;
  now: number;
  cfg: FreshnessConfig;
  days: number;
}): DashboardResponse {
  const { data, now, cfg } = input;
  const a = data.agencyTotals;
  return {
    agency: input.agency,
    generatedAt: new Date(now).toISOString(),
    freshness: { syncIntervalMs: cfg.syncIntervalMs, liveWithinMs: cfg.liveWithinMs },
    totals: { gross: a.gross, net: a.net, count: a.count, bySource: { ...a.bySource } },
    daily: dayRange(now, input.days).map((day) => {
      const d = data.days.get(day);
      return { day, gross: d?.gross ?? 0, net: d?.net ?? 0, count: d?.count ?? 0 };
    }),
    models: data.models
      .map((m) => toModel(m, data, now, cfg))
      .sort(
        (x, y) =>
          x.displayName.localeCompare(y.displayName, 'en', { numeric: true }) || x.modelId.localeCompare(y.modelId),
      ),
  };
}
