import { HeartbeatError } from '../shared/errors';
import type { AppLogger, Clock, EarningsReader } from './ports';
import { type RunHistory, type RunTrigger, runReporter } from './sync-history';
import type { ModelStore, TransactionSink } from './sync-ports';
import { SyncRun } from './sync-run';

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
  /** Where each run's record goes when it ends (never part of the rows or the cursor). */
  runs: RunHistory;
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

/**
 * Syncs one model: takes its lease, reads only the earnings rows since its
 * cursor (minus the look-back), writes them idempotently, checkpoints after
 * every durably written page (see {@link SyncRun}), and records the outcome
 * on the model. A model-level failure is recorded and returned, not thrown.
 * Every run that found the model (even one that found it syncing) leaves a record in
 * the run history, written after the rows and the cursor and before the model's status.
 */
export async function syncModel(
  deps: SyncDeps,
  modelId: string,
  owner: string,
  trigger: RunTrigger = 'manual',
): Promise<SyncOutcome> {
  const { models, clock, logger, config } = deps;
  const startedAt = clock.now();
  const lease = await models.acquireLease(modelId, owner, startedAt, config.leaseMs);
  if (lease.kind === 'missing') return { status: 'not_found', modelId };
  const model = lease.model;
  const report = runReporter(deps.runs, logger, () => clock.now(), {
    modelId,
    agencyId: model.agencyId,
    owner,
    kind: 'sync',
    trigger,
    startedAt,
    cursorFrom: model.cursor,
    cursorTo: model.cursor,
  });
  if (lease.kind === 'held') {
    await report({ outcome: 'already_running' });
    return { status: 'already_running', modelId };
  }
  if (!model.enabled) {
    await report({ outcome: 'disabled' });
    await models.finish(modelId, owner, {
      status: 'ok',
      finishedAt: new Date(clock.now()).toISOString(),
      lastRunRows: 0,
      behind: false,
    });
    return { status: 'disabled', modelId };
  }

  const run = new SyncRun(deps, model, owner, startedAt);
  const outcome = (status: 'ok' | 'partial' | 'error', error?: { code: string; message: string }): SyncOutcome => ({
    status,
    modelId,
    pages: run.pages,
    rowsWritten: run.rowsWritten,
    cursor: run.cursor,
    ...(error && { error }),
  });
  const reportRun = (status: 'ok' | 'partial' | 'error', errorCode?: string) =>
    report({
      outcome: status,
      pages: run.pages,
      rowsFetched: run.rowsFetched,
      rowsStored: run.rowsWritten,
      cursorTo: run.cursor,
      errorCode,
    });
  const finish = (status: 'ok' | 'error', behind: boolean, error?: { code: string; message: string }) =>
    models.finish(modelId, owner, {
      status,
      finishedAt: new Date(clock.now()).toISOString(),
      lastRunRows: run.rowsWritten,
      behind,
      ...(error && { error }),
    });

  try {
    const result = await run.execute();
    await reportRun(result);
    await finish('ok', result === 'partial');
    if (result === 'partial')
      logger.info('sync budget reached, stopping with a resumable cursor', {
        modelId,
        pages: run.pages,
        rowsWritten: run.rowsWritten,
      });
    else logger.info('sync complete', { modelId, pages: run.pages, rowsWritten: run.rowsWritten, cursor: run.cursor });
    return outcome(result);
  } catch (err) {
    if (err instanceof LeaseLostError) {
      logger.warn('lease lost mid-sync, stopping', { modelId });
      await reportRun('partial');
      return outcome('partial');
    }
    const error =
      err instanceof HeartbeatError
        ? { code: err.code, message: err.message }
        : { code: 'internal', message: 'internal error while syncing' };
    logger.error('sync failed', {
      modelId,
      code: error.code,
      errorMessage: error.message,
      pages: run.pages,
      rowsWritten: run.rowsWritten,
    });
    await reportRun('error', error.code);
    await finish('error', true, error);
    if (!(err instanceof HeartbeatError)) throw err;
    return outcome('error', error);
  }
}
