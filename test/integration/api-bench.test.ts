import { describe, expect, inject, it } from 'vitest';
import { runApiBench } from '../../bench/api';

describe('dashboard API benchmark', () => {
  // Heavy on a busy machine (tables, 30 models x 90 days of totals): an explicit, generous limit.
  it('runs end to end on a small agency and reports sane numbers', { timeout: 180_000 }, async () => {
    const r = await runApiBench({
      models: 30,
      requests: 10,
      idlePolls: 5,
      frontendDist: 'does-not-exist',
      ddbEndpoint: inject('ddbEndpoint'),
    });
    expect(r.models).toBe(30);
    expect(r.p50Ms).toBeGreaterThan(0);
    expect(r.p99Ms).toBeGreaterThanOrEqual(r.p50Ms);
    expect(r.payloadGzipBytes).toBeLessThan(r.payloadBytes);
    // Nothing is written between idle polls, so every one is a 304.
    expect(r.notModified).toBe(5);
    expect(r.frontendJs).toBeNull();
    expect(r.periods.map((p) => p.period)).toEqual(['today', '7d', '30d', 'last-month', 'custom (92 days)']);
    for (const p of r.periods) {
      expect(p.p99Ms).toBeGreaterThanOrEqual(p.p50Ms);
      // The metered request read something, and reported its capacity.
      expect(p.calls).toBeGreaterThan(0);
      expect(p.itemBytes).toBeGreaterThan(0);
      expect(p.readUnits).toBeGreaterThan(0);
    }
    // A longer period reads more day items.
    expect(r.periods[4]!.itemBytes).toBeGreaterThan(r.periods[0]!.itemBytes);
    expect(r.agencyDayItemBytes).toBeGreaterThan(0);
  });
});
