import * as z from '../shared/zod';
import type { AppLogger } from './ports';
import {
  RUN_KINDS,
  RUN_OUTCOMES,
  RUN_TRIGGERS,
  type RunKind,
  type RunOutcome,
  type RunTrigger,
} from './run-history-view';

/**
 * The history of a model's sync runs: one small record per run (sync or source audit),
 * written when the run ends, kept {@link RUN_HISTORY_TTL_DAYS} days, read newest first
 * by the model's page. It holds counts, times and a domain error code: never a token,
 * an upstream body or a message from Fanvue.
 */

/** How long a run record is kept (the control table's TTL deletes it afterwards). @default 30 days */
export const RUN_HISTORY_TTL_DAYS = 30;
/** Runs the model page asks for unless it says otherwise, and the most it may ask for. */
export const RUN_HISTORY_DEFAULT_LIMIT = 20;
export const RUN_HISTORY_MAX_LIMIT = 100;

export { RUN_KINDS, RUN_OUTCOMES, RUN_TRIGGERS, type RunKind, type RunOutcome, type RunTrigger };

const count = z.number().check(z.int(), z.nonnegative());
/** A domain error code (`auth`, `rate_limited`, ...): lowercase words, nothing else can get through. */
const ERROR_CODE = /^[a-z][a-z0-9_]{0,39}$/;

/** One run as stored. */
export const SyncRunRecordSchema = z.object({
  modelId: z.string().check(z.minLength(1)),
  /** The model's agency when the run ended: a model moved to another agency does not show it its old runs. */
  agencyId: z.string().check(z.minLength(1)),
  /** Short id of the run (from its lease owner), unique with `endedAt`. */
  runId: z.string().check(z.regex(/^[A-Za-z0-9]{1,12}$/)),
  kind: z.enum(RUN_KINDS),
  trigger: z.enum(RUN_TRIGGERS),
  outcome: z.enum(RUN_OUTCOMES),
  startedAt: z.iso.datetime(),
  endedAt: z.iso.datetime(),
  pages: count,
  /** Rows Fanvue returned during the run (an audit: rows compared). */
  rowsFetched: count,
  /** Rows written because they were new or changed (an audit: missing or changed rows stored). */
  rowsStored: count,
  /** The committed cursor before and after the run (absent: none yet / unchanged for an audit). */
  cursorFrom: z.optional(z.iso.datetime()),
  cursorTo: z.optional(z.iso.datetime()),
  /** The domain's error code when the run failed (`describeSyncError` puts it in words). */
  errorCode: z.optional(z.string().check(z.regex(ERROR_CODE))),
  /** An audit's differences: rows missing here plus rows Fanvue no longer returns. */
  differences: z.optional(count),
});
export type SyncRunRecord = z.infer<typeof SyncRunRecordSchema>;

/** Where run records are kept (the control table in DynamoDB, under the model's key). */
export interface RunHistory {
  /** Stores one run; `expiresAt` (epoch seconds) bounds how long it is kept. */
  record(run: SyncRunRecord, expiresAt: number): Promise<void>;
  /** The model's latest `limit` runs, newest (by `endedAt`) first. */
  recent(modelId: string, limit: number): Promise<SyncRunRecord[]>;
}

/**
 * The trigger named by an invoke payload's `reason`: no reason is a hand-started run, `audit` the daily
 * audit rule (a schedule), an unknown one `other`.
 */
export function toRunTrigger(reason: string | undefined): RunTrigger {
  if (reason === undefined) return 'manual';
  if (reason === 'audit') return 'schedule';
  return (RUN_TRIGGERS as readonly string[]).includes(reason) ? (reason as RunTrigger) : 'other';
}

/** What a run reports about itself when it ends. */
export interface RunFacts {
  modelId: string;
  agencyId: string;
  /** The run's lease owner (Lambda request id or a uuid). */
  owner: string;
  kind: RunKind;
  trigger: RunTrigger;
  outcome: RunOutcome;
  /** Epoch ms. */
  startedAt: number;
  endedAt: number;
  pages?: number;
  rowsFetched?: number;
  rowsStored?: number;
  cursorFrom?: string | undefined;
  cursorTo?: string | undefined;
  errorCode?: string | undefined;
  differences?: number;
}

/**
 * The record of one run. The id is the first alphanumerics of the lease owner (enough to tell
 * apart runs that end in the same millisecond); an error code that is not a plain domain code is
 * stored as `internal`, so nothing but a code (never a message or an upstream body) is kept.
 */
export function buildRunRecord(f: RunFacts): SyncRunRecord {
  const runId = f.owner.replace(/[^A-Za-z0-9]/g, '').slice(0, 8) || 'run';
  const errorCode =
    f.outcome === 'error' ? (f.errorCode && ERROR_CODE.test(f.errorCode) ? f.errorCode : 'internal') : undefined;
  return {
    modelId: f.modelId,
    agencyId: f.agencyId,
    runId,
    kind: f.kind,
    trigger: f.trigger,
    outcome: f.outcome,
    startedAt: new Date(f.startedAt).toISOString(),
    endedAt: new Date(Math.max(f.startedAt, f.endedAt)).toISOString(),
    pages: f.pages ?? 0,
    rowsFetched: f.rowsFetched ?? 0,
    rowsStored: f.rowsStored ?? 0,
    ...(f.cursorFrom !== undefined && { cursorFrom: f.cursorFrom }),
    ...(f.cursorTo !== undefined && { cursorTo: f.cursorTo }),
    ...(errorCode !== undefined && { errorCode }),
    ...(f.differences !== undefined && { differences: f.differences }),
  };
}

/** When a run that ended at `endedAt` (epoch ms) expires, in epoch seconds (DynamoDB TTL). */
export function runExpiresAt(endedAt: number): number {
  return Math.ceil(endedAt / 1000) + RUN_HISTORY_TTL_DAYS * 86_400;
}

/**
 * Records a run without ever failing it: the history is a report, not part of the rows or the
 * cursor, so a failed write is logged (code only) and the run goes on.
 */
/** The facts a run knows when it starts; the rest (outcome, figures) come when it ends. */
export type RunStart = Pick<RunFacts, 'modelId' | 'agencyId' | 'owner' | 'kind' | 'trigger' | 'startedAt'> &
  Partial<RunFacts>;

/**
 * What a sync or audit calls once when it ends: records the run with its start facts, the end
 * time read from `now` at that moment, and the outcome and figures given. Never throws.
 */
export function runReporter(
  history: RunHistory,
  logger: AppLogger,
  now: () => number,
  start: RunStart,
): (facts: Pick<RunFacts, 'outcome'> & Partial<RunFacts>) => Promise<void> {
  return (facts) => recordRun(history, logger, { ...start, endedAt: now(), ...facts });
}

export async function recordRun(history: RunHistory, logger: AppLogger, facts: RunFacts): Promise<void> {
  try {
    const run = buildRunRecord(facts);
    await history.record(run, runExpiresAt(facts.endedAt));
  } catch (err) {
    logger.warn('could not record the sync run in the history', {
      modelId: facts.modelId,
      errorName: err instanceof Error ? err.name : 'unknown',
    });
  }
}
