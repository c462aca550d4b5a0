import type { Creator, EarningRow } from '../../lambdas/adapters/fanvue/schema';
import { deriveSeed, Rng } from './prng';

/** A fan as Fanvue embeds it in a row's `user`. */
export type Fan = NonNullable<EarningRow['user']>;

/** Sources the generator draws from, with weights; `bundle` stands for a source our code has never heard of. */
const SOURCE_WEIGHTS: ReadonlyArray<readonly [string, number]> = [
  ['subscription', 20],
  ['renewal', 25],
  ['tip', 15],
  ['message', 15],
  ['post', 10],
  ['mediaLink', 7],
  ['referral', 4],
  ['affiliate', 3],
  ['bundle', 1],
];
const TOTAL_WEIGHT = SOURCE_WEIGHTS.reduce((sum, [, w]) => sum + w, 0);

/** Sources Fanvue sends without a fan (`user: null`). */
const FANLESS_SOURCES = new Set(['referral', 'affiliate']);

/** Draws a source by weight. */
export function pickSource(rng: Rng): string {
  let roll = rng.next() * TOTAL_WEIGHT;
  for (const [source, weight] of SOURCE_WEIGHTS) {
    roll -= weight;
    if (roll < 0) return source;
  }
  return 'renewal';
}

/** Gross in integer cents for a source. */
function grossFor(rng: Rng, source: string): number {
  switch (source) {
    case 'subscription':
    case 'renewal':
      return rng.pick([499, 999, 1499, 1999]);
    case 'tip':
      return rng.int(100, 10_000);
    case 'referral':
    case 'affiliate':
      return rng.int(50, 1_500);
    default:
      return rng.int(200, 5_000);
  }
}

/** Fanvue keeps about 20%; net stays integer cents. */
export function netOf(gross: number): number {
  return Math.round((gross * 4) / 5);
}

const STAGE_NAMES = [
  'Luna Vale',
  'Mia Rivers',
  'Skye Harlow',
  'Nova Reign',
  'Ivy Monroe',
  'Jade Sinclair',
  'Aria Blake',
  'Ruby Knox',
  'Stella Grey',
  'Zara Quinn',
  'Cleo Hart',
  'Willow Shaw',
];

/** Creators of a simulator: deterministic from the seed, independent of history. */
export function generateCreators(seed: number, count: number): Creator[] {
  const rng = new Rng(deriveSeed(seed, 'creators'));
  return Array.from({ length: count }, (_, i) => {
    // Made-up stage names so a demo reads like a real roster; numbered past the list.
    const name = STAGE_NAMES[i] ?? `Creator ${i + 1}`;
    return { uuid: rng.uuid(), handle: name.toLowerCase().replace(/[^a-z0-9]+/g, '_'), displayName: name };
  });
}

/** The pool of fans rows are attributed to. */
export function generateFans(seed: number, count = 40): Fan[] {
  const rng = new Rng(deriveSeed(seed, 'fans'));
  return Array.from({ length: count }, (_, i) => ({
    uuid: rng.uuid(),
    handle: `fan_${i + 1}`,
    displayName: rng.chance(0.8) ? `Fan ${i + 1}` : null,
    nickname: rng.chance(0.3) ? `nick${i + 1}` : null,
    isTopSpender: rng.chance(0.1),
  }));
}

/** Status a row has at `nowMs`: pending until the settle delay has passed. */
export function statusAt(dateMs: number, nowMs: number, settleDelayMs: number): string {
  return nowMs - dateMs < settleDelayMs ? 'pendingBalance' : 'availableForPayout';
}

/** Builds one positive sale row. `overrides` win over drawn values. */
export function makeSale(
  rng: Rng,
  fans: readonly Fan[],
  dateMs: number,
  status: string,
  overrides: Partial<EarningRow> = {},
): EarningRow {
  const source = overrides.source ?? pickSource(rng);
  const gross = overrides.gross ?? grossFor(rng, source);
  const row: EarningRow = {
    date: new Date(dateMs).toISOString(),
    gross,
    net: netOf(gross),
    currency: rng.chance(0.9) ? 'USD' : null,
    source,
    transactionOrderId: rng.uuid(),
    transactionOrderStatus: status,
    user: FANLESS_SOURCES.has(source) ? null : { ...rng.pick(fans) },
  };
  if (source === 'message') row.messageUuid = rng.uuid();
  if (source === 'post') row.postUuid = rng.uuid();
  return { ...row, ...overrides };
}

/** Builds the negative row that reverses `original` (a refund or a chargeback). */
export function makeReversal(
  rng: Rng,
  original: EarningRow,
  dateMs: number,
  status: string,
  kind: 'refund' | 'chargeback',
): EarningRow {
  return {
    date: new Date(dateMs).toISOString(),
    gross: -original.gross,
    net: -original.net,
    currency: original.currency ?? null,
    source: kind,
    transactionOrderId: rng.uuid(),
    transactionOrderStatus: status,
    reversedTransactionOrderId: original.transactionOrderId ?? null,
    user: original.user ? { ...original.user } : null,
  };
}
