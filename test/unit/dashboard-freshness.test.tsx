// @vitest-environment jsdom
import { cleanup, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  advance,
  answerAsMember,
  dashboard,
  dashboardCalls,
  iso,
  MIN,
  model,
  renderApp,
  reply,
  setup,
  signedInAs,
  T0,
} from './dashboard-fixtures';

afterEach(() => {
  cleanup();
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

const card = (name: string) => within(screen.getByRole('article', { name }));
const kpi = () => within(screen.getByRole('region', { name: /revenue/i }));

describe('live indicator', () => {
  it('stays Live up to liveWithinMs after the last success and turns Stale just after, between polls', async () => {
    const fetchMock = setup();
    fetchMock.mockResolvedValue(
      reply(200, dashboard([model({ lastSuccessAt: iso(T0 - 21 * MIN), lastSyncStartedAt: iso(T0 - 21.5 * MIN) })])),
    );
    await renderApp();
    expect(card('Aria').getByText('Live')).toBeTruthy();
    expect(card('Aria').getByText('synced 21m ago')).toBeTruthy();
    expect(kpi().getByText('Live')).toBeTruthy();
    await advance(60_000); // exactly 22 minutes: still live (inclusive)
    expect(card('Aria').getByText('Live')).toBeTruthy();
    await advance(15_000); // the clock ticks past the threshold without a new poll
    expect(card('Aria').getByText('Stale')).toBeTruthy();
    expect(card('Aria').queryByText('Live')).toBeNull();
    expect(card('Aria').getByText('synced 22m ago')).toBeTruthy();
    expect(kpi().getByText('Stale')).toBeTruthy();
    expect(kpi().getByText('the only model behind')).toBeTruthy();
    expect(dashboardCalls(fetchMock)).toBe(2);
  });

  it('shows Syncing with a spinner while a sync runs, then falls back once the start is an interval old', async () => {
    // A signed-in admin, who sees the (disabled) Sync button.
    const fetchMock = setup({ key: null });
    signedInAs();
    answerAsMember(
      fetchMock,
      reply(
        200,
        dashboard([
          model({ status: 'syncing', lastSyncStartedAt: iso(T0 - 9 * MIN), lastSuccessAt: iso(T0 - 19 * MIN) }),
          model({ modelId: 'm2', displayName: 'Bella' }),
        ]),
      ),
    );
    const view = await renderApp();
    expect(card('Aria').getByText('Syncing')).toBeTruthy();
    expect(view.container.querySelector('[data-state="syncing"] .live__spinner')).not.toBeNull();
    expect(card('Aria').getByRole('button', { name: 'Sync now: Aria' })).toHaveProperty('disabled', true);
    expect(kpi().getByText('Syncing')).toBeTruthy();
    await advance(60_000);
    expect(card('Aria').queryByText('Syncing')).toBeNull();
    expect(card('Aria').getByText('Live')).toBeTruthy();
    expect(kpi().getByText('Live')).toBeTruthy();
  });

  it('is Stale for a model whose sync keeps failing, and says why in words', async () => {
    const fetchMock = setup();
    const failing = model({
      modelId: 'm2',
      displayName: 'Bella',
      status: 'error',
      lastSuccessAt: iso(T0 - 3 * 60 * MIN),
      consecutiveFailures: 4,
      lastError: 'Fanvue access was revoked: reconnect this model',
    });
    fetchMock.mockResolvedValue(reply(200, dashboard([model(), failing])));
    await renderApp();
    expect(card('Bella').getByText('Stale')).toBeTruthy();
    expect(card('Bella').getByText('synced 3h ago')).toBeTruthy();
    expect(card('Bella').getByText(/Fanvue access was revoked: reconnect this model/)).toBeTruthy();
    expect(card('Bella').getByText(/failed 4 times in a row/)).toBeTruthy();
    expect(card('Aria').queryByText(/revoked/)).toBeNull();
    expect(kpi().getByText('1 of 2 models behind')).toBeTruthy();
  });

  it('keeps the "synced Xm ago" label ticking between polls', async () => {
    const fetchMock = setup();
    fetchMock.mockResolvedValue(reply(200, dashboard([model({ lastSuccessAt: iso(T0 - 90_000) })])));
    await renderApp();
    expect(card('Aria').getByText('synced 1m ago')).toBeTruthy();
    await advance(30_000);
    expect(card('Aria').getByText('synced 2m ago')).toBeTruthy();
    expect(dashboardCalls(fetchMock)).toBe(1);
  });

  it('says in the tooltip when the next sync is due, and "overdue" only next to Stale, never next to Live', async () => {
    const fetchMock = setup();
    vi.setSystemTime(T0 + 2 * MIN);
    const stuck = model({
      modelId: 'm2',
      displayName: 'Bella',
      lastSyncStartedAt: iso(T0 - 12 * MIN),
      lastSuccessAt: iso(T0 - 12 * MIN),
    });
    const gone = model({
      modelId: 'm3',
      displayName: 'Cleo',
      lastSyncStartedAt: iso(T0 - 40 * MIN),
      lastSuccessAt: iso(T0 - 40 * MIN),
    });
    fetchMock.mockResolvedValue(
      reply(200, dashboard([model({ lastSyncStartedAt: iso(T0 + MIN), lastSuccessAt: iso(T0 + MIN) }), stuck, gone])),
    );
    const view = await renderApp();
    const [aria, bella, cleo] = [...view.container.querySelectorAll('article [data-state]')];
    expect(aria?.getAttribute('title')).toMatch(/^Next sync due at .+ \(in 8m\)$/);
    // Bella's scheduled sync is late but she is still within the Live window: the hover text must not say "overdue".
    expect(bella?.getAttribute('data-state')).toBe('live');
    expect(bella?.getAttribute('title')).toBe('Next sync any moment now');
    expect(cleo?.getAttribute('data-state')).toBe('stale');
    expect(cleo?.getAttribute('title')).toMatch(/^Sync overdue since .+$/);
  });
});
