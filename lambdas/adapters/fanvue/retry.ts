import type { Clock } from '../../domain/ports';
import { attemptTimeoutMs, decideRetry, nextRetryDelayMs, type RetryPolicy } from '../../domain/retry';
import type { AppLogger } from '../../shared/logger';
import { BudgetExceededError, type FanvueError, FanvueRateLimitError, FanvueUnavailableError } from './errors';

/** What one attempt produced. Non-retryable failures are thrown by the attempt itself. */
export type AttemptOutcome<T> =
  | { kind: 'done'; value: T }
  /** Try again at once, without counting a failure (used once, after a token refresh). */
  | { kind: 'again' }
  | { kind: 'retryable'; reason: 'rate_limited' | 'unavailable'; detail: string; hintMs?: number; cause?: unknown };

/** Dependencies of {@link runWithRetries}. */
export interface RetryRunnerDeps {
  clock: Clock;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
  policy: RetryPolicy;
  logger: AppLogger;
}

/**
 * Runs `attempt` until it is done, a non-retryable error is thrown, the
 * attempt cap is reached (the last rate-limit/unavailable error) or the next
 * wait would cross `deadline`. Never sleeps past the deadline: when it would,
 * it throws {@link BudgetExceededError} at once (a budget stop for the caller,
 * with the 429 or 5xx it was waiting out as `cause`).
 */
export async function runWithRetries<T>(
  deps: RetryRunnerDeps,
  what: string,
  deadline: number,
  attempt: (timeoutMs: number) => Promise<AttemptOutcome<T>>,
): Promise<T> {
  let failures = 0;
  let last: Extract<AttemptOutcome<T>, { kind: 'retryable' }> | undefined;
  for (;;) {
    const timeoutMs = attemptTimeoutMs(deps.clock.now(), deadline, deps.policy);
    if (timeoutMs === undefined) {
      throw new BudgetExceededError(`${what}: ${last ? `${last.detail}; ` : ''}no time left before the deadline`, {
        ...(last && { cause: failure(last, `${what}: ${last.detail}`), waitingFor: last.reason }),
        ...(last?.hintMs !== undefined && { retryAfterMs: last.hintMs }),
      });
    }
    const outcome = await attempt(timeoutMs);
    if (outcome.kind === 'done') return outcome.value;
    if (outcome.kind === 'again') continue;
    last = outcome;
    failures += 1;
    const delayMs = nextRetryDelayMs(failures, outcome.hintMs, deps.policy, deps.random);
    const decision = decideRetry({ failures, delayMs, now: deps.clock.now(), deadline, policy: deps.policy });
    if (decision.kind === 'give-up') {
      deps.logger.warn('fanvue request gave up', {
        what,
        reason: outcome.reason,
        attempts: failures,
        giveUp: decision.reason,
      });
      if (decision.reason === 'attempts')
        throw failure(outcome, `${what}: ${outcome.detail} after ${failures} attempts`);
      // The wait would pass the caller's deadline: a budget stop, not a failure of Fanvue.
      throw new BudgetExceededError(
        `${what}: ${outcome.detail}; the next wait (${delayMs} ms) would pass the deadline`,
        {
          cause: failure(outcome, `${what}: ${outcome.detail} after ${failures} attempts`),
          waitingFor: outcome.reason,
          ...(outcome.hintMs !== undefined && { retryAfterMs: outcome.hintMs }),
        },
      );
    }
    deps.logger.info('fanvue request retrying', { what, reason: outcome.reason, attempt: failures, delayMs });
    await deps.sleep(decision.delayMs);
  }
}

function failure(
  outcome: { reason: 'rate_limited' | 'unavailable'; hintMs?: number; cause?: unknown },
  message: string,
): FanvueError {
  const options = outcome.cause === undefined ? undefined : { cause: outcome.cause };
  return outcome.reason === 'rate_limited'
    ? new FanvueRateLimitError(message, outcome.hintMs, options)
    : new FanvueUnavailableError(message, options);
}
