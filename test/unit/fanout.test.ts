import { describe, expect, it } from 'vitest';
import type { CountMetricName, CountMetrics } from '../../lambdas/adapters/metrics';
import type { FanoutModel } from '../../lambdas/domain/fanout';
import { makeFanoutHandler } from '../../lambdas/handlers/fanout-handler';
import { silentLogger } from '../../lambdas/shared/logger';

const NOW = Date.parse('2026-11-28T12:00:00Z');
const ago = (min: number) => new Date(NOW - min * 60_000).toISOString();

function setup(models: FanoutModel[], failFor: string[] = []) {
  const invoked: string[] = [];
  const counted: Partial<Record<CountMetricName, number>> = {};
  const metrics: CountMetrics = {
    count: (n, v) => {
      counted[n] = (counted[n] ?? 0) + v;
    },
    flush: () => undefined,
  };
  const handler = makeFanoutHandler({
    listModels: async function* () {
      yield* models;
    },
    invoker: {
      invokeSync: async ({ modelId }) => {
        if (failFor.includes(modelId)) throw new Error('throttled');
        invoked.push(modelId);
      },
    },
    logger: silentLogger,
    concurrency: 2,
    clock: { now: () => NOW },
    staleAfterMs: 22 * 60_000,
    metrics,
  });
  return { handler, invoked, counted };
}

describe('fan-out', () => {
  it('invokes every enabled model once, skips disabled ones, and counts stale models for the freshness alarm', async () => {
    const { handler, invoked, counted } = setup([
      { modelId: 'fresh', enabled: true, lastSuccessAt: ago(5) },
      { modelId: 'late', enabled: true, lastSuccessAt: ago(23) },
      { modelId: 'never', enabled: true },
      { modelId: 'off', enabled: false, lastSuccessAt: ago(600) },
    ]);
    expect(await handler({ 'detail-type': 'Scheduled Event', source: 'aws.events' })).toEqual({
      invoked: 3,
      skipped: 1,
      stale: 2,
      failed: [],
    });
    expect(invoked.sort()).toEqual(['fresh', 'late', 'never']);
    expect(counted.StaleModels).toBe(2);
  });

  it('records a failed invoke and goes on with the others; fails only when every invoke failed', async () => {
    const some = setup(
      [
        { modelId: 'a', enabled: true },
        { modelId: 'b', enabled: true },
      ],
      ['a'],
    );
    expect(await some.handler({})).toMatchObject({ invoked: 1, failed: [{ modelId: 'a', error: 'throttled' }] });
    const all = setup([{ modelId: 'a', enabled: true }], ['a']);
    await expect(all.handler({})).rejects.toThrow(/every sync invoke failed/);
  });

  it('rejects a malformed event with a clear error', async () => {
    await expect(setup([]).handler({ modelIds: 'not-a-list' })).rejects.toThrow(/invalid fan-out event/);
  });
});
