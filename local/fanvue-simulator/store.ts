import type { EarningRow } from '../../lambdas/adapters/fanvue/schema';
import type { EarningsOrder } from './options';

/** A row as the simulator keeps it: the Fanvue row plus its position key. */
export interface StoredRow {
  /** Payment time, epoch ms (the row's `date`). */
  dateMs: number;
  /** Insertion serial: the tiebreak among rows sharing a timestamp. */
  seq: number;
  row: EarningRow;
}

/** A keyset position: the (date, tiebreak) of the last row served. */
export interface KeysetPosition {
  d: number;
  s: number;
}

/** One page query against a creator's rows. */
export interface PageQuery {
  startMs: number;
  endMs: number;
  source?: string | undefined;
  order: EarningsOrder;
  after?: KeysetPosition | undefined;
  size: number;
}

function compare(a: KeysetPosition, b: KeysetPosition): number {
  return a.d - b.d || a.s - b.s;
}

/** The keyset position of a stored row. */
export function positionOf(r: StoredRow): KeysetPosition {
  return { d: r.dateMs, s: r.seq };
}

/** Every creator's rows, kept sorted by (date, seq) ascending. */
export class EarningsStore {
  private readonly byCreator = new Map<string, StoredRow[]>();
  private nextSeq = 1;

  /** Registers a creator with no rows yet. */
  addCreator(creatorUuid: string): void {
    if (!this.byCreator.has(creatorUuid)) this.byCreator.set(creatorUuid, []);
  }

  /** True when the creator exists. */
  has(creatorUuid: string): boolean {
    return this.byCreator.has(creatorUuid);
  }

  /** Stores a row in date order and returns it. */
  insert(creatorUuid: string, row: EarningRow): StoredRow {
    const rows = this.rowsOf(creatorUuid);
    const stored: StoredRow = { dateMs: Date.parse(row.date), seq: this.nextSeq++, row };
    let i = rows.length;
    while (i > 0 && compare(positionOf(rows[i - 1] as StoredRow), positionOf(stored)) > 0) i--;
    rows.splice(i, 0, stored);
    return stored;
  }

  /** All rows of a creator, oldest first (live objects: callers must not mutate). */
  all(creatorUuid: string): readonly StoredRow[] {
    return this.rowsOf(creatorUuid);
  }

  /** The row with that `transactionOrderId`, if any. */
  findByOrderId(creatorUuid: string, transactionOrderId: string): StoredRow | undefined {
    return this.rowsOf(creatorUuid).find((r) => r.row.transactionOrderId === transactionOrderId);
  }

  /** Moves pending rows whose date is at or before `cutoffMs` to `availableForPayout`; returns how many changed. */
  settle(cutoffMs: number, creatorUuid?: string): number {
    let changed = 0;
    for (const [uuid, rows] of this.byCreator) {
      if (creatorUuid !== undefined && uuid !== creatorUuid) continue;
      for (const r of rows) {
        if (r.row.transactionOrderStatus === 'pendingBalance' && r.dateMs <= cutoffMs) {
          r.row = { ...r.row, transactionOrderStatus: 'availableForPayout' };
          changed++;
        }
      }
    }
    return changed;
  }

  /** One keyset page: rows in [startMs, endMs), after the position, in the given order; `hasMore` if any follow. */
  page(creatorUuid: string, q: PageQuery): { rows: StoredRow[]; hasMore: boolean } {
    const matching = this.rowsOf(creatorUuid).filter(
      (r) => r.dateMs >= q.startMs && r.dateMs < q.endMs && (q.source === undefined || r.row.source === q.source),
    );
    if (q.order === 'desc') matching.reverse();
    const sign = q.order === 'desc' ? -1 : 1;
    const after = q.after;
    const rest = after ? matching.filter((r) => sign * compare(positionOf(r), after) > 0) : matching;
    return { rows: rest.slice(0, q.size), hasMore: rest.length > q.size };
  }

  private rowsOf(creatorUuid: string): StoredRow[] {
    const rows = this.byCreator.get(creatorUuid);
    if (!rows) throw new RangeError(`unknown creator ${creatorUuid}`);
    return rows;
  }
}
