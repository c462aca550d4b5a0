import { createHash } from 'node:crypto';
import { $ZodError } from 'zod/v4/core';
import { FanvueContractError, FanvueError, FanvueRequestError } from '../adapters/fanvue/errors';
import { HeartbeatError } from '../shared/errors';
import type { AppLogger } from '../shared/logger';
import type { EarningRow } from '../adapters/fanvue/schema';
import type { ResumePoint } from './model';
import type { StoredTransaction } from './transaction';
import type { Clock, EarningsReader } from './ports';
import { toStoredTransaction, type OrdinalCounter } from './row-key';
import type { ModelStore, TransactionSink } from './sync-ports';

/** Tunables of one sync run. */
export interface SyncConfig {
  /** Re-read this far behind the cursor so late and same-timestamp rows are never skipped. @default 60 min */
  lookbackMs: number;
  /** Fanvue page size, 1..50. @default 50 */
  pageSize: number;
  /** Where a model's first sync starts (a bounded, resumable backfill). */
  backfillFrom: string;
  /** Time this run may use, well below the Lambda timeout. @default 240 s */
  budgetMs: number;
  /** Stop starting new pages when less than this is left of the budget. @default 5 s */
  reserveMs: number;
  /** Lease length; longer than the budget so a live run never loses it. */
  leaseMs: number;
}

export interface SyncDeps {
  models: ModelStore;
  transactions: TransactionSink;
  reader: EarningsReader;
  clock: Clock;
  logger: AppLogger;
  config: SyncConfig;
}

/** What one run did. */
export type SyncOutcome =
  | { status: 'already_running'; modelId: string }
  | { status: 'not_found'; modelId: string }
  | { status: 'disabled'; modelId: string }
  | {
      status: 'ok' | 'partial' | 'error';
      modelId: string;
      pages: number;
      rowsWritten: number;
      cursor: string | undefined;
      error?: { code: string; message: string };
    };

/** Thrown by a store when another run took the lease over (ours expired). */
export class LeaseLostError extends HeartbeatError {
  constructor(modelId: string) {
    super('lease_lost', `lease on model ${modelId} was taken over by another run`);
  }
}

/** Maps a page's rows; a row we cannot store is a contract break, so nothing of the page is written. */
function toStored(rows: EarningRow[], model: { modelId: string; agencyId: string }, ordinals: OrdinalCounter): StoredTransaction[] {
  try {
    return rows.map((row) => toStoredTransaction(row, model, ordinals));
  } catch (err) {
    if (err instanceof $ZodError) {
      const issue = err.issues[0];
      throw new FanvueContractError(`earnings row rejected: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`, { cause: err });
    }
    throw err;
  }
}

/** Most rows remembered from one window's look-back overlap (beyond it, overlap rows are simply rewritten). */
const MAX_OVERLAP_DIGESTS = 2_000;

/** Digest of everything stored for a row: equal digests mean an identical item. */
function digest(row: StoredTransaction): string {
  return createHash('sha256').update(JSON.stringify(row)).digest('base64url').slice(0, 16);
}

/** Digests of the rows the next run's look-back will read again, or undefined if there are too many to keep. */
function overlapAfter(seen: Map<string, { date: string; digest: string }>, cursor: string | undefined, lookbackMs: number): Record<string, string> | undefined {
  if (cursor === undefined || seen.size > MAX_OVERLAP_DIGESTS) return undefined;
  const from = Date.parse(cursor) - lookbackMs;
  const out: Record<string, string> = {};
  for (const [key, v] of seen) if (Date.parse(v.date) >= from) out[key] = v.digest;
  return out;
}

const maxIso = (a: string | undefined, b: string | undefined): string | undefined =>
  a === undefined ? b : b === undefined ? a : Date.parse(a) >= Date.parse(b) ? a : b;

/**
 * Syncs one model: reads only the earnings rows since its cursor (minus the
 * look-back), writes them idempotently, and checkpoints after every durably
 * written page. A window is read to its end before the cursor moves, because
 * Fanvue does not document its sort order; an unfinished window resumes from
 * its saved page token.
 */
