// @vitest-environment jsdom
import { act, cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TOTALS_SETTLE_MS } from '../../frontend/src/components/SyncButton';
import {
  advance,
  dashboard,
  dashboardCalls,
  iso,
  ME_ADMIN,
  MEMBER_TOKEN,
  model,
  renderApp,
  reply,
  SITE_CONFIG,
  setup,
  signedInAs,
} from './dashboard-fixtures';

afterEach(() => {
  cleanup();
  vi.useRealTimers();
  vi.unstubAllGlobals();
  window.history.replaceState(null, '', '/');
});

describe('polling', () => {
  it('fetches the dashboard again every 60 s and shows the new numbers', async () => {
    const fetchMock = setup();
    fetchMock.mockResolvedValueOnce(reply(200, dashboard([model()])));
    fetchMock.mockResolvedValue(
      reply(200, dashboard([model({ period: { gross: 200_000, net: 150_000, count: 20 } })])),
    );
    await renderApp();
    expect(dashboardCalls(fetchMock)).toBe(1);
    const [url, init] = fetchMock.mock.calls[0] ?? [];
    expect(url).toBe('/api/key/dashboard?period=30d');
    expect(init?.cache).toBe('no-cache');
    expect(new Headers(init?.headers).get('authorization')).toBe('Bearer test-key');
    expect(within(screen.getByRole('article', { name: 'Aria' })).getByText('$234.56')).toBeTruthy();
    await advance(59_999);
    expect(dashboardCalls(fetchMock)).toBe(1);
    await advance(1);
    expect(dashboardCalls(fetchMock)).toBe(2);
    expect(within(screen.getByRole('article', { name: 'Aria' })).getByText('$2,000.00')).toBeTruthy();
    await advance(60_000);
    expect(dashboardCalls(fetchMock)).toBe(3);
  });

  it('keeps the last data on screen with a non-blocking banner when a poll fails, and clears it on recovery', async () => {
    const fetchMock = setup();
    fetchMock.mockResolvedValueOnce(reply(200, dashboard([model()])));
    fetchMock.mockResolvedValueOnce(reply(500, { error: 'internal error' }));
    fetchMock.mockRejectedValueOnce(new TypeError('Failed to fetch'));
    fetchMock.mockResolvedValue(reply(200, dashboard([model()])));
    await renderApp();
    await advance(60_000);
    expect(screen.getByRole('alert').textContent).toMatch(/Could not refresh \(request failed \(500\)\)/);
    expect(screen.getByRole('heading', { name: 'Acme Talent' })).toBeTruthy();
    expect(within(screen.getByRole('article', { name: 'Aria' })).getByText('$234.56')).toBeTruthy();
    expect(screen.getByRole('article', { name: 'Aria' })).toBeTruthy();
    await advance(60_000);
    expect(screen.getByRole('alert').textContent).toMatch(/Failed to fetch/);
    expect(within(screen.getByRole('article', { name: 'Aria' })).getByText('$234.56')).toBeTruthy();
    await advance(60_000);
    expect(screen.queryByRole('alert')).toBeNull();
  });
});

