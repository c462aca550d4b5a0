import { HeartbeatError } from '../shared/errors';

/**
 * Errors the domain understands from the earnings source. Adapters throw
 * these (or subclasses of them), so the domain decides what to do from the
 * error's type, never from an HTTP status. `message` is safe to store as a
 * model's last error (never a token, never a whole response body).
 */
export class SourceError extends HeartbeatError {}

/** A row or page that breaks the contract; `message` names the field. Nothing of that page is stored. */
export class SourceContractError extends SourceError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('malformed', message, options);
  }
}

/**
 * The source no longer accepts a page token saved by an earlier run (it expired, or
 * the source was redeployed): the window restarts from its start.
 */
export class PageTokenRejectedError extends SourceError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('page_token_rejected', message, options);
  }
}

/**
 * The run's deadline came before the source answered: no attempt fitted, or the next
 * wait (a 429's Retry-After, a backoff) would pass it. A budget stop, not a failure:
 * the run ends `partial` with a resumable position.
 */
export class DeadlineReachedError extends SourceError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('budget', message, options);
  }
}
