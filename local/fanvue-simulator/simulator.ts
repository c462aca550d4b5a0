import type { Creator, EarningRow } from '../../lambdas/adapters/fanvue/schema';
import { type ConnectionSpec, TokenService } from './auth';
import { presentRow, type SimCore } from './core';
import { generateCreators, generateFans, makeReversal, makeSale, statusAt } from './data';
import { Faults, type MalformKind, type StormSpec } from './faults';
import { generateHistory } from './history';
import { type EarningsOrder, type FanvueSimulatorOptions, resolveOptions } from './options';
import { deriveSeed, Rng } from './prng';
import { TokenBucketLimiter } from './rate-limiter';
import { listen } from './server';
import { type SimulatorStats, StatsRecorder } from './stats';
import { EarningsStore } from './store';
import { WebhookSender, type WebhookTarget } from './webhooks';

/** Live arrivals: every `intervalMs`, `rowsPerTick` new rows for random creators at `now()`. */
export interface LiveSpec {
  intervalMs: number;
  /** @default 1 */
  rowsPerTick?: number;
  /** Share of live rows that refund an earlier sale. @default 0.05 */
  refundRate?: number;
}

/** A running Fanvue simulator: HTTP endpoints plus the knobs tests and benchmarks turn. */
export interface FanvueSimulator {
  /** API base, e.g. `http://127.0.0.1:4010` (the client calls `${baseUrl}/creators/...`). */
  baseUrl: string;
  /** OAuth base (the same server): the client posts to `${authBaseUrl}/oauth2/token`. */
  authBaseUrl: string;
  clientId: string;
  clientSecret: string;
  /** The generated creators. */
  readonly creators: readonly Creator[];
  /** Stops live mode and the server. */
  stop(): Promise<void>;
  /** Seeds a connection (a finished consent): `{ creatorUuids }` for creators, `{ agency: true }` for all. */
  createConnection(spec: ConnectionSpec): { refreshToken: string; connectionId: string };
  /** The source of truth: every row of a creator as the API currently serves it, oldest first. */
  rows(creatorUuid: string): EarningRow[];
  /** Injects a sale (at `now()` unless `partial.date` says otherwise) and returns it. */
  addRow(creatorUuid: string, partial?: Partial<EarningRow>): EarningRow;
  /** Injects the negative row reversing `transactionOrderId` at `now()` and returns it. */
  refund(creatorUuid: string, transactionOrderId: string, kind?: 'refund' | 'chargeback'): EarningRow;
  /** Moves pending rows (older than `olderThanMs`, default 0) to `availableForPayout`; returns how many changed. */
  settle(options?: { creatorUuid?: string; olderThanMs?: number }): number;
  /** Added latency per request from now on, in ms. */
  setLatency(ms: number): void;
  /** Share (0..1) of API requests answered with a seeded 500/502/503. */
  setErrorRate(rate: number): void;
  /** Every API request gets 429 with this Retry-After, for a duration, a count, or until stopped. */
  rateLimitStorm(spec: StormSpec): void;
  /** Ends a 429 storm now. */
  stopRateLimitStorm(): void;
  /** New token-bucket limits; every bucket starts full again. */
  setRateLimit(limit: { capacity: number; windowMs: number }): void;
  /** The creator's next non-empty earnings page has one broken row (still HTTP 200). @default kind 'grossString' */
  malformNextPage(creatorUuid: string, kind?: MalformKind): void;
  /** Disarms every `malformNextPage` not served yet (faults stop). */
  clearMalformedPages(): void;
  /** Every access token issued so far answers 401 (refresh for new ones). */
  expireAccessTokens(): void;
  /** `expires_in` of access tokens issued from now on. */
  setAccessTokenTtl(seconds: number): void;
  /** Revokes the connection a refresh token (current or used) belongs to; false if unknown. */
  revokeConnection(refreshToken: string): boolean;
  /** Order of earnings pages; cursors issued under the other order are refused (400). */
  setOrder(order: EarningsOrder): void;
  /** Whether served rows (and `rows()`) carry `transactionOrderId` / `reversedTransactionOrderId`. */
  setWithIds(withIds: boolean): void;
  /** Sends a signed webhook for every injected sale to `target` (undefined stops them). */
  setWebhook(target: WebhookTarget | undefined): void;
  /** Deliveries made and failed so far, and a promise for the ones in flight. */
  webhookStats(): { sent: number; failed: number };
  webhooksIdle(): Promise<void>;
  /** Starts live arrivals (replacing any running ones). */
  startLive(spec: LiveSpec): void;
  /** Stops live arrivals. */
  stopLive(): void;
  /** Request counts per route kind, creator and status since start or the last reset. */
  stats(): SimulatorStats;
  /** Starts counting from zero. */
  resetStats(): void;
}

function buildCore(options: FanvueSimulatorOptions): SimCore {
  const opts = resolveOptions(options);
  const nowMs = opts.now();
  const creators = generateCreators(opts.seed, opts.creators);
  const fans = generateFans(opts.seed);
  const store = new EarningsStore();
  creators.forEach((c, creatorIndex) => {
    store.addCreator(c.uuid);
    const spec = { ...opts, creatorIndex, count: opts.history, days: opts.historyDays, nowMs };
    for (const row of generateHistory(spec, fans)) store.insert(c.uuid, row);
  });
  return {
    opts,
    creators,
    fans,
    store,
    tokens: new TokenService(opts.now, opts.accessTokenTtlSeconds),
    limiter: new TokenBucketLimiter(opts.rateLimit.capacity, opts.rateLimit.windowMs, opts.now),
    faults: new Faults(opts.seed, opts.latencyMs, opts.errorRate, opts.now),
    stats: new StatsRecorder(),
    rng: new Rng(deriveSeed(opts.seed, 'injected')),
    webhooks: new WebhookSender(opts.now),
    codes: new Map(),
  };
}