describe('access key', () => {
  it('takes the key from the URL fragment, stores it and removes it from the address bar', async () => {
    const fetchMock = setup({ key: null });
    window.history.replaceState(null, '', '/#key=frag-key-123');
    fetchMock.mockResolvedValue(reply(200, dashboard([model()])));
    await renderApp();
    expect(window.location.hash).toBe('');
    expect(window.location.href).not.toContain('frag-key-123');
    expect(localStorage.getItem('revenue-heartbeat.access-key')).toBe('frag-key-123');
    expect(new Headers(fetchMock.mock.calls[0]?.[1]?.headers).get('authorization')).toBe('Bearer frag-key-123');
  });

  it('shows the sign-in page when there is no session or key; a read-only key can be typed instead', async () => {
    const fetchMock = setup({ key: null });
    fetchMock.mockImplementation(async (url) =>
      String(url) === '/config.json' ? reply(200, SITE_CONFIG) : reply(200, dashboard([model()])),
    );
    await renderApp();
    expect(fetchMock.mock.calls.map(([url]) => url)).toEqual(['/config.json']);
    expect(screen.getByRole('button', { name: 'Sign in' })).toHaveProperty('disabled', false);
    fireEvent.click(screen.getByRole('button', { name: 'Use a read-only access key' }));
    fireEvent.change(screen.getByLabelText('Access key'), { target: { value: 'typed-key' } });
    fireEvent.click(screen.getByRole('button', { name: 'Open dashboard' }));
    await advance(0);
    const call = fetchMock.mock.calls.find(([url]) => String(url).startsWith('/api/key/dashboard'));
    expect(new Headers(call?.[1]?.headers).get('authorization')).toBe('Bearer typed-key');
    expect(screen.getByRole('heading', { name: 'Acme Talent' })).toBeTruthy();
    // A key is read-only: no sync button, no member actions.
    expect(screen.queryByRole('button', { name: 'Sync now' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Members' })).toBeNull();
  });

  it('forgets a rejected key and shows the key form on 401', async () => {
    const fetchMock = setup({ key: 'old-key' });
    fetchMock.mockResolvedValue(reply(401, { error: 'missing or invalid access key' }));
    await renderApp();
    await advance(0);
    expect(screen.getByRole('alert').textContent).toMatch(/not accepted/);
    expect(screen.getByLabelText('Access key')).toBeTruthy();
    expect(localStorage.getItem('revenue-heartbeat.access-key')).toBeNull();
  });
});

describe('model rows: actions and amounts', () => {
  it('offers no Sync now to a read-only access key', async () => {
    const fetchMock = setup();
    fetchMock.mockResolvedValue(reply(200, dashboard([model()])));
    await renderApp();
    const aria = within(screen.getByRole('article', { name: 'Aria' }));
    expect(aria.queryByRole('button', { name: /Sync now/ })).toBeNull();
  });

  it('closes the loop on Sync now: Syncing…, fast polls, then "Synced just now" with the new figure', async () => {
    const fetchMock = setup({ key: null });
    signedInAs();
    let accept: (r: Response) => void = () => undefined;
    let synced = false;
    let totalsIn = 1;
    fetchMock.mockImplementation(async (url, init) => {
      if (init?.method === 'POST') return new Promise<Response>((r) => (accept = r));
      if (url === '/config.json') return reply(200, SITE_CONFIG);
      if (url === '/api/me') return reply(200, ME_ADMIN);
      // The totals follow the model's status a poll later (the stream and the aggregator).
      const done = { lastSuccessAt: iso(Date.now()) };
      const counted = { ...done, period: { gross: 99_900, net: 80_000, count: 4 } };
      return reply(200, dashboard([model(synced ? (totalsIn-- > 0 ? done : counted) : {})]));
    });
    await renderApp();
    const aria = within(screen.getByRole('article', { name: 'Aria' }));
    fireEvent.click(aria.getByRole('button', { name: 'Sync now: Aria' }));
    await advance(0);
    expect(aria.getByRole('button', { name: 'Sync now: Aria' })).toHaveProperty('disabled', true);
    expect(aria.getByText('Asking for a sync…')).toBeTruthy();
    const post = fetchMock.mock.calls.find(([, init]) => init?.method === 'POST');
    expect(post?.[0]).toBe('/api/models/m1/sync');
    expect(new Headers(post?.[1]?.headers).get('authorization')).toBe(`Bearer ${MEMBER_TOKEN}`);
    await act(async () => accept(reply(202, { accepted: true })));
    await advance(0);
    expect(aria.getByText('Syncing…', { selector: '.sync__note' })).toBeTruthy();
    // Success refreshes at once, then every 3 s while the sync runs (not every 60 s).
    const calls = dashboardCalls(fetchMock);
    await advance(3_000);
    expect(dashboardCalls(fetchMock)).toBeGreaterThan(calls);
    synced = true;
    await advance(3_000);
    await advance(10);
    expect(aria.getByText('Synced just now')).toBeTruthy();
    expect(aria.queryByText('$999.00')).toBeNull();
    expect(aria.getByRole('button', { name: 'Sync now: Aria' })).toHaveProperty('disabled', false);
    // Still polling fast a little while: the new figure arrives without waiting for the 60 s poll.
    await advance(3_000);
    await advance(10);
    expect(aria.getByText('$999.00')).toBeTruthy();
    // Settled: back to the 60 s pace.
    await advance(TOTALS_SETTLE_MS);
    await advance(10);
    const settled = dashboardCalls(fetchMock);
    await advance(30_000);
    expect(dashboardCalls(fetchMock)).toBe(settled);
  });

  it('says why a requested sync failed, in words', async () => {
    const fetchMock = setup({ key: null });
    signedInAs();
    let failed = false;
    fetchMock.mockImplementation(async (url, init) => {
      if (init?.method === 'POST') return reply(202, { accepted: true });
      if (url === '/config.json') return reply(200, SITE_CONFIG);
      if (url === '/api/me') return reply(200, ME_ADMIN);
      const error = {
        status: 'error' as const,
        lastSyncStartedAt: iso(Date.now()),
        lastError: 'Fanvue access was revoked: reconnect this model',
        consecutiveFailures: 1,
      };
      return reply(200, dashboard([model(failed ? error : {})]));
    });
    await renderApp();
    const aria = within(screen.getByRole('article', { name: 'Aria' }));
    fireEvent.click(aria.getByRole('button', { name: 'Sync now: Aria' }));
    await advance(0);
    failed = true;
    await advance(3_000);
    await advance(10);
    expect(aria.getByText('Sync failed: Fanvue access was revoked: reconnect this model')).toBeTruthy();
  });

  it('formats integer cents as USD and switches every amount between gross and net', async () => {
    const fetchMock = setup();
    fetchMock.mockResolvedValue(reply(200, dashboard([model()])));
    await renderApp();
    const kpi = within(screen.getByRole('region', { name: 'Gross revenue, last 30 days' }));
    expect(kpi.getByText('$435.00')).toBeTruthy();
    const sources = within(screen.getByRole('region', { name: 'By source' }));
    expect(sources.getByText('Subscriptions')).toBeTruthy();
    expect(sources.getByText('$400.00')).toBeTruthy();
    expect(sources.queryByText('Other')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Net' }));
    expect(within(screen.getByRole('region', { name: 'Net revenue, last 30 days' })).getByText('$348.00')).toBeTruthy();
    expect(within(screen.getByRole('article', { name: 'Aria' })).getByText('$200.00')).toBeTruthy();
    expect(sources.getByText('$320.00')).toBeTruthy();
    expect(screen.getByRole('img', { name: /^Net revenue per day, 30 days/ })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Net' }).getAttribute('aria-pressed')).toBe('true');
  });
});
