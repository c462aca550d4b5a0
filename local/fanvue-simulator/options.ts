import { FANVUE_API_VERSION } from '../../lambdas/adapters/fanvue/schema';

/** Order in which earnings pages list rows. */
export type EarningsOrder = 'desc' | 'asc';

/** Options of {@link createFanvueSimulator}; every field has a default. */
export interface FanvueSimulatorOptions {
  /** Seed of every generated value (creators, fans, history, injected faults). @default 1 */
  seed?: number;
  /** Number of creators. @default 3 */
  creators?: number;
  /** Rows of history per creator (refunds included). @default 100 */
  history?: number;
  /** History is spread over this many days ending at `now()`. @default 30 */
  historyDays?: number;
  /** Rows younger than this are `pendingBalance`, older ones `availableForPayout`. @default 604800000 (7 days) */
  settleDelayMs?: number;
  /** Share of generated rows that are refunds or chargebacks of an earlier row. @default 0.03 */
  refundRate?: number;
  /** Share of generated rows that reuse the previous row's exact timestamp. @default 0.05 */
  sameTimestampRate?: number;
  /** Also generate groups of identical rows with no `transactionOrderId` at one timestamp. @default false */
  identicalRows?: boolean;
  /** Rows carry `transactionOrderId` (and `reversedTransactionOrderId`); false mimics older references. @default true */
  withIds?: boolean;
  /** Order of earnings pages. @default 'desc' */
  order?: EarningsOrder;
  /** Lifetime of access tokens, in seconds. @default 3600 */
  accessTokenTtlSeconds?: number;
  /** Token bucket per (client, token family, creator). @default { capacity: 200, windowMs: 60000 } */
  rateLimit?: { capacity: number; windowMs: number };
  /** Added latency per request, in ms. @default 0 */
  latencyMs?: number;
  /** Share (0..1) of API requests answered with a 5xx, drawn from the seed. @default 0 */
  errorRate?: number;
  /** Port on 127.0.0.1; 0 picks a free one. @default 0 */
  port?: number;
  /** OAuth client id. @default 'sim-client' */
  clientId?: string;
  /** OAuth client secret (a fake, local value). @default 'sim-secret' */
  clientSecret?: string;
  /** The supported `X-Fanvue-API-Version`. @default FANVUE_API_VERSION */
  apiVersion?: string;
  /** Versions still answered but with `Deprecation` / `Sunset` headers. @default [] */
  deprecatedVersions?: string[];
  /** Versions answered with 410. @default ['2024-01-01'] */
  sunsetVersions?: string[];
  /** The simulator's clock, epoch ms. @default Date.now */
  now?: () => number;
}

/** Options with every default applied. */
export type ResolvedOptions = Required<FanvueSimulatorOptions>;

/** Applies the documented defaults and rejects values that make no sense. */
export function resolveOptions(o: FanvueSimulatorOptions): ResolvedOptions {
  const r: ResolvedOptions = {
    seed: o.seed ?? 1,
    creators: o.creators ?? 3,
    history: o.history ?? 100,
    historyDays: o.historyDays ?? 30,
    settleDelayMs: o.settleDelayMs ?? 7 * 86_400_000,
    refundRate: o.refundRate ?? 0.03,
    sameTimestampRate: o.sameTimestampRate ?? 0.05,
    identicalRows: o.identicalRows ?? false,
    withIds: o.withIds ?? true,
    order: o.order ?? 'desc',
    accessTokenTtlSeconds: o.accessTokenTtlSeconds ?? 3600,
    rateLimit: o.rateLimit ?? { capacity: 200, windowMs: 60_000 },
    latencyMs: o.latencyMs ?? 0,
    errorRate: o.errorRate ?? 0,
    port: o.port ?? 0,
    clientId: o.clientId ?? 'sim-client',
    clientSecret: o.clientSecret ?? 'sim-secret',
    apiVersion: o.apiVersion ?? FANVUE_API_VERSION,
    deprecatedVersions: o.deprecatedVersions ?? [],
    sunsetVersions: o.sunsetVersions ?? ['2024-01-01'],
    now: o.now ?? (() => Date.now()),
  };
  if (!Number.isInteger(r.creators) || r.creators < 0) throw new RangeError('creators must be a non-negative integer');
  if (!Number.isInteger(r.history) || r.history < 0) throw new RangeError('history must be a non-negative integer');
  if (!(r.historyDays > 0)) throw new RangeError('historyDays must be positive');
  if (r.errorRate < 0 || r.errorRate > 1) throw new RangeError('errorRate must be within 0..1');
  if (r.rateLimit.capacity < 1 || r.rateLimit.windowMs <= 0)
    throw new RangeError('rateLimit needs capacity >= 1 and windowMs > 0');
  return r;
}
