import * as z from 'zod/mini';
import { describeSyncError } from './dashboard';
import type { SyncRunRecord } from './sync-history';

/**
 * The model page's sync history as the API sends it and the React app reads it, with the
 * words it shows. No node or AWS imports here, and only `zod/mini`, so the browser bundle stays small.
 */

/** What started a run (the `reason` of its invoke payload; anything unknown is `other`). */
export const RUN_TRIGGERS = [
  'schedule',
  'manual',
  'dashboard',
  'webhook',
  'connect',
  'reconnect',
  'enable',
  'startup',
  'other',
] as const;
export type RunTrigger = (typeof RUN_TRIGGERS)[number];

/**
 * How a run ended: caught up (`ok`), stopped for its budget with a resumable state (`partial`),
 * failed (`error`), or did nothing because another run held the model's lease (`already_running`),
 * the model is disconnected (`disabled`) or, for an audit, was never synced (`not_synced`).
 */
export const RUN_OUTCOMES = ['ok', 'partial', 'error', 'already_running', 'disabled', 'not_synced'] as const;
export type RunOutcome = (typeof RUN_OUTCOMES)[number];

/** A sync, or the daily source audit (which runs under the same lease). */
export const RUN_KINDS = ['sync', 'audit'] as const;
export type RunKind = (typeof RUN_KINDS)[number];

const count = z.int().check(z.minimum(0));
const isoTime = z.iso.datetime();

/** One run on the model page. */
export const SyncRunViewSchema = z.object({
  /** Unique within the model (end time and run id). */
  id: z.string(),
  kind: z.enum(RUN_KINDS),
  trigger: z.enum(RUN_TRIGGERS),
  outcome: z.enum(RUN_OUTCOMES),
  startedAt: isoTime,
  endedAt: isoTime,
  pages: count,
  rowsFetched: count,
  rowsStored: count,
  /** The committed cursor (newest stored row) before and after the run; null: none yet. */
  cursorFrom: z.nullable(isoTime),
  cursorTo: z.nullable(isoTime),
  /** An audit's differences (missing here plus gone from Fanvue); null for a sync. */
  differences: z.nullable(count),
  /** Why it failed, in plain words; null unless it failed. */
  error: z.nullable(z.string()),
});
export type SyncRunView = z.infer<typeof SyncRunViewSchema>;

/** `GET /api/models/{modelId}/runs?limit=`: the latest runs, newest first. */
export const SyncRunsResponseSchema = z.object({ runs: z.array(SyncRunViewSchema) });
export type SyncRunsResponse = z.infer<typeof SyncRunsResponseSchema>;

/** A stored run as the page shows it: the error code put in words, never sent as it is. */
export function toRunView(run: SyncRunRecord): SyncRunView {
  return {
    id: `${run.endedAt}#${run.runId}`,
    kind: run.kind,
    trigger: run.trigger,
    outcome: run.outcome,
    startedAt: run.startedAt,
    endedAt: run.endedAt,
    pages: run.pages,
    rowsFetched: run.rowsFetched,
    rowsStored: run.rowsStored,
    cursorFrom: run.cursorFrom ?? null,
    cursorTo: run.cursorTo ?? null,
    differences: run.differences ?? null,
    error: run.outcome === 'error' ? describeSyncError(run.errorCode) : null,
  };
}

const TRIGGER_TEXT: Readonly<Record<RunTrigger, string>> = {
  schedule: 'Schedule',
  manual: 'Manual',
  dashboard: 'Sync now',
  webhook: 'Fanvue webhook',
  connect: 'Connected',
  reconnect: 'Reconnected',
  enable: 'Re-enabled',
  startup: 'Start-up (local)',
  other: 'Other',
};

/** Who or what started a run, in words. */
export function triggerText(run: Pick<SyncRunView, 'trigger' | 'kind'>): string {
  const who = TRIGGER_TEXT[run.trigger];
  return run.kind === 'audit' ? `${who} (source audit)` : who;
}

/** How a run ended, in words (an audit's differences included). */
export function outcomeText(run: Pick<SyncRunView, 'outcome' | 'kind' | 'differences'>): string {
  const audit = run.kind === 'audit';
  switch (run.outcome) {
    case 'ok':
      return audit ? `Verified against Fanvue: ${differencesText(run.differences)}` : 'Caught up';
    case 'partial':
      return audit
        ? `Partly verified (out of time): ${differencesText(run.differences)}`
        : 'Stopped for time; the next run continues';
    case 'error':
      return 'Failed';
    case 'already_running':
      return 'Skipped: a sync was already running (it reads the news too)';
    case 'disabled':
      return 'Skipped: the model is disconnected';
    case 'not_synced':
      return 'Skipped: not synced yet';
  }
}

function differencesText(n: number | null): string {
  if (!n) return 'no differences';
  return n === 1 ? '1 difference' : `${n} differences`;
}

/** Rows a run read and stored, in words. */
export function rowsText(run: Pick<SyncRunView, 'rowsFetched' | 'rowsStored' | 'pages' | 'outcome'>): string {
  if (run.outcome === 'already_running' || run.outcome === 'disabled' || run.outcome === 'not_synced') return '—';
  const pages = run.pages === 1 ? '1 page' : `${run.pages} pages`;
  return `${run.rowsStored.toLocaleString('en-US')} new or changed of ${run.rowsFetched.toLocaleString('en-US')} read (${pages})`;
}

/** How far a run moved the cursor, in words; null when it did not move. */
export function cursorText(run: Pick<SyncRunView, 'cursorFrom' | 'cursorTo'>): string | null {
  const { cursorFrom: from, cursorTo: to } = run;
  if (!to || from === to) return null;
  const at = `${to.slice(0, 16).replace('T', ' ')} UTC`;
  if (!from) return `Data up to ${at}`;
  return `Data up to ${at} (${spanText(Date.parse(to) - Date.parse(from))} further)`;
}

function spanText(ms: number): string {
  const min = Math.round(ms / 60_000);
  if (min < 1) return 'under a minute';
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 48) return min % 60 ? `${h} h ${min % 60} min` : `${h} h`;
  return `${Math.round(h / 24)} days`;
}
