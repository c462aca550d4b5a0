import { createHash } from 'node:crypto';
import type { EarningsPage } from './earnings';
import { DeadlineReachedError, PageTokenRejectedError } from './errors';
import type { ModelRecord, ResumePoint } from './model';
import { type OrdinalCounter, toStoredRows } from './row-key';
import { halve, nextLength, restart, sliceAfter, sliceFrom } from './slice';
import type { SyncDeps } from './sync';
import type { StoredTransaction } from './transaction';

/** Most rows remembered from one window's look-back overlap (beyond it, overlap rows are simply rewritten). */
const MAX_OVERLAP_DIGESTS = 2_000;

/** Digest of everything stored for a row: equal digests mean an identical item. */
function digest(row: StoredTransaction): string {
  return createHash('sha256').update(JSON.stringify(row)).digest('base64url').slice(0, 16);
}

const maxIso = (a: string | undefined, b: string | undefined): string | undefined =>
  a === undefined ? b : b === undefined ? a : Date.parse(a) >= Date.parse(b) ? a : b;

/**
 * One sync run of one model, after its lease was taken: reads its window slice by
 * slice (see `./slice`) until it has caught up with now or its budget is spent. Every
 * page is written before anything about it is recorded; the cursor moves only when a
 * slice is complete (Fanvue does not document its sort order), and the next slice is
 * saved with it, so an interrupted slice restarts or resumes only itself.
 */
export class SyncRun {
  pages = 0;
  /** Rows Fanvue returned (written or not). */
  rowsFetched = 0;
  rowsWritten = 0;
  cursor: string | undefined;
  /** The slice being read (bounds fixed), with the page token and high-water reached so far. */
  private slice!: ResumePoint;
  /** Where this run's window ends: when it started, or later after a rerun request. */
  private target: number;
  /** Ordinals of id-less rows, counted over one whole read of the slice. */
  private readonly ordinals: OrdinalCounter = {};
  /** Digests of the overlap rows the last completed slice stored: unchanged ones are not rewritten. */
  private known: Record<string, string>;
  private seen = new Map<string, { date: string; digest: string }>();
  private readonly deadline: number;
  private sliceStartedAt = 0;
  /** The slice is read from its start with at least half the budget left: if it does not fit, it is halved. */
  private fullAttempt = false;
  /** The slice goes on from a page token saved by an earlier run. */
  private resumed = false;
  /** The slice cannot go on from a page token later: it holds id-less rows, or its token was refused. */
  private tokenless = false;
  private tokenRefused = false;
  private rerunPending = false;

  constructor(
    private readonly deps: SyncDeps,
    private readonly model: ModelRecord,
    private readonly owner: string,
    startedAt: number,
  ) {
    this.cursor = model.cursor;
    this.known = model.overlap ?? {};
    this.deadline = startedAt + deps.config.budgetMs;
    this.target = startedAt;
    this.begin(model.resume ?? this.freshSlice(startedAt));
  }

  /** Runs until caught up ('ok') or out of budget with a resumable state ('partial'). */
  async execute(): Promise<'ok' | 'partial'> {
    const { clock, config } = this.deps;
    for (;;) {
      if (this.deadline - clock.now() < config.reserveMs) return this.stop('budget');
      let page: EarningsPage;
      try {
        page = await this.readPage();
      } catch (err) {
        // Waiting out a 429 (or a backoff) would pass the budget: a budget stop like any other.
        if (err instanceof DeadlineReachedError) return this.stop('deadline');
        if (!(err instanceof PageTokenRejectedError) || !this.slice.pageToken || this.tokenRefused) throw err;
        this.deps.logger.warn('saved page token rejected, restarting the slice', { modelId: this.model.modelId });
        this.begin(restart(this.slice));
        this.tokenRefused = this.tokenless = true;
        continue;
      }
      if (this.resumed && page.data.some((r) => r.transactionOrderId === undefined)) {
        // Id-less rows past a saved page token: their ordinals need the whole slice, read from its start.
        this.begin(restart(this.slice));
        continue;
      }
      const rows = toStoredRows(page.data, this.model, this.ordinals);
      if (Object.keys(this.ordinals).length > 0) this.tokenless = true;
      // Rows of the look-back overlap that the last run stored unchanged are not written again.
      const changed = rows.filter((r) => this.known[r.txKey] !== digest(r));
      await this.deps.transactions.put(changed);
      for (const r of rows)
        if (this.seen.size <= MAX_OVERLAP_DIGESTS) this.seen.set(r.txKey, { date: r.date, digest: digest(r) });
      const highWater = rows.reduce<string | undefined>((hw, r) => maxIso(hw, r.date), this.slice.highWater);
      this.pages += 1;
      this.rowsFetched += page.data.length;
      this.rowsWritten += changed.length;
      if (page.nextCursor === null) {
        if (await this.completeSlice(highWater, changed.length)) continue;
        return 'ok';
      }
      await this.saveResumePoint(page.nextCursor, highWater, changed.length);
    }
  }

