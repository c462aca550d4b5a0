import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  BudgetExceededError,
  FanvueRateLimitError,
  FanvueUnavailableError,
} from '../../lambdas/adapters/fanvue/errors';
import { runWithRetries } from '../../lambdas/adapters/fanvue/retry';
import { DeadlineReachedError } from '../../lambdas/domain/errors';
import {
  attemptTimeoutMs,
  backoffDelayMs,
  classifyStatus,
  DEFAULT_RETRY_POLICY,
  decideRetry,
  nextRetryDelayMs,
  resolveRetryPolicy,
  serverHintMs,
} from '../../lambdas/domain/retry';
import { silentLogger } from '../../lambdas/shared/logger';

const policy = resolveRetryPolicy();

describe('retry policy (pure)', () => {
  it('has the documented defaults: 5 attempts, 20 s wait cap, 10 s per-call timeout', () => {
    expect(DEFAULT_RETRY_POLICY).toMatchObject({ maxAttempts: 5, maxWaitMs: 20_000, requestTimeoutMs: 10_000 });
    expect(resolveRetryPolicy({ maxAttempts: 2, maxWaitMs: undefined }).maxWaitMs).toBe(20_000);
  });

  it('full jitter stays within [0, min(cap, base * 2^(n-1)))', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.double({ min: 0, max: 0.9999999, noNaN: true }),
        (failures, r) => {
          const d = backoffDelayMs(failures, policy, () => r);
          const ceiling = Math.min(policy.maxBackoffMs, policy.baseDelayMs * 2 ** (failures - 1));
          return Number.isInteger(d) && d >= 0 && d < ceiling;
        },
      ),
    );
    expect(backoffDelayMs(3, policy, () => 0)).toBe(0);
    expect(backoffDelayMs(3, policy, () => 0.5)).toBe(500);
    expect(backoffDelayMs(30, policy, () => 0.5)).toBe(4_000);
  });

  it('reads Retry-After as seconds or an HTTP date, else X-RateLimit-Reset when Remaining is 0', () => {
    const now = Date.UTC(2025, 0, 1);
    expect(serverHintMs({ retryAfter: '7' }, now)).toBe(7_000);
    expect(serverHintMs({ retryAfter: new Date(now + 3_000).toUTCString() }, now)).toBe(3_000);
    expect(serverHintMs({ rateLimitRemaining: '0', rateLimitReset: String(now / 1000 + 12) }, now)).toBe(12_000);
    expect(serverHintMs({ rateLimitRemaining: '5', rateLimitReset: String(now / 1000 + 12) }, now)).toBeUndefined();
    expect(serverHintMs({}, now)).toBeUndefined();
  });

  it('honours a Retry-After above the backoff but caps it at maxWaitMs', () => {
    expect(nextRetryDelayMs(1, 3_000, policy, () => 0.99)).toBe(3_000);
    expect(nextRetryDelayMs(1, 120_000, policy, () => 0.5)).toBe(20_000);
    expect(nextRetryDelayMs(1, 120_000, { ...policy, maxWaitMs: 5_000 }, () => 0.5)).toBe(5_000);
  });

  it('gives up at the attempt cap and when the wait would cross the deadline', () => {
    expect(decideRetry({ failures: 5, delayMs: 0, now: 0, deadline: 1e9, policy })).toEqual({
      kind: 'give-up',
      reason: 'attempts',
    });
    expect(decideRetry({ failures: 1, delayMs: 5_000, now: 0, deadline: 5_050, policy })).toEqual({
      kind: 'give-up',
      reason: 'deadline',
    });
    expect(decideRetry({ failures: 1, delayMs: 5_000, now: 0, deadline: 6_000, policy })).toEqual({
      kind: 'retry',
      delayMs: 5_000,
    });
  });

  it('shortens the per-call timeout to the deadline and refuses an attempt without time left', () => {
    expect(attemptTimeoutMs(0, 60_000, policy)).toBe(10_000);
    expect(attemptTimeoutMs(0, 3_000, policy)).toBe(3_000);
    expect(attemptTimeoutMs(0, 50, policy)).toBeUndefined();
  });

  it('classifies statuses', () => {
    expect([200, 429, 500, 503, 401, 403, 400, 404, 410].map(classifyStatus)).toEqual([
      'ok',
      'rate_limited',
      'unavailable',
      'unavailable',
      'unauthorized',
      'forbidden',
      'rejected',
      'rejected',
      'rejected',
    ]);
  });
});

describe('runWithRetries (fake time)', () => {
  const start = Date.UTC(2025, 0, 1);
  beforeEach(() => {
    vi.useFakeTimers().setSystemTime(start);
  });
  afterEach(() => {
    vi.useRealTimers();
  });
  const sleeps: number[] = [];
  const deps = () => {
    sleeps.length = 0;
    return {
      clock: { now: () => Date.now() },
      sleep: async (ms: number) => {
        sleeps.push(ms);
        vi.advanceTimersByTime(ms);
      },
      random: () => 0.5,
      policy,
      logger: silentLogger,
    };
  };

  it('retries 429s with the capped Retry-After and returns the eventual value', async () => {
    let n = 0;
    const v = await runWithRetries(deps(), 'x', start + 120_000, async () =>
      ++n < 3
        ? { kind: 'retryable', reason: 'rate_limited', detail: '429', hintMs: 60_000 }
        : { kind: 'done', value: 'ok' },
    );
    expect(v).toBe('ok');
    expect(sleeps).toEqual([20_000, 20_000]);
  });

  it('stops at maxAttempts with the last error', async () => {
    let n = 0;
    await expect(
      runWithRetries(deps(), 'x', start + 600_000, async () => {
        n += 1;
        return { kind: 'retryable', reason: 'unavailable', detail: 'fanvue returned 503' };
      }),
    ).rejects.toBeInstanceOf(FanvueUnavailableError);
    expect(n).toBe(5);
    expect(sleeps).toHaveLength(4);
  });

  it('never sleeps past the deadline: throws a budget stop (BudgetExceededError) carrying the 429 at once instead', async () => {
    const err = await runWithRetries(deps(), 'x', start + 10_000, async () => ({
      kind: 'retryable',
      reason: 'rate_limited',
      detail: '429',
      hintMs: 15_000,
    })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BudgetExceededError);
    expect(err).toBeInstanceOf(DeadlineReachedError);
    expect(err).toMatchObject({ code: 'budget', waitingFor: 'rate_limited', retryAfterMs: 15_000 });
    expect((err as Error).cause).toBeInstanceOf(FanvueRateLimitError);
    expect(sleeps).toEqual([]);
    expect(Date.now()).toBeLessThanOrEqual(start + 10_000);
  });

  it('throws BudgetExceededError when no attempt fits before the deadline', async () => {
    const attempt = vi.fn();
    await expect(runWithRetries(deps(), 'x', start + 10, attempt)).rejects.toBeInstanceOf(BudgetExceededError);
    expect(attempt).not.toHaveBeenCalled();
  });
});
