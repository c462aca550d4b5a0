import { Logger } from '@aws-lambda-powertools/logger';
import type { AppLogger } from '../domain/ports';

/**
 * The one structured logger. Lowercase messages, details as fields; never a
 * token, a secret or a whole Fanvue response.
 */
export const logger = new Logger({
  serviceName: 'revenue-heartbeat',
  logLevel: (process.env.LOG_LEVEL as 'INFO' | undefined) ?? 'INFO',
});
export type { AppLogger } from '../domain/ports';

/** A logger that drops everything (tests, benchmarks). */
export const silentLogger: AppLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
