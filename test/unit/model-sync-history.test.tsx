// @vitest-environment jsdom
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SyncHistory } from '../../frontend/src/components/SyncHistory';
import type { SyncRunView } from '../../lambdas/domain/run-history-view';
import { advance, iso, MIN, reply, setup, T0 } from './dashboard-fixtures';

function run(over: Partial<SyncRunView> = {}): SyncRunView {
  return {
    id: `${iso(T0 - 2 * MIN)}#r1`,
    kind: 'sync',
    trigger: 'schedule',
    outcome: 'ok',
    startedAt: iso(T0 - 2 * MIN - 5_000),
    endedAt: iso(T0 - 2 * MIN),
    pages: 2,
    rowsFetched: 60,
    rowsStored: 3,
    cursorFrom: '2026-03-10T10:00:00.000Z',
    cursorTo: '2026-03-10T11:35:00.000Z',
    differences: null,
    error: null,
    ...over,
  };
}

function view(lastChange: string, onUnauthorized = vi.fn()) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const ui = (change: string) => (
    <QueryClientProvider client={client}>
      <SyncHistory
        accessKey="test-key"
        modelId="m 1"
        displayName="Aria"
        lastChange={change}
        now={T0}
        fast={false}
        onUnauthorized={onUnauthorized}
      />
    </QueryClientProvider>
  );
  const r = render(ui(lastChange));
  return { rerender: (change: string) => r.rerender(ui(change)), onUnauthorized };
}

afterEach(() => {
  cleanup();
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('Sync history on the model page', () => {
  it('is a captioned table with column headers, newest run first, in plain words', async () => {
    const fetchMock = setup();
    const failed = run({
      id: `${iso(T0 - MIN)}#r2`,
      trigger: 'webhook',
      outcome: 'error',
      endedAt: iso(T0 - MIN),
      startedAt: iso(T0 - MIN - 1_000),
      pages: 0,
      rowsFetched: 0,
      rowsStored: 0,
      cursorFrom: '2026-03-10T11:35:00.000Z',
      cursorTo: '2026-03-10T11:35:00.000Z',
      error: 'Fanvue access was revoked: reconnect this model',
    });
    const skipped = run({
      id: `${iso(T0 - 3 * MIN)}#r0`,
      trigger: 'dashboard',
      outcome: 'already_running',
      cursorFrom: '2026-03-10T10:00:00.000Z',
      cursorTo: '2026-03-10T10:00:00.000Z',
    });
    fetchMock.mockResolvedValue(reply(200, { runs: [failed, run(), skipped] }));
    view('ok|a');
    await advance(0);

    expect(String(fetchMock.mock.calls[0]?.[0])).toBe('/api/key/models/m%201/runs?limit=20');
    const table = screen.getByRole('table', { name: 'Latest syncs of Aria, newest first (kept 30 days)' });
    expect(
      within(table)
        .getAllByRole('columnheader')
        .map((h) => h.textContent),
    ).toEqual(['When', 'Started by', 'Result', 'Rows']);
    const rows = within(table).getAllByRole('row').slice(1);
    const cells = rows.map((r) =>
      within(r)
        .getAllByRole('cell')
        .map((c) => c.textContent),
    );
    expect(cells[0]).toEqual([
      '1m ago2026-03-10 11:59 UTC',
      'Fanvue webhook',
      'FailedFanvue access was revoked: reconnect this model',
      '0 new or changed of 0 read (0 pages)',
    ]);
    expect(cells[1]).toEqual([
      '2m ago2026-03-10 11:58 UTC',
      'Schedule',
      'Caught upData up to 2026-03-10 11:35 UTC (1 h 35 min further)',
      '3 new or changed of 60 read (2 pages)',
    ]);
    expect(cells[2]?.slice(1)).toEqual([
      'Sync now',
      'Skipped: a sync was already running (it reads the news too)',
      '—',
    ]);
    expect(within(rows[0]!).getByRole('time').getAttribute('datetime')).toBe(iso(T0 - MIN));
    // The table scrolls inside its own region, which the keyboard can reach.
    expect(screen.getByRole('region', { name: 'Sync history, table' }).getAttribute('tabindex')).toBe('0');
  });

  it('refetches as soon as the model reports a change, so a finished Sync now shows its run', async () => {
    const fetchMock = setup();
    fetchMock.mockResolvedValueOnce(reply(200, { runs: [run()] }));
    const { rerender } = view('syncing|a');
    await advance(0);
    expect(screen.getAllByRole('row')).toHaveLength(2);
    const fresh = run({ id: `${iso(T0)}#r9`, trigger: 'dashboard', endedAt: iso(T0), startedAt: iso(T0 - 4_000) });
    fetchMock.mockResolvedValueOnce(reply(200, { runs: [fresh, run()] }));
    rerender('ok|a');
    await advance(0);
    expect(fetchMock).toHaveBeenCalledTimes(2);
    const first = screen.getAllByRole('row')[1]!;
    expect(within(first).getAllByRole('cell')[1]?.textContent).toBe('Sync now');
  });

  it('says so when nothing was recorded, and a 401 goes to the sign-in handler', async () => {
    const fetchMock = setup();
    fetchMock.mockResolvedValueOnce(reply(200, { runs: [] }));
    view('ok|a');
    await advance(0);
    expect(screen.getByText('No syncs recorded in the last 30 days.')).toBeTruthy();
    expect(screen.queryByRole('table')).toBeNull();
    cleanup();
    fetchMock.mockResolvedValueOnce(reply(401, { error: 'no' }));
    const { onUnauthorized } = view('ok|b');
    await advance(0);
    expect(onUnauthorized).toHaveBeenCalledTimes(1);
  });
});
