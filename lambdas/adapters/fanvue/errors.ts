import { DeadlineReachedError, SourceError } from '../../domain/errors';

/**
 * Errors the Fanvue client throws. `code` is stable; `message` is safe to store
 * as a model's last error (never a token, never a whole response body). They are
 * the domain's `SourceError`s; the conditions the domain acts on (a rejected page
 * token, the deadline) are thrown as the domain's own error types.
 */
export class FanvueError extends SourceError {}

/** 401/403 after a refresh attempt, or the refresh token was rejected (revoked, reused, expired). */
export class FanvueAuthError extends FanvueError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('auth', message, options);
  }
}

/** 429s kept coming until the retry cap or the time budget ran out. */
export class FanvueRateLimitError extends FanvueError {
  readonly retryAfterMs: number | undefined;
  constructor(message: string, retryAfterMs?: number, options?: { cause?: unknown }) {
    super('rate_limited', message, options);
    this.retryAfterMs = retryAfterMs;
  }
}

/** 5xx / network failures kept coming until the retry cap or the budget ran out. */
export class FanvueUnavailableError extends FanvueError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('unavailable', message, options);
  }
}

/** A response that does not match the contract; `message` names the field. Nothing from it is used. */
export class FanvueContractError extends FanvueError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('malformed', message, options);
  }
}

/** Other 4xx (bad request, unsupported or sunset API version, unknown creator). */
export class FanvueRequestError extends FanvueError {
  readonly status: number;
  constructor(status: number, message: string, options?: { cause?: unknown }) {
    super(status === 410 ? 'api_version_sunset' : 'request_rejected', message, options);
    this.status = status;
  }
}

/** The invocation's time budget would be exceeded by the next attempt or wait (a budget stop for the domain). */
export class BudgetExceededError extends DeadlineReachedError {
  /** What the request was waiting out when the deadline came (a 429, a 5xx), if anything. */
  readonly waitingFor: 'rate_limited' | 'unavailable' | undefined;
  /** The server's wait hint (Retry-After), when the wait was a 429's. */
  readonly retryAfterMs: number | undefined;
  constructor(
    message: string,
    options?: { cause?: unknown; waitingFor?: 'rate_limited' | 'unavailable'; retryAfterMs?: number },
  ) {
    super(message, options);
    this.waitingFor = options?.waitingFor;
    this.retryAfterMs = options?.retryAfterMs;
  }
}
