import { HeartbeatError } from '../shared/errors';
import type { AuditRecord, AuditStore, StoredRowsReader } from './audit-ports';
import { DeadlineReachedError } from './errors';
import type { ModelRecord } from './model';
import type { AppLogger, Clock, EarningsReader } from './ports';
import { type OrdinalCounter, toStoredRows } from './row-key';
import { SLICE_OVERLAP_MS } from './slice';
import { type RunHistory, type RunTrigger, runReporter } from './sync-history';
import type { TransactionSink } from './sync-ports';
import type { StoredTransaction } from './transaction';

const DAY_MS = 86_400_000;

/** Tunables of the source audit. */
export interface AuditConfig {
  /** Days re-read behind now. @default 7 */
  days: number;
  /** The sync's look-back: rows newer than `cursor - lookback` are the sync's, not the audit's. */
  lookbackMs: number;
  pageSize: number;
  budgetMs: number;
  reserveMs: number;
  leaseMs: number;
}

export interface AuditDeps {
  models: AuditStore;
  stored: StoredRowsReader;
  transactions: TransactionSink;
  /** The run history the model page shows (audits appear there as their own kind). */
  runs: RunHistory;
  reader: EarningsReader;
  clock: Clock;
  logger: AppLogger;
  config: AuditConfig;
}

/** What one audit run did. */
export type AuditOutcome =
  | { status: 'already_running' | 'not_found' | 'disabled' | 'not_synced'; modelId: string }
  | ({ status: 'ok' | 'partial'; modelId: string; pages: number } & Omit<AuditRecord, 'at' | 'complete'>)
  | { status: 'error'; modelId: string; pages: number; error: { code: string; message: string } };

/** The item's defined attributes in key order: equal strings mean rewriting would change nothing. */
const canonical = (t: StoredTransaction) =>
  JSON.stringify(
    Object.entries(t)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1)),
  );

/**
 * The source audit of one model: inside the model's lease, re-reads from Fanvue the last
 * `days` days that the sync no longer re-reads (older than `cursor - lookback`), one day
 * at a time, and compares them with the stored rows of the same range. Rows missing here
 * are stored (the stream and the aggregator then update the totals); rows whose stored
 * copy differs are rewritten; rows here that Fanvue no longer returns are reported, never
 * deleted. Keys are computed as the sync computes them (ordinals over the whole day read,
 * which holds all identical rows of a timestamp or none), so a row is never stored twice.
 */
export async function auditModel(
  deps: AuditDeps,
  modelId: string,
  owner: string,
  trigger: RunTrigger = 'manual',
): Promise<AuditOutcome> {
  const { models, clock, config, logger } = deps;
  const startedAt = clock.now();
  const lease = await models.acquireAuditLease(modelId, owner, startedAt, config.leaseMs);
  if (lease.kind === 'missing') return { status: 'not_found', modelId };
  const model = lease.model;
  const report = runReporter(deps.runs, logger, () => clock.now(), {
    modelId,
    agencyId: model.agencyId,
    owner,
    kind: 'audit',
    trigger,
    startedAt,
  });
  if (lease.kind === 'held') {
    await report({ outcome: 'already_running' });
    return { status: 'already_running', modelId };
  }
  const from = startedAt - config.days * DAY_MS;
  const to = model.cursor ? Math.min(startedAt, Date.parse(model.cursor) - config.lookbackMs) : undefined;
  const counts = { rowsChecked: 0, missing: 0, gone: 0, updated: 0 };
  let pages = 0;
  let verifiedTo = from;
  const record = (complete: boolean): AuditRecord => ({
    at: new Date(clock.now()).toISOString(),
    from: new Date(from).toISOString(),
    to: new Date(Math.max(from, complete && to !== undefined ? to : verifiedTo)).toISOString(),
    complete,
    ...counts,
  });
  if (!model.enabled || to === undefined) {
    await report({ outcome: model.enabled ? 'not_synced' : 'disabled' });
    await models.finishAudit(modelId, owner, { ...record(false), to: new Date(from).toISOString() });
    return { status: model.enabled ? 'not_synced' : 'disabled', modelId };
  }

  const deadline = startedAt + config.budgetMs;
  try {
    for (let dayStart = from; dayStart < to; dayStart += DAY_MS) {
      if (deadline - clock.now() < config.reserveMs) break;
      const dayEnd = Math.min(dayStart + DAY_MS, to);
      const day = await auditRange(deps, model, dayStart, dayEnd, deadline);
      pages += day.pages;
      counts.rowsChecked += day.rowsChecked;
      counts.missing += day.missing;
      counts.gone += day.gone;
      counts.updated += day.updated;
      verifiedTo = dayEnd;
    }
  } catch (err) {
    if (!(err instanceof DeadlineReachedError)) {
      const error =
        err instanceof HeartbeatError
          ? { code: err.code, message: err.message }
          : { code: 'internal', message: 'internal error while auditing' };
      logger.error('audit failed', { modelId, code: error.code, errorMessage: error.message });
      await report({ outcome: 'error', pages, ...auditRows(counts), errorCode: error.code });
      await models.finishAudit(modelId, owner, record(false));
      if (!(err instanceof HeartbeatError)) throw err;
      return { status: 'error', modelId, pages, error };
    }
  }
  const complete = verifiedTo >= to;
  const result = record(complete);
  await report({ outcome: complete ? 'ok' : 'partial', pages, ...auditRows(counts) });
  await models.finishAudit(modelId, owner, result);
  const differences = counts.missing + counts.gone;
  const log = differences > 0 ? logger.warn.bind(logger) : logger.info.bind(logger);
  log('model audited against fanvue', { modelId, complete, pages, ...counts });
  return { status: complete ? 'ok' : 'partial', modelId, pages, from: result.from, to: result.to, ...counts };
}

