import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, render } from '@testing-library/react';
import { type Mock, vi } from 'vitest';
import { App } from '../../frontend/src/App';
import type { DashboardModel, DashboardResponse } from '../../lambdas/domain/dashboard';

/** Shared setup of the dashboard component tests: a fixed clock, a mocked fetch, a fresh QueryClient. */

// The pages the app loads on demand (React.lazy), loaded once here, so that under fake timers a page opens
// within the same few ticks as before rather than after however long the first transform takes.
await Promise.all([
  import('../../frontend/src/components/SignInPage'),
  import('../../frontend/src/components/Members'),
  import('../../frontend/src/components/Connections'),
  import('../../frontend/src/components/ModelPage'),
  import('../../frontend/src/auth/flow'),
  import('../../frontend/src/connect-api'),
]);

export const T0 = Date.parse('2026-03-10T12:00:00.000Z');
export const MIN = 60_000;
export const iso = (ms: number) => new Date(ms).toISOString();

export function model(over: Partial<DashboardModel> = {}): DashboardModel {
  return {
    modelId: 'm1',
    displayName: 'Aria',
    enabled: true,
    totals: { gross: 123_456, net: 100_000, count: 12 },
    status: 'ok',
    lastSuccessAt: iso(T0 - MIN),
    lastSyncStartedAt: iso(T0 - 2 * MIN),
    nextSyncDueAt: iso(T0 + 8 * MIN),
    freshness: 'live',
    lastError: null,
    consecutiveFailures: 0,
    behind: false,
    period: { gross: 23_456, net: 20_000, count: 3 },
    previous: { gross: 20_000, net: 16_000, count: 2 },
    spark: { gross: Array.from({ length: 30 }, (_, i) => i * 10), net: Array.from({ length: 30 }, (_, i) => i * 8) },
    imported: true,
    lastWebhookAt: null,
    ...over,
  };
}

export function dashboard(models: DashboardModel[], over: Partial<DashboardResponse> = {}): DashboardResponse {
  const zero = { gross: 0, net: 0, count: 0 };
  return {
    agency: { id: 'ag-a', name: 'Acme Talent' },
    generatedAt: iso(T0),
    freshness: { syncIntervalMs: 10 * MIN, liveWithinMs: 22 * MIN },
    totals: {
      gross: 123_456,
      net: 100_000,
      count: 12,
      bySource: {
        subscription: { gross: 100_000, net: 80_000, count: 10 },
        tip: { gross: 23_456, net: 20_000, count: 2 },
        other: zero,
      },
    },
    daily: Array.from({ length: 30 }, (_, i) => ({
      day: iso(T0 - (29 - i) * 86_400_000).slice(0, 10),
      gross: i * 100,
      net: i * 80,
      count: i,
    })),
    period: {
      key: '30d',
      from: iso(T0 - 29 * 86_400_000).slice(0, 10),
      to: iso(T0).slice(0, 10),
      days: 30,
      timeZone: 'UTC',
      today: iso(T0).slice(0, 10),
      previous: { from: iso(T0 - 59 * 86_400_000).slice(0, 10), to: iso(T0 - 30 * 86_400_000).slice(0, 10) },
    },
    current: {
      gross: 43_500,
      net: 34_800,
      count: 435,
      bySource: {
        subscription: { gross: 40_000, net: 32_000, count: 400 },
        tip: { gross: 3_500, net: 2_800, count: 35 },
      },
    },
    previous: {
      gross: 30_000,
      net: 24_000,
      count: 300,
      bySource: { subscription: { gross: 30_000, net: 24_000, count: 300 } },
    },
    importing: {
      models: models.filter((m) => m.enabled).length,
      done: models.filter((m) => m.enabled && m.imported).length,
    },
    models,
    ...over,
  };
}

/** The site's sign-in settings, as /config.json serves them. */
export const SITE_CONFIG = {
  auth: {
    issuer: 'http://issuer.test',
    clientId: 'dashboard',
    authorizationEndpoint: 'http://issuer.test/auth',
    tokenEndpoint: 'http://issuer.test/token',
    logout: { endpoint: 'http://issuer.test/session/end', style: 'oidc' },
    scope: 'openid email profile',
  },
};

/** A JWT-shaped ID token (the API verifies it; the app only sends it). */
export const MEMBER_TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1MSJ9.c2ln';

/** GET /api/me for an admin of the fixture agency. */
export const ME_ADMIN = {
  agency: { id: 'ag', name: 'Acme Talent' },
  kind: 'member',
  email: 'admin@acme.test',
  role: 'admin',
  permissions: ['read', 'sync', 'connect'],
};

/** Puts a member's session in this tab, as a completed sign-in leaves it. */
export function signedInAs(token = MEMBER_TOKEN): void {
  sessionStorage.setItem('revenue-heartbeat.session', JSON.stringify({ idToken: token, expiresAt: T0 + 3_600_000 }));
}

/** Answers /config.json and /api/me (an admin) as the site does, and every other request with `dashboardReply`. */
export function answerAsMember(fetchMock: FetchMock, dashboardReply: Response): void {
  fetchMock.mockImplementation(async (url) => {
    if (url === '/config.json') return reply(200, SITE_CONFIG);
    if (url === '/api/me') return reply(200, ME_ADMIN);
    return dashboardReply;
  });
}

/** A fetch response the app can read. */
export function reply(status: number, body: unknown): Response {
  return { ok: status >= 200 && status < 300, status, json: async () => body } as Response;
}

export type FetchMock = Mock<(url: string, init?: RequestInit) => Promise<Response>>;

/** Fakes timers at T0, stubs fetch and stores an access key. */
export function setup(opts: { key?: string | null } = {}): FetchMock {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
  vi.setSystemTime(T0);
  localStorage.clear();
  sessionStorage.clear();
  if (opts.key !== null) localStorage.setItem('revenue-heartbeat.access-key', opts.key ?? 'test-key');
  const fetchMock: FetchMock = vi.fn();
  vi.stubGlobal('fetch', fetchMock);
  return fetchMock;
}

/** Renders the app with a fresh QueryClient (no retries) and lets the first fetch settle. */
export async function renderApp() {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const view = render(
    <QueryClientProvider client={client}>
      <App />
    </QueryClientProvider>,
  );
  await advance(0);
  return view;
}

/** Moves the fake clock, running timers and the promises they start. */
export async function advance(ms: number): Promise<void> {
  await act(async () => {
    await vi.advanceTimersByTimeAsync(ms);
  });
}

/** GET /api/dashboard calls so far. */
export function dashboardCalls(fetchMock: FetchMock): number {
  return fetchMock.mock.calls.filter(([url]) => /^\/api\/(key\/)?dashboard\b/.test(String(url))).length;
}