function requireCreator(sim: SimCore, creatorUuid: string): void {
  if (!sim.store.has(creatorUuid)) throw new RangeError(`unknown creator ${creatorUuid}`);
}

function addRow(sim: SimCore, creatorUuid: string, partial: Partial<EarningRow> = {}): EarningRow {
  requireCreator(sim, creatorUuid);
  const nowMs = sim.opts.now();
  const dateMs = partial.date ? Date.parse(partial.date) : nowMs;
  if (Number.isNaN(dateMs)) throw new RangeError('partial.date must be an ISO date');
  const row = makeSale(sim.rng, sim.fans, dateMs, statusAt(dateMs, nowMs, sim.opts.settleDelayMs), {
    ...partial,
    date: new Date(dateMs).toISOString(),
  });
  const stored = sim.store.insert(creatorUuid, row).row;
  sim.webhooks.notify(creatorUuid, stored);
  return presentRow(stored, sim.opts.withIds);
}

function refund(
  sim: SimCore,
  creatorUuid: string,
  transactionOrderId: string,
  kind: 'refund' | 'chargeback',
): EarningRow {
  requireCreator(sim, creatorUuid);
  const original = sim.store.findByOrderId(creatorUuid, transactionOrderId);
  if (!original) throw new RangeError(`no row ${transactionOrderId} for creator ${creatorUuid}`);
  const nowMs = Math.max(sim.opts.now(), original.dateMs);
  const row = makeReversal(sim.rng, original.row, nowMs, statusAt(nowMs, sim.opts.now(), sim.opts.settleDelayMs), kind);
  return presentRow(sim.store.insert(creatorUuid, row).row, sim.opts.withIds);
}

function liveTick(sim: SimCore, rowsPerTick: number, refundRate: number): void {
  if (sim.creators.length === 0) return;
  for (let i = 0; i < rowsPerTick; i++) {
    const creator = sim.rng.pick(sim.creators);
    const rows = sim.store.all(creator.uuid);
    const reversed = new Set(rows.map((r) => r.row.reversedTransactionOrderId));
    const sales = rows.filter(
      (r) => r.row.gross > 0 && r.row.transactionOrderId && !reversed.has(r.row.transactionOrderId),
    );
    const target =
      sales.length > 0 && sim.rng.chance(refundRate) ? sim.rng.pick(sales).row.transactionOrderId : undefined;
    if (target) refund(sim, creator.uuid, target, 'refund');
    else addRow(sim, creator.uuid);
  }
}

/** Starts a Fanvue simulator on 127.0.0.1 with deterministic data from `options.seed`. */
export async function createFanvueSimulator(options: FanvueSimulatorOptions = {}): Promise<FanvueSimulator> {
  const sim = buildCore(options);
  const server = await listen(sim, sim.opts.port);
  let live: NodeJS.Timeout | undefined;
  const stopLive = (): void => {
    if (live) clearInterval(live);
    live = undefined;
  };
  return {
    baseUrl: server.baseUrl,
    authBaseUrl: server.baseUrl,
    clientId: sim.opts.clientId,
    clientSecret: sim.opts.clientSecret,
    creators: sim.creators.map((c) => ({ ...c })),
    stop: async () => {
      stopLive();
      await sim.webhooks.idle();
      await server.close();
    },
    createConnection: (spec) =>
      sim.tokens.createConnection(
        spec,
        sim.creators.map((c) => c.uuid),
      ),
    rows: (creatorUuid) => {
      requireCreator(sim, creatorUuid);
      return sim.store.all(creatorUuid).map((r) => presentRow(r.row, sim.opts.withIds));
    },
    addRow: (creatorUuid, partial) => addRow(sim, creatorUuid, partial),
    refund: (creatorUuid, id, kind = 'refund') => refund(sim, creatorUuid, id, kind),
    settle: (o = {}) => sim.store.settle(sim.opts.now() - (o.olderThanMs ?? 0), o.creatorUuid),
    setLatency: (ms) => {
      sim.faults.latencyMs = ms;
    },
    setErrorRate: (rate) => sim.faults.setErrorRate(rate),
    rateLimitStorm: (spec) => sim.faults.startStorm(spec),
    stopRateLimitStorm: () => sim.faults.stopStorm(),
    setRateLimit: ({ capacity, windowMs }) => {
      sim.opts.rateLimit = { capacity, windowMs };
      sim.limiter.configure(capacity, windowMs);
    },
    malformNextPage: (creatorUuid, kind = 'grossString') => {
      requireCreator(sim, creatorUuid);
      sim.faults.malformNextPage(creatorUuid, kind);
    },
    clearMalformedPages: () => sim.faults.clearMalformed(),
    expireAccessTokens: () => {
      sim.tokens.expireAccessTokens();
    },
    setAccessTokenTtl: (seconds) => sim.tokens.setAccessTokenTtl(seconds),
    revokeConnection: (rt) => sim.tokens.revokeConnection(rt),
    setOrder: (order) => {
      sim.opts.order = order;
    },
    setWithIds: (withIds) => {
      sim.opts.withIds = withIds;
    },
    startLive: ({ intervalMs, rowsPerTick = 1, refundRate = 0.05 }) => {
      stopLive();
      live = setInterval(() => liveTick(sim, rowsPerTick, refundRate), intervalMs);
      live.unref();
    },
    stopLive,
    setWebhook: (target) => {
      sim.webhooks.target = target;
    },
    webhookStats: () => ({ ...sim.webhooks.counts }),
    webhooksIdle: () => sim.webhooks.idle(),
    stats: () => sim.stats.snapshot(),
    resetStats: () => sim.stats.reset(),
  };
}