/** An audit's counts as a run record's: rows compared, rows stored (missing or changed), differences. */
function auditRows(c: { rowsChecked: number; missing: number; gone: number; updated: number }) {
  return { rowsFetched: c.rowsChecked, rowsStored: c.missing + c.updated, differences: c.missing + c.gone };
}

/** Compares one range `[start, end)`: Fanvue's rows against the stored ones. */
async function auditRange(
  deps: AuditDeps,
  model: ModelRecord,
  start: number,
  end: number,
  deadline: number,
): Promise<{ pages: number; rowsChecked: number; missing: number; gone: number; updated: number }> {
  const { reader, config, logger } = deps;
  // Read from just before the range (Fanvue's startDate may be exclusive); compare only rows inside it.
  const readFrom = new Date(start - SLICE_OVERLAP_MS).toISOString();
  const ordinals: OrdinalCounter = {};
  const fanvue = new Map<string, StoredTransaction>();
  let pageToken: string | undefined;
  let pages = 0;
  do {
    const page = await reader.readPage({
      connectionId: model.connectionId,
      creatorUuid: model.creatorUuid,
      startDate: readFrom,
      endDate: new Date(end).toISOString(),
      ...(pageToken && { cursor: pageToken }),
      size: config.pageSize,
      deadline: deadline - config.reserveMs / 2,
    });
    pages += 1;
    for (const tx of toStoredRows(page.data, model, ordinals)) {
      const at = Date.parse(tx.date);
      if (at >= start && at < end) fanvue.set(tx.txKey, tx);
    }
    pageToken = page.nextCursor ?? undefined;
  } while (pageToken);

  const stored = new Map(
    (await deps.stored.rowsBetween(model.modelId, new Date(start).toISOString(), new Date(end).toISOString())).map(
      (t) => [t.txKey, t],
    ),
  );
  const write: StoredTransaction[] = [];
  let missing = 0;
  let updated = 0;
  for (const [key, tx] of fanvue) {
    const here = stored.get(key);
    if (!here) missing += 1;
    else if (canonical(here) !== canonical(tx)) updated += 1;
    else continue;
    write.push(tx);
  }
  await deps.transactions.put(write);
  const gone = [...stored.keys()].filter((k) => !fanvue.has(k));
  for (const key of gone.slice(0, 20))
    logger.warn('stored row no longer returned by fanvue (kept)', { modelId: model.modelId, txKey: key });
  return { pages, rowsChecked: fanvue.size, missing, gone: gone.length, updated };
}
