import { z } from 'zod';

/**
 * Parses an EventBridge `rate(...)` expression into milliseconds; the local
 * scheduler uses the same expression as production.
 */
export function rateToMs(expression: string): number {
  const m = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression.trim());
  if (!m) throw new Error(`unsupported schedule expression "${expression}" (expected rate(N minutes|hours|days))`);
  const n = Number(m[1]);
  const unit = m[2]!.startsWith('minute') ? 60_000 : m[2]!.startsWith('hour') ? 3_600_000 : 86_400_000;
  if (n < 1) throw new Error(`schedule rate must be at least 1, got ${n}`);
  return n * unit;
}

/** A duration like `30s`, `2m`, `1h` or plain milliseconds. */
export const DurationSchema = z
  .string()
  .regex(/^\d+(ms|s|m|h)?$/, 'expected a duration like 30s, 2m, 1h')
  .transform((s) => {
    const n = Number.parseInt(s, 10);
    if (s.endsWith('ms')) return n;
    if (s.endsWith('s')) return n * 1_000;
    if (s.endsWith('m')) return n * 60_000;
    if (s.endsWith('h')) return n * 3_600_000;
    return n;
  });

/** The in-process stand-in for the EventBridge rule: fires `tick` every `intervalMs`, never overlapping itself. */
export function startScheduler(
  intervalMs: number,
  tick: () => Promise<void>,
  onError: (err: unknown) => void,
): { stop(): void } {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    tick()
      .catch(onError)
      .finally(() => {
        running = false;
      });
  }, intervalMs);
  return { stop: () => clearInterval(timer) };
}
