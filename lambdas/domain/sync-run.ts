import { createHash } from 'node:crypto';
import { $ZodError } from 'zod/v4/core';
import type { EarningRow, EarningsPage } from './earnings';
import { PageTokenRejectedError, SourceContractError } from './errors';
import type { ModelRecord, ResumePoint } from './model';
import { type OrdinalCounter, toStoredTransaction } from './row-key';
import type { SyncDeps } from './sync';
import type { StoredTransaction } from './transaction';

/** The window being read: bounds as sent to Fanvue, where to go on, newest row so far. */
type Window = Omit<ResumePoint, 'pageToken'> & { pageToken?: string | undefined };

/** Most rows remembered from one window's look-back overlap (beyond it, overlap rows are simply rewritten). */
const MAX_OVERLAP_DIGESTS = 2_000;

/** Digest of everything stored for a row: equal digests mean an identical item. */
function digest(row: StoredTransaction): string {
  return createHash('sha256').update(JSON.stringify(row)).digest('base64url').slice(0, 16);
}

const maxIso = (a: string | undefined, b: string | undefined): string | undefined =>
  a === undefined ? b : b === undefined ? a : Date.parse(a) >= Date.parse(b) ? a : b;

/** Maps a page's rows; a row we cannot store is a contract break, so nothing of the page is written. */
function toStored(
  rows: EarningRow[],
  model: { modelId: string; agencyId: string },
  ordinals: OrdinalCounter,
): StoredTransaction[] {
  try {
    return rows.map((row) => toStoredTransaction(row, model, ordinals));
  } catch (err) {
    if (err instanceof $ZodError) {
      const issue = err.issues[0];
      throw new SourceContractError(
        `earnings row rejected: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`,
        { cause: err },
      );
    }
    throw err;
  }
}

/**
 * One sync run of one model, after its lease was taken: reads windows page by
 * page until it has caught up with now or its budget is spent. Every page is
 * written before anything about it is recorded; the cursor moves only when a
 * window is complete (Fanvue does not document its sort order).
 */
export class SyncRun {
  pages = 0;
  rowsWritten = 0;
  cursor: string | undefined;
  private window: Window;
  /** Ordinals of id-less rows, counted over one window read in one run. */
  private readonly ordinals: OrdinalCounter = {};
  /** Digests of the overlap rows the last completed window stored: unchanged ones are not rewritten. */
  private known: Record<string, string>;
  private readonly seen = new Map<string, { date: string; digest: string }>();
  private restarted = false;
  private readonly deadline: number;

  constructor(
    private readonly deps: SyncDeps,
    private readonly model: ModelRecord,
    private readonly owner: string,
    private readonly startedAt: number,
  ) {
    this.cursor = model.cursor;
    this.known = model.overlap ?? {};
    this.deadline = startedAt + deps.config.budgetMs;
    this.window = model.resume ?? this.freshWindow(startedAt);
  }

  /** Runs until caught up ('ok') or out of budget with a resumable state ('partial'). */
  async execute(): Promise<'ok' | 'partial'> {
    const { clock, config } = this.deps;
    for (;;) {
      if (this.deadline - clock.now() < config.reserveMs) return 'partial';
      const page = await this.readPage();
      if (!page) continue;
      const rows = toStored(page.data, this.model, this.ordinals);
      // Rows of the look-back overlap that the last run stored unchanged are not written again.
      const changed = rows.filter((r) => this.known[r.txKey] !== digest(r));
      await this.deps.transactions.put(changed);
      for (const r of rows)
        if (this.seen.size <= MAX_OVERLAP_DIGESTS) this.seen.set(r.txKey, { date: r.date, digest: digest(r) });
      const highWater = rows.reduce<string | undefined>((hw, r) => maxIso(hw, r.date), this.window.highWater);
      this.pages += 1;
      this.rowsWritten += changed.length;
      if (page.nextCursor === null) {
        if (await this.completeWindow(highWater, changed.length)) continue;
        return 'ok';
      }
      await this.saveResumePoint(page.nextCursor, highWater, changed.length);
    }
  }

