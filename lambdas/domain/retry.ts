/**
 * Pure retry and backoff policy: capped exponential backoff with full jitter,
 * server hints (Retry-After, X-RateLimit-Reset) honoured but capped, and a hard
 * deadline that no wait may cross. No I/O and no timers: callers pass `now`
 * and a `random` source, so every decision is reproducible in tests.
 */

/** Tunables of the retry loop. */
export interface RetryPolicy {
  /** Total attempts, the first one included. @default 5 */
  maxAttempts: number;
  /** Backoff base: attempt n (1-based failures) may wait up to `baseDelayMs * 2^(n-1)`. @default 250 */
  baseDelayMs: number;
  /** Cap of the exponential backoff before jitter. @default 8000 */
  maxBackoffMs: number;
  /** Cap of any single wait, server hints included. @default 20000 */
  maxWaitMs: number;
  /** Per-attempt timeout (never beyond the deadline). @default 10000 */
  requestTimeoutMs: number;
  /** An attempt is not started with less time than this left before the deadline. @default 100 */
  minAttemptMs: number;
}

/** The defaults documented on {@link RetryPolicy}. */
export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({
  maxAttempts: 5,
  baseDelayMs: 250,
  maxBackoffMs: 8_000,
  maxWaitMs: 20_000,
  requestTimeoutMs: 10_000,
  minAttemptMs: 100,
});

/** Fills the gaps of a partial policy with the defaults. */
export function resolveRetryPolicy(partial: Partial<RetryPolicy> = {}): RetryPolicy {
  const defined = Object.fromEntries(
    Object.entries(partial).filter(([, v]) => v !== undefined),
  ) as Partial<RetryPolicy>;
  return { ...DEFAULT_RETRY_POLICY, ...defined };
}

/**
 * Full-jitter backoff for the `failures`-th consecutive failure (1-based):
 * uniform in `[0, min(maxBackoffMs, baseDelayMs * 2^(failures-1)))`.
 * @param random returns a number in [0, 1), like `Math.random`.
 */
export function backoffDelayMs(failures: number, policy: RetryPolicy, random: () => number): number {
  const exp = Math.min(policy.maxBackoffMs, policy.baseDelayMs * 2 ** Math.max(0, failures - 1));
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.floor(exp * r);
}

/** Rate-limit headers as received (raw strings, any may be missing). */
export interface RateLimitHeaders {
  retryAfter?: string | null;
  rateLimitRemaining?: string | null;
  rateLimitReset?: string | null;
}

/**
 * How long the server asked us to wait, in ms, or `undefined` without a hint.
 * `Retry-After` wins (seconds or HTTP date); otherwise, when
 * `X-RateLimit-Remaining` is 0, the time until `X-RateLimit-Reset` (unix seconds).
 * Not capped here: {@link nextRetryDelayMs} caps it.
 */
export function serverHintMs(headers: RateLimitHeaders, now: number): number | undefined {
  const ra = headers.retryAfter?.trim();
  if (ra) {
    if (/^\d+(\.\d+)?$/.test(ra)) return Math.ceil(Number(ra) * 1000);
    const at = Date.parse(ra);
    if (!Number.isNaN(at)) return Math.max(0, at - now);
  }
  const remaining = headers.rateLimitRemaining?.trim();
  const reset = headers.rateLimitReset?.trim();
  if (remaining !== undefined && Number(remaining) === 0 && reset && /^\d+$/.test(reset)) {
    return Math.max(0, Number(reset) * 1000 - now);
  }
  return undefined;
}

/**
 * The wait before the next attempt: at least the server's hint (when there is
 * one) and at least the jittered backoff, never more than `maxWaitMs`.
 */
export function nextRetryDelayMs(
  failures: number,
  hintMs: number | undefined,
  policy: RetryPolicy,
  random: () => number,
): number {
  const jittered = backoffDelayMs(failures, policy, random);
  return Math.min(policy.maxWaitMs, Math.max(hintMs ?? 0, jittered));
}

/** What the loop does after a retryable failure. */
export type RetryDecision = { kind: 'retry'; delayMs: number } | { kind: 'give-up'; reason: 'attempts' | 'deadline' };

/**
 * Decides whether to retry after the `failures`-th consecutive retryable
 * failure. Gives up when the attempt cap is reached, or when waiting
 * `delayMs` and then running a minimal attempt would cross the deadline
 * (the caller then throws without sleeping).
 */
export function decideRetry(args: {
  failures: number;
  delayMs: number;
  now: number;
  deadline: number;
  policy: RetryPolicy;
}): RetryDecision {
  const { failures, delayMs, now, deadline, policy } = args;
  if (failures >= policy.maxAttempts) return { kind: 'give-up', reason: 'attempts' };
  if (now + delayMs + policy.minAttemptMs > deadline) return { kind: 'give-up', reason: 'deadline' };
  return { kind: 'retry', delayMs };
}

/**
 * Timeout for an attempt starting at `now`: the per-call timeout, shortened so
 * it ends at the deadline. `undefined` when not even `minAttemptMs` is left.
 */
export function attemptTimeoutMs(now: number, deadline: number, policy: RetryPolicy): number | undefined {
  const left = deadline - now;
  if (left < policy.minAttemptMs) return undefined;
  return Math.min(policy.requestTimeoutMs, left);
}

/** How the retry loop treats an HTTP status. */
export type StatusClass = 'ok' | 'rate_limited' | 'unavailable' | 'unauthorized' | 'forbidden' | 'rejected';

/** Classifies a Fanvue HTTP status for the retry loop. */
export function classifyStatus(status: number): StatusClass {
  if (status >= 200 && status < 300) return 'ok';
  if (status === 429) return 'rate_limited';
  if (status >= 500 || status === 408) return 'unavailable';
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  return 'rejected';
}
