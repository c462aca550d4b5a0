/**
 * The dashboard access key lives in localStorage, never in the bundle. It
 * arrives once in the URL fragment (`#key=...`, which browsers never send to
 * servers) and is removed from the address bar right away.
 */
export const ACCESS_KEY_STORAGE = 'revenue-heartbeat.access-key';

/** Takes `key` out of the fragment (and the address bar); returns it if there was one. */
export function takeKeyFromFragment(
  loc: Location = window.location,
  hist: History = window.history,
): string | undefined {
  if (!loc.hash || loc.hash.length < 2) return undefined;
  const params = new URLSearchParams(loc.hash.slice(1));
  const key = params.get('key')?.trim();
  if (key === undefined) return undefined;
  params.delete('key');
  const rest = params.toString();
  hist.replaceState(hist.state, '', `${loc.pathname}${loc.search}${rest ? `#${rest}` : ''}`);
  return key || undefined;
}

/** The key from the fragment (then stored), else the stored one. */
export function loadAccessKey(): string | undefined {
  const fromUrl = takeKeyFromFragment();
  if (fromUrl) {
    saveAccessKey(fromUrl);
    return fromUrl;
  }
  return localStorage.getItem(ACCESS_KEY_STORAGE) ?? undefined;
}

export function saveAccessKey(key: string): void {
  localStorage.setItem(ACCESS_KEY_STORAGE, key);
}

export function clearAccessKey(): void {
  localStorage.removeItem(ACCESS_KEY_STORAGE);
}
