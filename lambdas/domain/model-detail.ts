import type { FreshnessConfig, ModelDetailResponse, TransactionRow } from './dashboard';
import { sumDays, toModel } from './dashboard-build';
import type { ModelRecord } from './model';
import { daysOf, type ResolvedPeriod } from './period';
import type { ModelDay, Totals } from './totals';
import type { StoredTransaction } from './transaction';

/** One model's page: its figures for the period and the comparison period, per source and per local day. */
export function buildModelDetail(input: {
  model: ModelRecord;
  total: Totals;
  /** The model's local days covering the comparison period, the period and the sparkline. */
  days: ReadonlyMap<string, Totals>;
  period: ResolvedPeriod;
  now: number;
  cfg: FreshnessConfig;
}): ModelDetailResponse {
  const { model, days, period } = input;
  const modelDays = new Map<string, Map<string, ModelDay>>(
    [...days].map(([day, t]) => [day, new Map([[model.modelId, { gross: t.gross, net: t.net, count: t.count }]])]),
  );
  const card = toModel(
    model,
    {
      agencyTotals: input.total,
      days: new Map(days),
      modelDays,
      models: [model],
      modelTotals: new Map([[model.modelId, input.total]]),
    },
    period,
    input.now,
    input.cfg,
  );
  return {
    freshness: { syncIntervalMs: input.cfg.syncIntervalMs, liveWithinMs: input.cfg.liveWithinMs },
    model: card,
    period: {
      key: period.key,
      from: period.from,
      to: period.to,
      days: period.days,
      timeZone: period.timeZone,
      today: period.today,
      previous: { ...period.previous },
    },
    current: sumDays(days, period),
    previous: sumDays(days, period.previous),
    daily: daysOf(period.from, period.to).map((day) => {
      const d = days.get(day);
      return { day, gross: d?.gross ?? 0, net: d?.net ?? 0, count: d?.count ?? 0 };
    }),
    lastRun: {
      startedAt: model.lastSyncStartedAt ?? null,
      finishedAt: model.lastSyncFinishedAt ?? null,
      rows: model.lastRunRows,
      rowsEver: model.rowsWritten,
    },
  };
}

/** A stored transaction as the model page lists it. */
export function toTransactionRow(tx: StoredTransaction): TransactionRow {
  return {
    key: tx.txKey,
    date: tx.date,
    source: tx.source,
    category: tx.category,
    gross: tx.gross,
    net: tx.net,
    status: tx.status ?? null,
    fanHandle: tx.fanHandle ?? null,
    refund: tx.category === 'refund' || tx.gross < 0,
  };
}
