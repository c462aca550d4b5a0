import * as z from 'zod/mini';
import { PERIOD_KEYS } from './period';

/**
 * The dashboard API's response contract and the pure freshness rules, shared by
 * the API handler and the React app. No node or AWS imports here, and only
 * `zod/mini` (tree-shakable), so the browser bundle stays small.
 */

/** Model sync statuses; mirrors `SYNC_STATUSES` of `domain/model` (a unit test keeps them equal). */
export const DASHBOARD_SYNC_STATUSES = ['idle', 'syncing', 'ok', 'error'] as const;
/** What a live indicator shows. */
export const FRESHNESS_STATES = ['live', 'syncing', 'stale'] as const;
export type Freshness = (typeof FRESHNESS_STATES)[number];

const cents = z.int();
const count = z.int().check(z.minimum(0));
const isoTime = z.iso.datetime();
const day = z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/));

/** Gross, net (integer USD cents) and row count. */
export const MoneyTotalsSchema = z.object({ gross: cents, net: cents, count });
export type MoneyTotals = z.infer<typeof MoneyTotalsSchema>;

/** Timing rules the server applies; sent along so the app applies the same ones between polls. */
export const FreshnessConfigSchema = z.object({
  syncIntervalMs: z.int().check(z.positive()),
  /** From the freshness rule, `liveWithinMs()` in shared/defaults, unless configured. */
  liveWithinMs: z.int().check(z.positive()),
});
export type FreshnessConfig = z.infer<typeof FreshnessConfigSchema>;

/** Gross, net and count per source category. */
export const BySourceSchema = z.record(z.string(), MoneyTotalsSchema);

/** A period's figures: totals and per source. */
export const PeriodFiguresSchema = z.object({ gross: cents, net: cents, count, bySource: BySourceSchema });
export type PeriodFigures = z.infer<typeof PeriodFiguresSchema>;

/** The resolved period the figures are for, in the agency's zone (both ends inclusive, local days). */
export const PeriodInfoSchema = z.object({
  key: z.enum(PERIOD_KEYS),
  from: day,
  to: day,
  days: z.int().check(z.positive()),
  timeZone: z.string(),
  today: day,
  previous: z.object({ from: day, to: day }),
  /** Set while the agency's figures are being rebuilt for a new zone (they stay in `timeZone` until then). */
  pendingTimeZone: z.optional(z.string()),
});
export type PeriodInfo = z.infer<typeof PeriodInfoSchema>;

/** One model's card. */
export const DashboardModelSchema = z.object({
  modelId: z.string().check(z.minLength(1)),
  displayName: z.string(),
  enabled: z.boolean(),
  totals: MoneyTotalsSchema,
  status: z.enum(DASHBOARD_SYNC_STATUSES),
  lastSuccessAt: z.nullable(isoTime),
  lastSyncStartedAt: z.nullable(isoTime),
  nextSyncDueAt: z.nullable(isoTime),
  freshness: z.enum(FRESHNESS_STATES),
  /** User-readable reason the last syncs failed; null while healthy. */
  lastError: z.nullable(z.string()),
  /** The Fanvue connection this model reads through (what "Reconnect" renews). */
  connectionId: z.optional(z.string()),
  /** Fanvue access was revoked or expired for good: only reconnecting the connection helps. */
  needsReconnect: z.optional(z.boolean()),
  consecutiveFailures: count,
  /** True while a backfill or an interrupted window is still being read. */
  behind: z.boolean(),
  /** The period's and the comparison period's figures. */
  period: MoneyTotalsSchema,
  previous: MoneyTotalsSchema,
  /** Daily gross and net of the {@link SPARK_DAYS} local days ending with the period's last day, oldest first. */
  spark: z.object({ gross: z.array(cents), net: z.array(cents) }),
  /** True once a full history import finished (the first complete sync). */
  imported: z.boolean(),
  /** When a Fanvue webhook last asked for this model's sync; null when it only follows the schedule. */
  lastWebhookAt: z.optional(z.nullable(isoTime)),
  /** When the source audit last compared this model with Fanvue, and how many rows differed. */
  lastVerifiedAt: z.optional(z.nullable(isoTime)),
  differences: z.optional(z.nullable(count)),
});
export type DashboardModel = z.infer<typeof DashboardModelSchema>;

/** `GET /api/dashboard` response body. */
export const DashboardResponseSchema = z.object({
  agency: z.object({ id: z.string(), name: z.string() }),
  generatedAt: isoTime,
  freshness: FreshnessConfigSchema,
  totals: z.object({
    gross: cents,
    net: cents,
    count,
    bySource: z.record(z.string(), MoneyTotalsSchema),
  }),
  /** The period's local days (zero-filled), oldest first. */
  daily: z.array(z.object({ day, gross: cents, net: cents, count })),
  period: PeriodInfoSchema,
  /** Figures for the period and for the comparison period of the same length right before it. */
  current: PeriodFiguresSchema,
  previous: PeriodFiguresSchema,
  /** First import: how many enabled models have finished importing their history. */
  importing: z.object({ models: count, done: count }),
  models: z.array(DashboardModelSchema),
});
export type DashboardResponse = z.infer<typeof DashboardResponseSchema>;

