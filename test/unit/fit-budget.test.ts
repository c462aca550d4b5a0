import { describe, expect, it } from 'vitest';
import { fitBudget, invocationOwner } from '../../lambdas/handlers/sync-handler';

describe('a run budget fits the invocation (sync and audit)', () => {
  it('keeps the configured budget outside Lambda', () => {
    expect(fitBudget(240_000, {})).toBe(240_000);
  });
  it('shrinks to the remaining time less a 10 s margin, never below 1 s', () => {
    expect(fitBudget(240_000, { getRemainingTimeInMillis: () => 300_000 })).toBe(240_000);
    expect(fitBudget(240_000, { getRemainingTimeInMillis: () => 100_000 })).toBe(90_000);
    expect(fitBudget(240_000, { getRemainingTimeInMillis: () => 5_000 })).toBe(1_000);
  });
  it("owns the lease by Lambda's request id, or a fresh id each time outside Lambda", () => {
    expect(invocationOwner({ awsRequestId: 'req-1' })).toBe('req-1');
    expect(invocationOwner({})).not.toBe(invocationOwner({}));
  });
});