  /** Starts reading `slice` (from its page token if it has one). */
  private begin(slice: ResumePoint): void {
    const now = this.deps.clock.now();
    this.slice = slice;
    for (const k of Object.keys(this.ordinals)) delete this.ordinals[k];
    this.resumed = slice.pageToken !== undefined;
    this.tokenless = this.tokenRefused = false;
    this.sliceStartedAt = now;
    this.fullAttempt = !this.resumed && this.deadline - now >= this.deps.config.budgetMs / 2;
  }

  /** The window from the cursor (minus the look-back) or the backfill start, up to `end`, as one slice. */
  private freshSlice(end: number): ResumePoint {
    const { lookbackMs, backfillFrom } = this.deps.config;
    const start = this.cursor ? Date.parse(this.cursor) - lookbackMs : Date.parse(backfillFrom);
    return sliceFrom(start, end, undefined);
  }

  private readPage(): Promise<EarningsPage> {
    const { reader, config } = this.deps;
    return reader.readPage({
      connectionId: this.model.connectionId,
      creatorUuid: this.model.creatorUuid,
      startDate: this.slice.windowStart,
      endDate: this.slice.windowEnd,
      ...(this.slice.pageToken && { cursor: this.slice.pageToken }),
      size: config.pageSize,
      deadline: this.deadline - config.reserveMs / 2,
    });
  }

  /**
   * Stops for the budget. A slice that cannot go on from a page token is saved to restart
   * from its start; if it had most of a run to itself and still did not fit, it is halved.
   */
  private async stop(why: 'budget' | 'deadline'): Promise<'partial'> {
    if (this.tokenless) {
      const next = this.fullAttempt ? halve(this.slice) : restart(this.slice);
      await this.deps.models.checkpoint(this.model.modelId, this.owner, { resume: next, rows: 0 });
      if (this.fullAttempt)
        this.deps.logger.info('slice did not fit in one run, halving it', {
          modelId: this.model.modelId,
          sliceStart: next.windowStart,
          sliceEnd: next.windowEnd,
        });
    }
    if (why === 'deadline')
      this.deps.logger.info('a fanvue wait would pass the budget, stopping', { modelId: this.model.modelId });
    return 'partial';
  }

  /**
   * Commits a complete slice: the cursor moves to its newest row, the next slice of the
   * window (if any) is saved, the overlap digests are replaced. True when reading goes on
   * in this run: the window has more slices, or a trigger (webhook, manual) arrived while
   * this run held the lease and the budget allows one more window.
   */
  private async completeSlice(highWater: string | undefined, rows: number): Promise<boolean> {
    const { models, clock, config, logger } = this.deps;
    this.cursor = maxIso(this.cursor, highWater);
    const len = nextLength(this.slice.sliceMs, clock.now() - this.sliceStartedAt, config.budgetMs);
    const next = sliceAfter(this.slice, this.target, len);
    const nextStart = next
      ? Date.parse(next.windowStart)
      : this.cursor
        ? Date.parse(this.cursor) - config.lookbackMs
        : undefined;
    const overlap = this.overlapDigests(nextStart);
    const { rerunRequested } = await models.checkpoint(this.model.modelId, this.owner, {
      ...(this.cursor && { cursor: this.cursor }),
      resume: next ?? null,
      rows,
      overlap,
      windowComplete: true,
    });
    this.rerunPending ||= rerunRequested;
    this.known = overlap ?? {};
    for (const [key, v] of this.seen)
      if (nextStart === undefined || Date.parse(v.date) < nextStart) this.seen.delete(key);
    if (next) {
      this.begin(next);
      return true;
    }
    if (!this.rerunPending || this.deadline - clock.now() < config.reserveMs) return false;
    logger.info('trigger arrived mid-sync, reading one more window', { modelId: this.model.modelId });
    this.rerunPending = false;
    this.target = clock.now();
    this.begin(this.freshSlice(this.target));
    return true;
  }

  /** Saves where to go on after a durably written page (the slice's start again if it cannot use a token). */
  private async saveResumePoint(pageToken: string, highWater: string | undefined, rows: number): Promise<void> {
    this.slice = { ...this.slice, pageToken, ...(highWater && { highWater }), pages: this.slice.pages + 1 };
    await this.deps.models.checkpoint(this.model.modelId, this.owner, {
      resume: this.tokenless ? restart(this.slice) : this.slice,
      rows,
    });
  }

  /** Digests of the rows the next slice re-reads (dated from `from`), or undefined if there are too many to keep. */
  private overlapDigests(from: number | undefined): Record<string, string> | undefined {
    if (from === undefined || this.seen.size > MAX_OVERLAP_DIGESTS) return undefined;
    const out: Record<string, string> = {};
    for (const [key, v] of this.seen) if (Date.parse(v.date) >= from) out[key] = v.digest;
    return out;
  }
}
