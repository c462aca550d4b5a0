import type { EarningRow } from '../../lambdas/adapters/fanvue/schema';
import { type Fan, makeReversal, makeSale, statusAt } from './data';
import { deriveSeed, Rng } from './prng';

/** What shapes one creator's generated history. */
export interface HistorySpec {
  seed: number;
  /** Index of the creator: each creator draws from its own stream. */
  creatorIndex: number;
  count: number;
  days: number;
  nowMs: number;
  settleDelayMs: number;
  refundRate: number;
  sameTimestampRate: number;
  identicalRows: boolean;
}

/** Every 25th slot (from the 11th) starts a group of identical id-less rows when `identicalRows` is on. */
const IDENTICAL_EVERY = 25;
const IDENTICAL_OFFSET = 10;

/**
 * One creator's history, oldest first: `count` rows spread over `days` days
 * ending at `nowMs` (whole seconds), with same-timestamp groups, refunds and
 * chargebacks of earlier rows, and optionally identical rows with no id.
 * Deterministic in (seed, creatorIndex, nowMs and the rest of the spec).
 */
export function generateHistory(spec: HistorySpec, fans: readonly Fan[]): EarningRow[] {
  const rng = new Rng(deriveSeed(spec.seed, `history:${spec.creatorIndex}`));
  const startMs = spec.nowMs - spec.days * 86_400_000;
  const times = Array.from(
    { length: spec.count },
    () => Math.floor(rng.int(startMs, spec.nowMs - 1_000) / 1_000) * 1_000,
  ).sort((a, b) => a - b);
  for (let i = 1; i < times.length; i++) {
    if (rng.chance(spec.sameTimestampRate)) times[i] = times[i - 1] as number;
  }
  const rows: EarningRow[] = [];
  const reversible: EarningRow[] = [];
  for (let i = 0; i < times.length && rows.length < spec.count; i++) {
    const dateMs = times[i] as number;
    const status = statusAt(dateMs, spec.nowMs, spec.settleDelayMs);
    if (spec.identicalRows && i % IDENTICAL_EVERY === IDENTICAL_OFFSET) {
      const { transactionOrderId: _drop, ...template } = makeSale(rng, fans, dateMs, status);
      const copies = Math.min(rng.int(2, 3), spec.count - rows.length);
      for (let c = 0; c < copies; c++) rows.push({ ...template, user: template.user ? { ...template.user } : null });
      continue;
    }
    if (reversible.length > 0 && rng.chance(spec.refundRate)) {
      const idx = rng.int(0, reversible.length - 1);
      const [original] = reversible.splice(idx, 1);
      if (original) {
        rows.push(makeReversal(rng, original, dateMs, status, rng.chance(0.8) ? 'refund' : 'chargeback'));
        continue;
      }
    }
    const sale = makeSale(rng, fans, dateMs, status);
    rows.push(sale);
    reversible.push(sale);
  }
  return rows;
}
