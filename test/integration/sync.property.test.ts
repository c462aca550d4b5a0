import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EarningsReader } from '../../lambdas/domain/ports';
import { syncModel } from '../../lambdas/domain/sync';
import { rowIdentities, startSyncHarness, storedIdentities } from '../support/sync-harness';

describe('sync property (simulator over HTTP + DynamoDB Local)', () => {
  // 12 runs, each with its own simulator and tables: minutes on a busy 2-core machine, so an explicit, generous limit.
  it('for random histories, id modes, orders, page sizes, crash points and overlaps, stored rows equal the simulator rows exactly', {
    timeout: 600_000,
  }, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          seed: fc.integer({ min: 1, max: 1_000_000 }),
          history: fc.integer({ min: 0, max: 90 }),
          withIds: fc.boolean(),
          order: fc.constantFrom('asc' as const, 'desc' as const),
          pageSize: fc.integer({ min: 1, max: 50 }),
          lookbackMinutes: fc.constantFrom(0, 5, 60, 24 * 60),
          crashAt: fc.array(fc.integer({ min: 1, max: 8 }), { maxLength: 3 }),
          arrivals: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 4 }),
        }),
        async (p) => {
          const h = await startSyncHarness(
            {
              seed: p.seed,
              creators: 1,
              history: p.history,
              withIds: p.withIds,
              identicalRows: !p.withIds,
              order: p.order,
              sameTimestampRate: 0.2,
            },
            { SYNC_PAGE_SIZE: String(p.pageSize), SYNC_LOOKBACK_MINUTES: String(p.lookbackMinutes) },
          );
          try {
            const creator = h.creatorOf.m0!;
            let call = 0;
            const crashes = new Set(p.crashAt);
            const reader: EarningsReader = {
              readPage: async (req) => {
                call += 1;
                if (crashes.has(call)) throw new Error('simulated crash');
                return h.deps.reader.readPage(req);
              },
            };
            for (const [cycle, n] of p.arrivals.entries()) {
              for (let i = 0; i < n; i++) h.sim.addRow(creator);
              h.clock.advance(3);
              await syncModel({ ...h.deps, reader }, 'm0', `run-${cycle}`).catch(() => undefined);
            }
            h.clock.advance(3);
            const final = await syncModel(h.deps, 'm0', 'final');
            expect(final.status).toBe('ok');
            const stored = await h.stored('m0');
            expect(storedIdentities(stored)).toEqual(rowIdentities(h.sim.rows(creator)));
            expect(new Set(stored.map((s) => s.txKey)).size).toBe(stored.length);
          } finally {
            await h.stop();
          }
        },
      ),
      { numRuns: 12 },
    );
  });
});
