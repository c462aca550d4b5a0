import { describe, expect, inject, it } from 'vitest';
import { runSoak } from '../../bench/soak/soak';

/**
 * The short version of `npm run soak`: a fixed seed and a small agency, every fault kind
 * possible, then faults stop, clean cycles, drain, reconciliation and the comparison with
 * the simulator's ground truth. Every figure must be zero.
 */
describe('fault-injection soak (short)', () => {
  it('ends with nothing lost, doubled, drifted, moved back or stuck', { timeout: 300_000 }, async () => {
    const lines: string[] = [];
    const report = await runSoak({
      seed: 20_261_202,
      cycles: 4,
      models: 6,
      agencies: 2,
      historyRows: 60,
      aggregators: 2,
      endpoint: inject('ddbEndpoint'),
      log: (line) => lines.push(line),
    });
    const injected = Object.values(report.faults).reduce((a, b) => a + b, 0);
    expect(injected, 'faults were injected').toBeGreaterThan(0);
    expect(report.revoked, 'a connection was revoked').toBeGreaterThan(0);
    expect({ figures: report.figures, details: report.details }).toEqual({
      figures: Object.fromEntries(Object.keys(report.figures).map((k) => [k, 0])),
      details: [],
    });
    expect(report.rows).toBeGreaterThan(6 * 60);
  });
});