  /** The window from the cursor (minus the look-back) or the backfill start, up to `end`. */
  private freshWindow(end: number): Window {
    const { lookbackMs, backfillFrom } = this.deps.config;
    const start = this.cursor ? Date.parse(this.cursor) - lookbackMs : Date.parse(backfillFrom);
    for (const k of Object.keys(this.ordinals)) delete this.ordinals[k];
    return { windowStart: new Date(start).toISOString(), windowEnd: new Date(end).toISOString(), pages: 0 };
  }

  /** The next page, or undefined when a stale saved page token made the window start over. */
  private async readPage(): Promise<EarningsPage | undefined> {
    const { reader, config, logger } = this.deps;
    try {
      return await reader.readPage({
        connectionId: this.model.connectionId,
        creatorUuid: this.model.creatorUuid,
        startDate: this.window.windowStart,
        endDate: this.window.windowEnd,
        ...(this.window.pageToken && { cursor: this.window.pageToken }),
        size: config.pageSize,
        deadline: this.deadline - config.reserveMs / 2,
      });
    } catch (err) {
      // A saved page token Fanvue no longer accepts: re-read the window from the committed cursor, once.
      if (!(err instanceof PageTokenRejectedError) || !this.window.pageToken || this.restarted) throw err;
      logger.warn('saved page token rejected, restarting the window', { modelId: this.model.modelId });
      this.restarted = true;
      this.window = this.freshWindow(this.startedAt);
      return undefined;
    }
  }

  /**
   * Commits a complete window: the cursor moves to its newest row, the overlap digests are
   * replaced. True when another window follows in this run: the finished one was left by an
   * earlier run, or a trigger (webhook, manual) arrived while this run held the lease.
   */
  private async completeWindow(highWater: string | undefined, rows: number): Promise<boolean> {
    const { models, clock, config, logger } = this.deps;
    this.cursor = maxIso(this.cursor, highWater);
    const overlap = this.overlapDigests();
    const { rerunRequested } = await models.checkpoint(this.model.modelId, this.owner, {
      ...(this.cursor && { cursor: this.cursor }),
      resume: null,
      rows,
      overlap,
      windowComplete: true,
    });
    const leftBehind = Date.parse(this.window.windowEnd) < this.startedAt;
    if (!(leftBehind || rerunRequested) || this.deadline - clock.now() < config.reserveMs) return false;
    if (rerunRequested)
      logger.info('trigger arrived mid-sync, reading one more window', { modelId: this.model.modelId });
    this.window = this.freshWindow(leftBehind ? this.startedAt : clock.now());
    this.known = overlap ?? {};
    this.seen.clear();
    return true;
  }

  /**
   * Saves where to go on after a durably written page. Id-less rows are keyed by ordinals that
   * are only stable over one uninterrupted read of a window (a page token resumed later may skip
   * or repeat rows if late rows shifted the pages), so such a window restarts instead of resuming.
   */
  private async saveResumePoint(pageToken: string, highWater: string | undefined, rows: number): Promise<void> {
    this.window = { ...this.window, pageToken, ...(highWater && { highWater }), pages: this.window.pages + 1 };
    const resumable = Object.keys(this.ordinals).length === 0;
    await this.deps.models.checkpoint(this.model.modelId, this.owner, {
      resume: resumable ? (this.window as ResumePoint) : null,
      rows,
    });
  }

  /** Digests of the rows the next run's look-back will read again, or undefined if there are too many to keep. */
  private overlapDigests(): Record<string, string> | undefined {
    if (this.cursor === undefined || this.seen.size > MAX_OVERLAP_DIGESTS) return undefined;
    const from = Date.parse(this.cursor) - this.deps.config.lookbackMs;
    const out: Record<string, string> = {};
    for (const [key, v] of this.seen) if (Date.parse(v.date) >= from) out[key] = v.digest;
    return out;
  }
}
