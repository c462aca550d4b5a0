import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Context } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { powertoolsMetrics } from '../../lambdas/adapters/metrics';
import { lambdaEntry } from '../../lambdas/handlers/lambda-entry';
import { logger } from '../../lambdas/shared/logger';

const context = (requestId: string): Context =>
  ({
    awsRequestId: requestId,
    functionName: 'RevenueHeartbeat-Sync',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:RevenueHeartbeat-Sync',
    memoryLimitInMB: '512',
    getRemainingTimeInMillis: () => 300_000,
  }) as unknown as Context;

/** Every JSON line written to stdout while `run` runs (Powertools logs and EMF metrics go there). */
async function stdoutLines(run: () => Promise<unknown>): Promise<Record<string, unknown>[]> {
  const chunks: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    chunks.push(String(chunk));
    return true;
  });
  try {
    await run();
  } finally {
    spy.mockRestore();
  }
  return chunks
    .join('')
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

afterEach(() => vi.restoreAllMocks());

describe('Lambda entries (middy + Powertools)', () => {
  it('puts the Lambda context and the model id on every line, resets them per invocation, and flushes metrics', async () => {
    const metrics = powertoolsMetrics();
    const handler = lambdaEntry(
      async (event: { modelId: string }) => {
        logger.info('sync step', { page: 1 });
        metrics.count('SyncFailed', 0);
        return event.modelId;
      },
      metrics,
      (event) => ({ modelId: event.modelId }),
    );
    const first = await stdoutLines(() => handler({ modelId: 'm-1' }, context('req-1')));
    const second = await stdoutLines(() => handler({ modelId: 'm-2' }, context('req-2')));
    const log = (lines: Record<string, unknown>[]) => lines.find((l) => l.message === 'sync step');
    expect(log(first)).toMatchObject({
      function_request_id: 'req-1',
      function_name: 'RevenueHeartbeat-Sync',
      cold_start: expect.any(Boolean),
      modelId: 'm-1',
    });
    expect(log(second)).toMatchObject({ function_request_id: 'req-2', cold_start: false, modelId: 'm-2' });
    // Keys appended for one invocation are gone after it.
    const after = await stdoutLines(async () => logger.info('between invocations'));
    expect(after[0]?.message).toBe('between invocations');
    expect(after[0]).not.toHaveProperty('modelId');
    // A zero is published too: the alarm must see a healthy zero, not silence.
    const emf = second.find((l) => '_aws' in l);
    expect(emf).toMatchObject({ SyncFailed: 0, service: 'revenue-heartbeat' });
  });

  it('wraps every handler module the stack deploys', () => {
    const handlers = resolve(import.meta.dirname, '..', '..', 'lambdas', 'handlers');
    for (const name of ['sync', 'fanout', 'aggregate', 'reconcile', 'api']) {
      const source = readFileSync(join(handlers, `${name}.ts`), 'utf8');
      expect(source, name).toMatch(/export const handler = lambdaEntry\(/);
    }
    // The export function streams its response (function URL in RESPONSE_STREAM mode).
    expect(readFileSync(join(handlers, 'export.ts'), 'utf8')).toMatch(/export const handler = streamingEntry\(/);
  });
});