export async function syncModel(deps: SyncDeps, modelId: string, owner: string): Promise<SyncOutcome> {
  const { models, transactions, reader, clock, logger, config } = deps;
  const startedAt = clock.now();
  const lease = await models.acquireLease(modelId, owner, startedAt, config.leaseMs);
  if (lease.kind === 'missing') return { status: 'not_found', modelId };
  if (lease.kind === 'held') return { status: 'already_running', modelId };
  const model = lease.model;
  if (!model.enabled) {
    await models.finish(modelId, owner, { status: 'ok', finishedAt: new Date(clock.now()).toISOString(), lastRunRows: 0, behind: false });
    return { status: 'disabled', modelId };
  }

  const deadline = startedAt + config.budgetMs;
  const freshStart = (from = model.cursor) => new Date(from ? Date.parse(from) - config.lookbackMs : Date.parse(config.backfillFrom)).toISOString();
  let window: ResumePoint | { windowStart: string; windowEnd: string; pageToken?: undefined; highWater?: string; pages: number } =
    model.resume ?? {
      windowStart: freshStart(),
      windowEnd: new Date(startedAt).toISOString(),
      pages: 0,
    };
  // Ordinals of id-less rows are counted over one window read in one run (see canResume below).
  const ordinals: OrdinalCounter = {};
  let known = model.overlap ?? {};
  const seen = new Map<string, { date: string; digest: string }>();
  let cursor = model.cursor;
  let restarted = false;
  let pages = 0;
  let rowsWritten = 0;

  const finish = async (status: 'ok' | 'error', behind: boolean, error?: { code: string; message: string }) => {
    await models.finish(modelId, owner, { status, finishedAt: new Date(clock.now()).toISOString(), lastRunRows: rowsWritten, behind, ...(error && { error }) });
  };

  try {
    for (;;) {
      if (deadline - clock.now() < config.reserveMs) {
        logger.info('sync budget reached, stopping with a resumable cursor', { modelId, pages, rowsWritten });
        await finish('ok', true);
        return { status: 'partial', modelId, pages, rowsWritten, cursor };
      }
      let page;
      try {
        page = await reader.readPage({
          connectionId: model.connectionId,
          creatorUuid: model.creatorUuid,
          startDate: window.windowStart,
          endDate: window.windowEnd,
          ...(window.pageToken && { cursor: window.pageToken }),
          size: config.pageSize,
          deadline: deadline - config.reserveMs / 2,
        });
      } catch (err) {
        // A saved page token Fanvue no longer accepts: re-read the window from the committed cursor, once.
        if (!(err instanceof FanvueRequestError) || !window.pageToken || restarted) throw err;
        logger.warn('saved page token rejected, restarting the window', { modelId });
        restarted = true;
        window = { windowStart: freshStart(cursor), windowEnd: new Date(startedAt).toISOString(), pages: 0 };
        for (const k of Object.keys(ordinals)) delete ordinals[k];
        continue;
      }
      const pageOrdinals = { ...ordinals };
      const rows = toStored(page.data, model, pageOrdinals);
      // Rows of the look-back overlap that the last run stored unchanged are not written again.
      const changed = rows.filter((r) => known[r.txKey] !== digest(r));
      await transactions.put(changed);
      for (const r of rows) if (seen.size <= MAX_OVERLAP_DIGESTS) seen.set(r.txKey, { date: r.date, digest: digest(r) });
      Object.assign(ordinals, pageOrdinals);
      const highWater = rows.reduce<string | undefined>((hw, r) => maxIso(hw, r.date), window.highWater);
      pages += 1;
      rowsWritten += changed.length;
      if (page.nextCursor === null) {
        cursor = maxIso(cursor, highWater);
        const overlap = overlapAfter(seen, cursor, config.lookbackMs);
        const { rerunRequested } = await models.checkpoint(modelId, owner, {
          ...(cursor && { cursor }), resume: null, rows: changed.length, overlap, windowComplete: true,
        });
        // Read on up to now when that window was left by an earlier run, or when a trigger
        // (webhook, manual) arrived while this run held the lease.
        const leftBehind = Date.parse(window.windowEnd) < startedAt;
        if ((leftBehind || rerunRequested) && deadline - clock.now() >= config.reserveMs) {
          if (rerunRequested) logger.info('trigger arrived mid-sync, reading one more window', { modelId });
          window = { windowStart: freshStart(cursor), windowEnd: new Date(leftBehind ? startedAt : clock.now()).toISOString(), pages: 0 };
          for (const k of Object.keys(ordinals)) delete ordinals[k];
          known = overlap ?? {};
          seen.clear();
          continue;
        }
        await finish('ok', false);
        logger.info('sync complete', { modelId, pages, rowsWritten, cursor });
        return { status: 'ok', modelId, pages, rowsWritten, cursor };
      }
      // Id-less rows are keyed by ordinals that are only stable over one uninterrupted read of the
      // window: a page token resumed later may skip or repeat rows if late rows shifted the pages.
      // So a window holding id-less rows restarts from the cursor instead of resuming.
      const canResume = Object.keys(ordinals).length === 0;
      window = {
        windowStart: window.windowStart,
        windowEnd: window.windowEnd,
        pageToken: page.nextCursor,
        ...(highWater && { highWater }),
        pages: window.pages + 1,
      };
      await models.checkpoint(modelId, owner, { resume: canResume ? (window as ResumePoint) : null, rows: changed.length });
    }
  } catch (err) {
    if (err instanceof LeaseLostError) {
      logger.warn('lease lost mid-sync, stopping', { modelId });
      return { status: 'partial', modelId, pages, rowsWritten, cursor };
    }
    const error = err instanceof HeartbeatError ? { code: err.code, message: err.message } : { code: 'internal', message: 'internal error while syncing' };
    logger.error('sync failed', { modelId, code: error.code, errorMessage: error.message, pages, rowsWritten });
    await finish('error', true, error);
    if (!(err instanceof FanvueError) && !(err instanceof HeartbeatError)) throw err;
    return { status: 'error', modelId, pages, rowsWritten, cursor, error };
  }
}
