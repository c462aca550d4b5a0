import {
  type DashboardModel,
  type DashboardResponse,
  describeSyncError,
  type FreshnessConfig,
  type MoneyTotals,
  modelFreshness,
  nextSyncDueAt,
  type PeriodFigures,
} from './dashboard';
import type { ModelRecord } from './model';
import { addDays, type DayRange, daysOf, type ResolvedPeriod, SPARK_DAYS } from './period';
import { emptyTotals, type ModelDay, type Totals } from './totals';

/**
 * Shapes the dashboard response from totals already read. Pure: time comes in
 * as `now`, the period comes in resolved. Cost is O(models x days read).
 */

/** Everything the dashboard is built from (the reader's output). */
export interface DashboardData {
  agencyTotals: Totals;
  /** Per local day (`yyyy-mm-dd`) in range; days with no item are absent. */
  days: Map<string, Totals>;
  /** Per local day in range: each model's figures that day (models with no sale are absent). */
  modelDays: Map<string, Map<string, ModelDay>>;
  models: ModelRecord[];
  /** Per modelId; models with no item are absent. */
  modelTotals: Map<string, Totals>;
}

/** The local days the dashboard reads for a period: its comparison period, the period, and the sparkline days. */
export function daysToRead(period: ResolvedPeriod): DayRange {
  const sparkFrom = addDays(period.to, -(SPARK_DAYS - 1));
  // yyyy-mm-dd strings order like the dates they name.
  return { from: [sparkFrom, period.previous.from].sort()[0] ?? sparkFrom, to: period.to };
}

/** Sums day totals (with per-source figures) over a range; absent days are zero. */
export function sumDays(days: ReadonlyMap<string, Totals>, range: DayRange): PeriodFigures {
  const out = emptyTotals();
  for (const day of daysOf(range.from, range.to)) {
    const t = days.get(day);
    if (!t) continue;
    out.gross += t.gross;
    out.net += t.net;
    out.count += t.count;
    for (const [c, v] of Object.entries(t.bySource) as [keyof Totals['bySource'], MoneyTotals][]) {
      out.bySource[c].gross += v.gross;
      out.bySource[c].net += v.net;
      out.bySource[c].count += v.count;
    }
  }
  return { gross: out.gross, net: out.net, count: out.count, bySource: { ...out.bySource } };
}

/** The day lists one model's figures are summed over: computed once per request, not once per model. */
export interface ModelDayLists {
  readonly period: readonly string[];
  readonly previous: readonly string[];
  readonly spark: readonly string[];
}

/** The period's, the comparison period's and the sparkline's local days. */
export function modelDayLists(period: ResolvedPeriod): ModelDayLists {
  return {
    period: daysOf(period.from, period.to),
    previous: daysOf(period.previous.from, period.previous.to),
    spark: daysOf(addDays(period.to, -(SPARK_DAYS - 1)), period.to),
  };
}

function sumModel(modelDays: DashboardData['modelDays'], modelId: string, days: readonly string[]): MoneyTotals {
  const out = { gross: 0, net: 0, count: 0 };
  for (const day of days) {
    const d = modelDays.get(day)?.get(modelId);
    if (!d) continue;
    out.gross += d.gross;
    out.net += d.net;
    out.count += d.count;
  }
  return out;
}

/** One model as the dashboard and its own page show it: freshness, figures for the period and its comparison, sparkline. */
export function toModel(
  m: ModelRecord,
  data: DashboardData,
  period: ResolvedPeriod,
  now: number,
  cfg: FreshnessConfig,
  lists: ModelDayLists = modelDayLists(period),
): DashboardModel {
  const t = data.modelTotals.get(m.modelId);
  const next = nextSyncDueAt(m, cfg);
  const failing = m.status === 'error' || m.consecutiveFailures > 0;
  const sparkDays = lists.spark;
  const audit = m as ModelRecord & { lastVerifiedAt?: string; differences?: number; lastWebhookAt?: string };
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
    connectionId: m.connectionId,
    needsReconnect: failing && m.lastErrorCode === 'auth',
    consecutiveFailures: m.consecutiveFailures,
    behind: m.behind,
    period: sumModel(data.modelDays, m.modelId, lists.period),
    previous: sumModel(data.modelDays, m.modelId, lists.previous),
    spark: {
      gross: sparkDays.map((d) => data.modelDays.get(d)?.get(m.modelId)?.gross ?? 0),
      net: sparkDays.map((d) => data.modelDays.get(d)?.get(m.modelId)?.net ?? 0),
    },
    imported: m.cursor !== undefined,
    lastWebhookAt: audit.lastWebhookAt ?? null,
    ...(audit.lastVerifiedAt !== undefined && { lastVerifiedAt: audit.lastVerifiedAt }),
    ...(audit.differences !== undefined && { differences: audit.differences }),
  };
}

/** Builds the `GET /api/dashboard` body for a resolved period: zero-filled days, models sorted by name. */
export function buildDashboard(input: {
  agency: { id: string; name: string; pendingTimeZone?: string };
  data: DashboardData;
  now: number;
  cfg: FreshnessConfig;
  period: ResolvedPeriod;
}): DashboardResponse {
  const { data, now, cfg, period } = input;
  const a = data.agencyTotals;
  const enabled = data.models.filter((m) => m.enabled);
  const lists = modelDayLists(period);
  return {
    agency: { id: input.agency.id, name: input.agency.name },
    generatedAt: new Date(now).toISOString(),
    freshness: { syncIntervalMs: cfg.syncIntervalMs, liveWithinMs: cfg.liveWithinMs },
    totals: { gross: a.gross, net: a.net, count: a.count, bySource: { ...a.bySource } },
    daily: daysOf(period.from, period.to).map((day) => {
      const d = data.days.get(day);
      return { day, gross: d?.gross ?? 0, net: d?.net ?? 0, count: d?.count ?? 0 };
    }),
    period: {
      key: period.key,
      from: period.from,
      to: period.to,
      days: period.days,
      timeZone: period.timeZone,
      today: period.today,
      previous: { ...period.previous },
      ...(input.agency.pendingTimeZone !== undefined && { pendingTimeZone: input.agency.pendingTimeZone }),
    },
    current: sumDays(data.days, period),
    previous: sumDays(data.days, period.previous),
    importing: { models: enabled.length, done: enabled.filter((m) => m.cursor !== undefined).length },
    models: data.models
      .map((m) => toModel(m, data, period, now, cfg, lists))
      .sort(
        (x, y) =>
          x.displayName.localeCompare(y.displayName, 'en', { numeric: true }) || x.modelId.localeCompare(y.modelId),
      ),
  };
}
