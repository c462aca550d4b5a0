// @vitest-environment jsdom
import { cleanup, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { KpiCard, modelsPart } from '../../frontend/src/components/KpiCard';
import { dashboard, iso, MIN, model, T0 } from './dashboard-fixtures';

afterEach(cleanup);

describe('revenue card for a period', () => {
  it('names the period in the headline, shows the change with a sign and an icon, and labels all time', () => {
    render(<KpiCard data={dashboard([model()])} now={T0} measure="gross" />);
    const card = within(screen.getByRole('region', { name: 'Gross revenue, last 30 days' }));
    expect(card.getByText('$435.00')).toBeTruthy();
    // 43,500 against 30,000 cents: up $135.00, +45%; the sign and the arrow carry the direction, not the colour.
    const change = card.getByText(/\+\$135\.00/);
    expect(change.textContent).toContain('▲');
    expect(change.textContent).toContain('(+45%)');
    expect(card.getByText('up $135.00 (45%) against previous 30 days')).toBeTruthy();
    expect(within(card.getByText('All time').parentElement as HTMLElement).getByText('$1,234.56')).toBeTruthy();
    expect(card.queryByText('partial')).toBeNull();
  });

  it('says what last month and this month are compared with: the month before, and the same days of it', () => {
    const lastMonth = dashboard([model()], {});
    lastMonth.period = {
      ...lastMonth.period,
      key: 'last-month',
      from: '2026-11-01',
      to: '2026-11-30',
      days: 30,
      previous: { from: '2026-10-01', to: '2026-10-31' },
    };
    render(<KpiCard data={lastMonth} now={T0} measure="gross" />);
    let card = within(screen.getByRole('region', { name: 'Gross revenue, last month' }));
    expect(card.getByText('up $135.00 (45%) against October 2026')).toBeTruthy();
    expect(card.getByText('vs October 2026')).toBeTruthy();
    expect(card.getByText('Comparison: October 2026 (2026-10-01 to 2026-10-31)')).toBeTruthy();
    expect(card.queryByText(/previous 30 days/)).toBeNull();
    cleanup();

    const thisMonth = dashboard([model()]);
    thisMonth.period = {
      ...thisMonth.period,
      key: 'this-month',
      from: '2026-12-01',
      to: '2026-12-02',
      days: 2,
      previous: { from: '2026-11-01', to: '2026-11-02' },
    };
    render(<KpiCard data={thisMonth} now={T0} measure="gross" />);
    card = within(screen.getByRole('region', { name: 'Gross revenue, this month' }));
    expect(card.getByText('vs 1–2 Nov')).toBeTruthy();
    expect(card.getByText('up $135.00 (45%) against 1–2 Nov')).toBeTruthy();
  });

  it('marks the figure partial while models are still importing their history', () => {
    render(<KpiCard data={dashboard([model(), model({ modelId: 'm2', imported: false })])} now={T0} measure="net" />);
    const card = within(screen.getByRole('region', { name: 'Net revenue, last 30 days' }));
    expect(card.getByText(/partial/)).toBeTruthy();
  });

  it('says how many models are behind in words that read naturally', () => {
    expect(modelsPart(12, 12)).toBe('all 12 models');
    expect(modelsPart(3, 12)).toBe('3 of 12 models');
    expect(modelsPart(1, 1)).toBe('the only model');
    const stale = model({ lastSuccessAt: iso(T0 - 60 * MIN), lastSyncStartedAt: iso(T0 - 61 * MIN) });
    render(<KpiCard data={dashboard([stale, { ...stale, modelId: 'm2' }])} now={T0} measure="gross" />);
    expect(screen.getByText('all 2 models behind')).toBeTruthy();
    // The live region holds the state only, never the ticking "synced … ago".
    expect(screen.getByRole('status').textContent).toBe('Revenue data stale, all 2 models behind');
  });
});
