import { deriveSeed, Rng } from './prng';

/** How `malformNextPage` breaks a row: a string where cents belong, or no `date`. */
export type MalformKind = 'grossString' | 'missingDate';

/** A 429 storm: every API request is refused until it ends (by time, by count, or by `stopRateLimitStorm`). */
export interface StormSpec {
  /** Retry-After sent with each 429, in seconds. */
  retryAfterSeconds: number;
  /** Storm lasts this long on the simulator's clock. */
  durationMs?: number;
  /** Storm refuses this many requests. */
  count?: number;
}

/** Injected faults: latency, random 5xx (seeded), 429 storms and malformed pages. */
export class Faults {
  private readonly rng: Rng;
  private storm: { retryAfterSeconds: number; untilMs: number; remaining: number } | undefined;
  private readonly malformed = new Map<string, MalformKind>();

  constructor(
    seed: number,
    public latencyMs: number,
    private errorRate: number,
    private readonly now: () => number,
  ) {
    this.rng = new Rng(deriveSeed(seed, 'faults'));
  }

  /** Sets the share (0..1) of API requests answered with a 5xx. */
  setErrorRate(rate: number): void {
    if (rate < 0 || rate > 1) throw new RangeError('errorRate must be within 0..1');
    this.errorRate = rate;
  }

  /** Starts a 429 storm; with neither `durationMs` nor `count` it lasts until stopped. */
  startStorm(spec: StormSpec): void {
    this.storm = {
      retryAfterSeconds: spec.retryAfterSeconds,
      untilMs: spec.durationMs === undefined ? Number.POSITIVE_INFINITY : this.now() + spec.durationMs,
      remaining: spec.count ?? Number.POSITIVE_INFINITY,
    };
  }

  /** Ends the storm now. */
  stopStorm(): void {
    this.storm = undefined;
  }

  /** If a storm refuses this request, its Retry-After (seconds) and the storm's end (epoch ms, if timed). */
  takeStorm(): { retryAfterSeconds: number } | undefined {
    const s = this.storm;
    if (!s) return undefined;
    if (this.now() >= s.untilMs || s.remaining <= 0) {
      this.storm = undefined;
      return undefined;
    }
    s.remaining -= 1;
    return { retryAfterSeconds: s.retryAfterSeconds };
  }

  /** A 5xx status to answer with, drawn from the seeded stream, or undefined. */
  takeServerError(): number | undefined {
    if (this.errorRate <= 0) return undefined;
    return this.rng.chance(this.errorRate) ? this.rng.pick([500, 502, 503]) : undefined;
  }

  /** Arms a malformed row in the creator's next non-empty earnings page. */
  malformNextPage(creatorUuid: string, kind: MalformKind): void {
    this.malformed.set(creatorUuid, kind);
  }

  /** Disarms every malformation not served yet. */
  clearMalformed(): void {
    this.malformed.clear();
  }

  /** The armed malformation for this creator, consumed. */
  takeMalform(creatorUuid: string): MalformKind | undefined {
    const kind = this.malformed.get(creatorUuid);
    this.malformed.delete(creatorUuid);
    return kind;
  }
}
