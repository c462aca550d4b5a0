/** Base of every error we throw on purpose. `code` is stable and safe to show. */
export class HeartbeatError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Invalid configuration (missing or malformed environment variable). */
export class ConfigError extends HeartbeatError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('config', message, options);
  }
}

/** Input that failed validation at a boundary (event, request, stream image). */
export class ValidationError extends HeartbeatError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('validation', message, options);
  }
}

/** An HTTP error for the API: `status` < 500 messages are shown to the caller, 5xx never are. */
export class HttpError extends HeartbeatError {
  readonly status: number;
  constructor(status: number, message: string, options?: { cause?: unknown }) {
    super(`http_${status}`, message, options);
    this.status = status;
  }
}