/** The fields of a model the freshness rules read. */
export interface FreshnessInput {
  status: (typeof DASHBOARD_SYNC_STATUSES)[number];
  lastSuccessAt?: string | null | undefined;
  lastSyncStartedAt?: string | null | undefined;
}

function ms(iso: string | null | undefined): number | undefined {
  if (!iso) return undefined;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? undefined : t;
}

/**
 * Live / Syncing / Stale for one model at `now` (epoch ms).
 * Syncing needs a start within one interval (an older one is a crashed run whose
 * lease has lapsed); Live needs a success within `liveWithinMs` (inclusive).
 */
export function modelFreshness(model: FreshnessInput, now: number, cfg: FreshnessConfig): Freshness {
  const started = ms(model.lastSyncStartedAt);
  if (model.status === 'syncing' && started !== undefined && now - started < cfg.syncIntervalMs) return 'syncing';
  const success = ms(model.lastSuccessAt);
  if (success !== undefined && now - success <= cfg.liveWithinMs) return 'live';
  return 'stale';
}

/**
 * When the next scheduled sync is due: the first multiple of the interval
 * (the schedule's ticks) after the last start, else one interval after the
 * last success; null when the model never synced. Independent of the current
 * time, so an unchanged model keeps an unchanged response (and ETag); a value
 * in the past means the sync is overdue.
 */
export function nextSyncDueAt(model: FreshnessInput, cfg: Pick<FreshnessConfig, 'syncIntervalMs'>): number | null {
  const started = ms(model.lastSyncStartedAt);
  if (started !== undefined) return (Math.floor(started / cfg.syncIntervalMs) + 1) * cfg.syncIntervalMs;
  const success = ms(model.lastSuccessAt);
  return success === undefined ? null : success + cfg.syncIntervalMs;
}

/** The agency card's combined state. */
export interface AgencyFreshness {
  state: Freshness;
  live: number;
  syncing: number;
  stale: number;
}

/**
 * Worst/combined state over the enabled models: syncing if any is syncing,
 * live if all are live, else stale (with how many are stale). No enabled
 * model counts as stale: there is nothing live to show.
 */
export function agencyFreshness(
  models: readonly (FreshnessInput & { enabled?: boolean })[],
  now: number,
  cfg: FreshnessConfig,
): AgencyFreshness {
  const out: AgencyFreshness = { state: 'stale', live: 0, syncing: 0, stale: 0 };
  for (const m of models) {
    if (m.enabled === false) continue;
    out[modelFreshness(m, now, cfg)] += 1;
  }
  if (out.syncing > 0) out.state = 'syncing';
  else if (out.live > 0 && out.stale === 0) out.state = 'live';
  return out;
}

const ERROR_TEXT: Readonly<Record<string, string>> = {
  auth: 'Fanvue access was revoked: reconnect this model',
  rate_limited: 'Fanvue rate limit: will retry next cycle',
  malformed: 'Fanvue sent data we could not read; nothing was lost, we will retry',
  unavailable: 'Fanvue is not responding; we will retry next cycle',
  budget: 'Sync ran out of time; it will continue where it stopped next cycle',
  api_version_sunset: 'Fanvue retired the API version we use: an update is needed',
  request_rejected: 'Fanvue rejected the request; we will retry next cycle',
  secret_not_found: "This model's Fanvue connection is missing: reconnect this model",
  internal: 'Something went wrong on our side; we will retry next cycle',
};

/** Puts a stored error code in words a user understands (never the raw technical message). */
export function describeSyncError(code: string | undefined): string {
  return (code && ERROR_TEXT[code]) ?? 'Sync failed; we will retry next cycle';
}

/** `GET /api/models/{modelId}?period=`: one model's page. */
export const ModelDetailResponseSchema = z.object({
  freshness: FreshnessConfigSchema,
  model: DashboardModelSchema,
  period: PeriodInfoSchema,
  current: PeriodFiguresSchema,
  previous: PeriodFiguresSchema,
  daily: z.array(z.object({ day, gross: cents, net: cents, count })),
  /** The last run in plain figures. */
  lastRun: z.object({
    startedAt: z.nullable(isoTime),
    finishedAt: z.nullable(isoTime),
    rows: count,
    rowsEver: count,
  }),
});
export type ModelDetailResponse = z.infer<typeof ModelDetailResponseSchema>;

/** One stored transaction as the model page lists it. */
export const TransactionRowSchema = z.object({
  /** The row's stable key (`transactionOrderId` or fingerprint). */
  key: z.string(),
  date: isoTime,
  source: z.string(),
  category: z.string(),
  gross: cents,
  net: cents,
  status: z.nullable(z.string()),
  fanHandle: z.nullable(z.string()),
  /** A refund or chargeback (a negative row). */
  refund: z.boolean(),
});
export type TransactionRow = z.infer<typeof TransactionRowSchema>;

/** `GET /api/models/{modelId}/transactions?limit=&cursor=`: newest first, one page. */
export const TransactionsPageSchema = z.object({
  items: z.array(TransactionRowSchema),
  /** Opaque; pass back as `cursor` for the next (older) page. Null on the last page. */
  nextCursor: z.nullable(z.string()),
});
export type TransactionsPage = z.infer<typeof TransactionsPageSchema>;
