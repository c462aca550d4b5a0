import type { AppLogger } from '../lambdas/shared/logger';

/** A terse human-readable logger for the terminal of `npm start` (info shown only when verbose). */
export function consoleLogger(verbose: boolean): AppLogger {
  const line = (level: string, message: string, fields: unknown[]) => {
    const details = fields.length > 0 ? ` ${fields.map((f) => JSON.stringify(f)).join(' ')}` : '';
    const out = `${new Date().toISOString().slice(11, 19)} ${level.padEnd(5)} ${message}${details}`;
    if (level === 'error' || level === 'warn') process.stderr.write(`${out}\n`);
    else process.stdout.write(`${out}\n`);
  };
  return {
    debug: () => undefined,
    info: (message: string, ...fields: unknown[]) => verbose && line('info', message, fields),
    warn: (message: string, ...fields: unknown[]) => line('warn', message, fields),
    error: (message: string, ...fields: unknown[]) => line('error', message, fields),
  } as AppLogger;
}
