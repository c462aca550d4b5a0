// @vitest-environment jsdom

import { createHash } from 'node:crypto';
import { QueryClientProvider } from '@tanstack/react-query';
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { App } from '../../frontend/src/App';
import { browser } from '../../frontend/src/auth/session';
import { createQueryClient } from '../../frontend/src/queries';
import {
  dashboard,
  ME_ADMIN,
  MEMBER_TOKEN,
  model,
  reply,
  SITE_CONFIG,
  setup,
  signedInAs,
  T0,
} from './dashboard-fixtures';

/** The sign-in gate: authorization code + PKCE against the configured issuer, the callback, 401s and roles. */

afterEach(() => {
  cleanup();
  vi.useRealTimers();
  vi.unstubAllGlobals();
  window.history.replaceState(null, '', '/');
});

const ID_TOKEN = `eyJhbGciOiJSUzI1NiJ9.${Buffer.from(JSON.stringify({ sub: 'u1', exp: T0 / 1000 + 3600 })).toString('base64url')}.c2ln`;

async function flush() {
  await act(async () => {
    await vi.advanceTimersByTimeAsync(0);
    await vi.advanceTimersByTimeAsync(0);
  });
}

async function renderWithAppClient() {
  render(
    <QueryClientProvider client={createQueryClient()}>
      <App />
    </QueryClientProvider>,
  );
  await flush();
}

describe('sign-in', () => {
  it('sends the browser to the issuer with PKCE (S256), state and the registered redirect URI', async () => {
    const fetchMock = setup({ key: null });
    fetchMock.mockResolvedValue(reply(200, SITE_CONFIG));
    const navigate = vi.spyOn(browser, 'navigate').mockImplementation(() => undefined);
    await renderWithAppClient();
    // The sign-in page is its own chunk and reads /config.json first; WebCrypto's digest then runs off the main thread.
    await vi.waitFor(() => expect(screen.getByRole('button', { name: 'Sign in' })).toHaveProperty('disabled', false));
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    await vi.waitFor(() => expect(navigate).toHaveBeenCalled());
    const url = new URL(String(navigate.mock.calls[0]?.[0]));
    expect(`${url.origin}${url.pathname}`).toBe(SITE_CONFIG.auth.authorizationEndpoint);
    const q = url.searchParams;
    expect(q.get('client_id')).toBe('dashboard');
    expect(q.get('response_type')).toBe('code');
    expect(q.get('redirect_uri')).toBe(`${window.location.origin}/auth/callback`);
    expect(q.get('code_challenge_method')).toBe('S256');
    const pending = JSON.parse(sessionStorage.getItem('revenue-heartbeat.sign-in') ?? '{}') as {
      verifier: string;
      state: string;
    };
    expect(q.get('state')).toBe(pending.state);
    expect(q.get('code_challenge')).toBe(createHash('sha256').update(pending.verifier).digest('base64url'));
    expect(q.has('client_secret')).toBe(false);
    navigate.mockRestore();
  });

  it('exchanges the code with the verifier on the callback, keeps the ID token and shows the dashboard', async () => {
    const fetchMock = setup({ key: null });
    sessionStorage.setItem('revenue-heartbeat.sign-in', JSON.stringify({ verifier: 'v'.repeat(43), state: 'st' }));
    window.history.replaceState(null, '', '/auth/callback?code=the-code&state=st');
    fetchMock.mockImplementation(async (url) => {
      if (url === '/config.json') return reply(200, SITE_CONFIG);
      if (url === SITE_CONFIG.auth.tokenEndpoint) return reply(200, { id_token: ID_TOKEN, access_token: 'at' });
      if (url === '/api/me') return reply(200, ME_ADMIN);
      return reply(200, dashboard([model()]));
    });
    await renderWithAppClient();
    await flush();
    const token = fetchMock.mock.calls.find(([url]) => url === SITE_CONFIG.auth.tokenEndpoint);
    const body = new URLSearchParams(String(token?.[1]?.body));
    expect(Object.fromEntries(body)).toEqual({
      grant_type: 'authorization_code',
      code: 'the-code',
      redirect_uri: `${window.location.origin}/auth/callback`,
      client_id: 'dashboard',
      code_verifier: 'v'.repeat(43),
    });
    expect(window.location.pathname + window.location.search).toBe('/');
    expect(screen.getByRole('heading', { name: 'Acme Talent' })).toBeTruthy();
    const api = fetchMock.mock.calls.find(([url]) => String(url).startsWith('/api/dashboard'));
    expect(new Headers(api?.[1]?.headers).get('authorization')).toBe(`Bearer ${ID_TOKEN}`);
    expect(sessionStorage.getItem('revenue-heartbeat.sign-in')).toBeNull();
  });

  it('refuses a callback whose state this tab did not start, without asking for a token', async () => {
    const fetchMock = setup({ key: null });
    sessionStorage.setItem('revenue-heartbeat.sign-in', JSON.stringify({ verifier: 'v'.repeat(43), state: 'mine' }));
    window.history.replaceState(null, '', '/auth/callback?code=stolen&state=forged');
    fetchMock.mockResolvedValue(reply(200, SITE_CONFIG));
    await renderWithAppClient();
    expect(screen.getByRole('alert').textContent).toMatch(/not the one this tab started/);
    expect(fetchMock.mock.calls.map(([url]) => url)).toEqual(['/config.json']);
    expect(sessionStorage.getItem('revenue-heartbeat.session')).toBeNull();
  });

  it('goes back to the sign-in page when the API answers 401 (QueryCache onError), forgetting the session', async () => {
    const fetchMock = setup({ key: null });
    signedInAs();
    fetchMock.mockImplementation(async (url) =>
      url === '/config.json'
        ? reply(200, SITE_CONFIG)
        : reply(401, { error: 'you are no longer a member of this agency' }),
    );
    await renderWithAppClient();
    expect(screen.getByRole('alert').textContent).toMatch(/session has ended/);
    expect(screen.getByRole('button', { name: 'Sign in' })).toBeTruthy();
    expect(sessionStorage.getItem('revenue-heartbeat.session')).toBeNull();
  });
});

describe('role-aware UI', () => {
  const as = (me: typeof ME_ADMIN) => {
    const fetchMock = setup({ key: null });
    signedInAs(MEMBER_TOKEN);
    fetchMock.mockImplementation(async (url) => {
      if (url === '/config.json') return reply(200, SITE_CONFIG);
      if (url === '/api/me') return reply(200, me);
      return reply(200, dashboard([model()]));
    });
  };

  it('offers a viewer no sync and no member actions', async () => {
    as({ ...ME_ADMIN, role: 'viewer', email: 'viewer@acme.test', permissions: ['read'] });
    await renderWithAppClient();
    expect(screen.getByRole('heading', { name: 'Acme Talent' })).toBeTruthy();
    expect(screen.getByText('viewer@acme.test · viewer')).toBeTruthy();
    expect(screen.queryByRole('button', { name: /^Sync now/ })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Members' })).toBeNull();
    expect(screen.getByRole('button', { name: 'Sign out' })).toBeTruthy();
  });

  it('offers an owner the Members page', async () => {
    as({ ...ME_ADMIN, role: 'owner', permissions: ['read', 'sync', 'connect', 'manage'] });
    await renderWithAppClient();
    expect(screen.getByRole('button', { name: 'Sync now: Aria' })).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Members' }));
    await flush();
    expect(screen.getByRole('heading', { name: 'Members of Acme Talent' })).toBeTruthy();
    expect(screen.getByRole('form', { name: 'Invite a member' })).toBeTruthy();
  });
});
