import { centsToDecimal, csvLine } from './csv';
import { addDays, type DayRange, daysOf, localDay } from './period';
import type { ModelDay } from './totals';
import type { StoredTransaction } from './transaction';

/**
 * The streaming CSV exports: lines are written to a sink as their data arrives, one page of
 * transactions at a time, so an export of any size holds at most one page in memory. The
 * sink's `write` resolves when it can take more (backpressure), and rejects when the reader
 * went away, which ends the export.
 */

/** Where an export writes: a response stream, a file, a test buffer. */
export interface CsvSink {
  /** Resolves once the sink can take more text; rejects when it is closed (the client left). */
  write(text: string): Promise<void>;
}

/** A period in one zone: its first and last local day. */
export interface ExportPeriod extends DayRange {
  readonly timeZone: string;
}

/** Columns of the transactions export. */
export const TRANSACTION_CSV_COLUMNS = [
  'date_utc',
  'local_date',
  'source',
  'category',
  'currency',
  'gross',
  'net',
  'status',
  'fan',
  'order_id',
] as const;

/** Columns of the per-model, per-day export. */
export const DAILY_CSV_COLUMNS = [
  'date',
  'time_zone',
  'model_id',
  'model',
  'currency',
  'gross',
  'net',
  'transactions',
] as const;

/**
 * The UTC instants `[from, to]` to read for a period's local days: local days are at most 14 h
 * away from UTC, so a day either side covers them; rows outside the local days are skipped.
 */
export function transactionsWindow(period: ExportPeriod): { from: string; to: string } {
  return { from: `${addDays(period.from, -1)}T00:00:00.000Z`, to: `${addDays(period.to, 2)}T00:00:00.000Z` };
}

/**
 * Writes one model's transactions of `period` as CSV: the header, then each page's rows in the
 * order the pages give them, one write per page. The next page is only asked for after the sink
 * took the previous one, so memory holds one page whatever the export's length.
 */
export async function writeTransactionsCsv(
  sink: CsvSink,
  pages: AsyncIterable<readonly StoredTransaction[]>,
  period: ExportPeriod,
): Promise<{ rows: number; pages: number }> {
  await sink.write(csvLine(TRANSACTION_CSV_COLUMNS));
  let rows = 0;
  let count = 0;
  for await (const page of pages) {
    count += 1;
    let text = '';
    for (const tx of page) {
      const local = localDay(Date.parse(tx.date), period.timeZone);
      if (local < period.from || local > period.to) continue;
      rows += 1;
      text += csvLine([
        tx.date,
        local,
        tx.source,
        tx.category,
        'USD',
        centsToDecimal(tx.gross),
        centsToDecimal(tx.net),
        tx.status,
        tx.fanHandle,
        tx.transactionOrderId,
      ]);
    }
    if (text) await sink.write(text);
  }
  return { rows, pages: count };
}

/**
 * Writes the per-model, per-day export: one line per model and local day with sales, days in
 * order, models by id within a day, one write per day.
 */
export async function writeDailyCsv(
  sink: CsvSink,
  data: { modelDays: ReadonlyMap<string, ReadonlyMap<string, ModelDay>>; names: ReadonlyMap<string, string> },
  period: ExportPeriod,
): Promise<{ rows: number }> {
  await sink.write(csvLine(DAILY_CSV_COLUMNS));
  let rows = 0;
  for (const day of daysOf(period.from, period.to)) {
    const models = [...(data.modelDays.get(day) ?? new Map<string, ModelDay>())].sort(([a], [b]) => a.localeCompare(b));
    let text = '';
    for (const [modelId, d] of models) {
      if (d.count === 0 && d.gross === 0 && d.net === 0) continue;
      rows += 1;
      text += csvLine([
        day,
        period.timeZone,
        modelId,
        data.names.get(modelId) ?? modelId,
        'USD',
        centsToDecimal(d.gross),
        centsToDecimal(d.net),
        d.count,
      ]);
    }
    if (text) await sink.write(text);
  }
  return { rows };
}
