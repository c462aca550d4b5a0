// @vitest-environment jsdom
import { render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { KpiCard, sumLastDays } from '../../frontend/src/components/KpiCard';
import type { DashboardResponse } from '../../lambdas/domain/dashboard';

const daily: DashboardResponse['daily'] = Array.from({ length: 30 }, (_, i) => ({
  day: `2026-11-${String(i + 1).padStart(2, '0')}`,
  gross: (i + 1) * 100,
  net: (i + 1) * 80,
  count: 1,
}));

describe('gross revenue card periods', () => {
  it('sums today, the last 7 and the last 30 days from the daily series, in cents', () => {
    expect(sumLastDays(daily, 1, 'gross')).toBe(3_000);
    expect(sumLastDays(daily, 7, 'gross')).toBe((24 + 25 + 26 + 27 + 28 + 29 + 30) * 100);
    expect(sumLastDays(daily, 30, 'net')).toBe((30 * 31 * 80) / 2);
  });

  it('shows them on the card, formatted as USD', () => {
    const data = {
      agency: { id: 'a', name: 'A' },
      generatedAt: '2026-11-30T12:00:00.000Z',
      freshness: { syncIntervalMs: 600_000, liveWithinMs: 1_320_000 },
      totals: { gross: 46_500, net: 37_200, count: 30, bySource: {} },
      daily,
      models: [],
    } as unknown as DashboardResponse;
    render(<KpiCard data={data} now={Date.parse('2026-11-30T12:00:00Z')} measure="gross" />);
    const today = screen.getByText('Today (UTC)').parentElement!;
    expect(within(today).getByText('$30.00')).toBeTruthy();
    expect(within(screen.getByText('Last 7 days').parentElement!).getByText('$189.00')).toBeTruthy();
    expect(within(screen.getByText('Last 30 days').parentElement!).getByText('$465.00')).toBeTruthy();
  });
});
