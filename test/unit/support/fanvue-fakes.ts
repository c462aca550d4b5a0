import { vi } from 'vitest';
import type { EarningRow } from '../../../lambdas/adapters/fanvue/schema';
import { SecretNotFoundError } from '../../../lambdas/adapters/secrets';
import type { SecretStore } from '../../../lambdas/domain/ports';
import type { AppLogger } from '../../../lambdas/shared/logger';

/** One request the fake fetch saw. */
export interface SeenRequest {
  url: URL;
  method: string;
  headers: Headers;
  body: string;
}

/** A fetch that answers from `handler` in-process (no sockets) and records every request. */
export function fakeFetch(
  handler: (req: SeenRequest, signal: AbortSignal | undefined) => Response | Promise<Response>,
) {
  const seen: SeenRequest[] = [];
  const fn = (async (input: string | URL | Request, init?: RequestInit) => {
    const req: SeenRequest = {
      url: new URL(String(input)),
      method: init?.method ?? 'GET',
      headers: new Headers(init?.headers),
      body: typeof init?.body === 'string' ? init.body : '',
    };
    seen.push(req);
    return handler(req, init?.signal ?? undefined);
  }) as typeof fetch;
  return { fetch: fn, seen };
}

/** A JSON response. */
export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
}

/** A SecretStore over a Map that records every call in `events`. */
export function memoryStore(initial: Record<string, string>, events: string[] = []) {
  const values = new Map(Object.entries(initial));
  const store: SecretStore = {
    async get(id) {
      events.push(`get ${id}`);
      const v = values.get(id);
      if (v === undefined) throw new SecretNotFoundError(id);
      return v;
    },
    async put(id, value) {
      events.push(`put ${id}`);
      values.set(id, value);
    },
  };
  return { store, values, events };
}

/** A logger whose calls are recorded, so tests can assert what was (not) logged. */
export function recordingLogger() {
  const calls: unknown[][] = [];
  const rec = (level: string) => vi.fn((...args: unknown[]) => void calls.push([level, ...args]));
  const logger: AppLogger = {
    debug: rec('debug'),
    info: rec('info'),
    warn: rec('warn'),
    error: rec('error'),
  } as unknown as AppLogger;
  return { logger, calls };
}

/** A valid earnings row. */
export function row(i: number, over: Partial<EarningRow> = {}): EarningRow {
  return {
    date: new Date(Date.UTC(2025, 0, 1, 0, i)).toISOString(),
    gross: 1000 + i,
    net: 800 + i,
    currency: 'USD',
    source: 'tip',
    transactionOrderId: `order-${i}`,
    user: { uuid: `fan-${i}` },
    ...over,
  };
}
