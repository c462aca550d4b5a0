import { describe, expect, it } from 'vitest';
import type { DashboardData } from '../../lambdas/adapters/dynamo/dashboard-reader';
import { ModelRecordSchema } from '../../lambdas/domain/model';
import { emptyTotals } from '../../lambdas/domain/totals';
import { buildDashboard, dayRange } from '../../lambdas/handlers/api/dashboard';

const NOW = Date.parse('2026-03-01T00:30:00.000Z');
const cfg = { syncIntervalMs: 600_000, liveWithinMs: 1_320_000 };
const record = (modelId: string, displayName: string, extra: Record<string, unknown> = {}) =>
  ModelRecordSchema.parse({ modelId, displayName, agencyId: 'a', creatorUuid: 'c', connectionId: 'k', ...extra });

function data(models: ReturnType<typeof record>[]): DashboardData {
  return { agencyTotals: emptyTotals(), days: new Map(), models, modelTotals: new Map() };
}

describe('buildDashboard', () => {
  it('covers the last N UTC days across a month boundary, today last', () => {
    expect(dayRange(NOW, 3)).toEqual(['2026-02-27', '2026-02-28', '2026-03-01']);
  });

  it('orders models by name with numbers in natural order', () => {
    const body = buildDashboard({
      agency: { id: 'a', name: 'A' },
      data: data(['Creator 10', 'Creator 2', 'Creator 1'].map((n, i) => record(`m${i}`, n))),
      now: NOW,
      cfg,
      days: 1,
    });
    expect(body.models.map((m) => m.displayName)).toEqual(['Creator 1', 'Creator 2', 'Creator 10']);
  });

  it('shows an error only while the model is failing, and never the stored technical message', () => {
    const healthy = record('m1', 'Healthy', {
      status: 'ok',
      lastError: 'old raw text',
      lastErrorCode: 'auth',
      consecutiveFailures: 0,
    });
    const failing = record('m2', 'Failing', {
      status: 'error',
      lastError: 'HTTP 429 from /creators/x',
      lastErrorCode: 'rate_limited',
      consecutiveFailures: 2,
    });
    const [h, f] = buildDashboard({
      agency: { id: 'a', name: 'A' },
      data: data([healthy, failing]),
      now: NOW,
      cfg,
      days: 1,
    }).models.sort((x, y) => x.modelId.localeCompare(y.modelId));
    expect(h?.lastError).toBeNull();
    expect(f?.lastError).toBe('Fanvue rate limit: will retry next cycle');
  });

  it('gives models without a totals item zero totals', () => {
    const body = buildDashboard({
      agency: { id: 'a', name: 'A' },
      data: data([record('m1', 'New')]),
      now: NOW,
      cfg,
      days: 2,
    });
    expect(body.models[0]?.totals).toEqual({ gross: 0, net: 0, count: 0 });
    expect(body.daily).toEqual([
      { day: '2026-02-28', gross: 0, net: 0, count: 0 },
      { day: '2026-03-01', gross: 0, net: 0, count: 0 },
    ]);
  });
});
