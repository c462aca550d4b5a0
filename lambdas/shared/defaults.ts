/**
 * Every rule and default that more than one part reads, written once: the Lambdas, the CDK
 * app (infra/), the local stack (local/) and the dashboard (frontend/) import them from here,
 * as they import the table definitions, so none can drift. Plain constants, no imports.
 */

/** Fanvue's public API (no version prefix in paths). */
export const FANVUE_API_BASE_URL = 'https://api.fanvue.com';
/** Fanvue's OAuth server; `/oauth2/auth` and `/oauth2/token` live below it. */
export const FANVUE_AUTH_BASE_URL = 'https://auth.fanvue.com';

/** Minutes between scheduled fan-outs: the EventBridge rule's `rate(10 minutes)`. */
export const DEFAULT_SCHEDULE_MINUTES = 10;
/** The schedule as an EventBridge expression (also what `npm start` runs locally). */
export const DEFAULT_SCHEDULE_EXPRESSION = `rate(${DEFAULT_SCHEDULE_MINUTES} minutes)`;
/** The default sync interval in ms (the schedule's). */
export const DEFAULT_SYNC_INTERVAL_MS = DEFAULT_SCHEDULE_MINUTES * 60_000;

/** Slack added to two intervals by {@link liveWithinMs}. */
const LIVE_SLACK_MS = 120_000;

/**
 * The freshness rule: a model is Live while its last successful sync is within two
 * intervals plus two minutes, so one slow or skipped cycle between two healthy syncs never
 * flickers Live to Stale. The dashboard's Live/Stale and the fan-out's StaleModels metric
 * (and its alarm) both use it.
 */
export function liveWithinMs(syncIntervalMs: number): number {
  return 2 * syncIntervalMs + LIVE_SLACK_MS;
}

/** Work budget of one sync invocation, ms. @default 240000 */
export const DEFAULT_SYNC_BUDGET_MS = 240_000;
/** Margin between a sync's budget and its Lambda timeout (and its lease): timeout = budget + this. */
export const SYNC_TIMEOUT_MARGIN_MS = 60_000;
/** Look-back overlap of every incremental window, minutes. */
export const DEFAULT_SYNC_LOOKBACK_MINUTES = 60;
/** Fanvue earnings page size (the API's maximum). */
export const DEFAULT_SYNC_PAGE_SIZE = 50;
/** Where a model's first sync starts. */
export const DEFAULT_SYNC_BACKFILL_FROM = '2020-01-01T00:00:00.000Z';
/** Async sync invocations the fan-out keeps in flight. */
export const DEFAULT_FANOUT_CONCURRENCY = 10;
/**
 * Reserved concurrency of the sync Lambda; 0 = none. Opt-in, because AWS refuses a reservation that
 * leaves less than 100 of the account's concurrency unreserved (new accounts often have 10 in all).
 */
export const DEFAULT_SYNC_RESERVED_CONCURRENCY = 0;

/** Days of history the daily source audit re-reads from Fanvue and compares with the stored rows. */
export const DEFAULT_AUDIT_DAYS = 7;
/** When the daily source audit runs (EventBridge cron, UTC): 03:10, after the day's quiet hours begin. */
export const DEFAULT_AUDIT_SCHEDULE = { hour: '3', minute: '10' } as const;

/** Reconciliation's second look before repairing, ms, so in-flight stream records are not repaired twice. */
export const DEFAULT_RECONCILE_SETTLE_MS = 10_000;
