import { type MouseEvent, useSyncExternalStore } from 'react';

/**
 * A few lines of History API routing (no library): `/` is the dashboard,
 * `/models/<id>` one model's page. The server (CloudFront's function, the
 * local server) answers index.html for these paths, so a reload or a shared
 * link lands on the same page; Back and Forward work through `popstate`.
 */

const listeners = new Set<() => void>();
const notify = () => {
  for (const l of listeners) l();
};
function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  window.addEventListener('popstate', listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('popstate', listener);
  };
}
const snapshot = () => `${window.location.pathname}${window.location.search}`;

/** The current path and query, re-rendering on navigation. */
export function useLocation(): { path: string; search: URLSearchParams } {
  const href = useSyncExternalStore(subscribe, snapshot, snapshot);
  const url = new URL(href, 'http://app.invalid');
  return { path: url.pathname, search: url.searchParams };
}

/** Goes to `to` (path + query) with a new history entry, or replaces the current one. */
export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (to === snapshot()) return;
  if (options.replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  notify();
}

/** The app's routes. */
export type Route = { page: 'dashboard' } | { page: 'model'; modelId: string };

export function routeOf(path: string): Route {
  const m = /^\/models\/([^/]+)\/?$/.exec(path);
  if (m?.[1]) {
    try {
      return { page: 'model', modelId: decodeURIComponent(m[1]) };
    } catch {
      return { page: 'dashboard' };
    }
  }
  return { page: 'dashboard' };
}

/** Click handler for an in-app link: plain clicks navigate in place; modified clicks open as the browser would. */
export function followLink(e: MouseEvent<HTMLAnchorElement>): void {
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  e.preventDefault();
  navigate(e.currentTarget.getAttribute('href') ?? '/');
}
