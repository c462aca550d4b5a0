import type { Creator, EarningRow } from '../../lambdas/adapters/fanvue/schema';
import type { TokenService } from './auth';
import type { PendingCode } from './authorize';
import type { Fan } from './data';
import type { Faults, MalformKind } from './faults';
import type { ResolvedOptions } from './options';
import type { Rng } from './prng';
import type { TokenBucketLimiter } from './rate-limiter';
import type { StatsRecorder } from './stats';
import type { EarningsStore } from './store';
import type { WebhookSender } from './webhooks';

/** The simulator's shared state; routes read it, the public methods change it. */
export interface SimCore {
  /** Options in force; `order`, `withIds`, `latencyMs` and friends change at runtime. */
  opts: ResolvedOptions;
  creators: Creator[];
  fans: Fan[];
  store: EarningsStore;
  tokens: TokenService;
  limiter: TokenBucketLimiter;
  faults: Faults;
  stats: StatsRecorder;
  /** Draws of injected rows (addRow, live mode, refunds): seeded, separate from history. */
  rng: Rng;
  /** Signed webhooks for injected sales, when a target is set. */
  webhooks: WebhookSender;
  /** Authorization codes issued by `GET /oauth2/auth`. */
  codes: Map<string, PendingCode>;
}

/** A row as the API serves it: a copy, without ids when `withIds` is off. */
export function presentRow(row: EarningRow, withIds: boolean): EarningRow {
  const copy: EarningRow = { ...row, user: row.user ? { ...row.user } : row.user };
  if (!withIds) {
    delete copy.transactionOrderId;
    delete copy.reversedTransactionOrderId;
  }
  return copy;
}

/** Breaks a served row so it no longer matches the contract (still sent with HTTP 200). */
export function malformRow(row: EarningRow, kind: MalformKind): Record<string, unknown> {
  const broken: Record<string, unknown> = { ...row };
  if (kind === 'grossString') broken.gross = (row.gross / 100).toFixed(1);
  else delete broken.date;
  return broken;
}
