/** The state a response reports in its `X-RateLimit-*` headers. */
export interface RateLimitDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Unix seconds at which the bucket is full again. */
  resetAt: number;
  /** Whole seconds until one request is allowed again (0 when allowed). */
  retryAfter: number;
}

interface Bucket {
  tokens: number;
  updatedMs: number;
}

/**
 * Token buckets: `capacity` requests per `windowMs`, refilled continuously,
 * one bucket per key. Time comes from the injected clock.
 */
export class TokenBucketLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private capacity: number,
    private windowMs: number,
    private readonly now: () => number,
  ) {}

  /** Changes the limits; existing buckets are dropped (they start full). */
  configure(capacity: number, windowMs: number): void {
    this.capacity = capacity;
    this.windowMs = windowMs;
    this.buckets.clear();
  }

  /** Takes one token from the bucket of `key` if there is one. */
  take(key: string): RateLimitDecision {
    const nowMs = this.now();
    const ratePerMs = this.capacity / this.windowMs;
    const bucket = this.buckets.get(key) ?? { tokens: this.capacity, updatedMs: nowMs };
    bucket.tokens = Math.min(this.capacity, bucket.tokens + Math.max(0, nowMs - bucket.updatedMs) * ratePerMs);
    bucket.updatedMs = nowMs;
    const allowed = bucket.tokens >= 1;
    if (allowed) bucket.tokens -= 1;
    this.buckets.set(key, bucket);
    const fullInMs = (this.capacity - bucket.tokens) / ratePerMs;
    return {
      allowed,
      limit: this.capacity,
      remaining: Math.floor(bucket.tokens),
      resetAt: Math.ceil((nowMs + fullInMs) / 1000),
      retryAfter: allowed ? 0 : Math.max(1, Math.ceil((1 - bucket.tokens) / ratePerMs / 1000)),
    };
  }
}
