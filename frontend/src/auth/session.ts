import { SIGN_IN_CALLBACK_PATH } from '../../../lambdas/domain/site-paths';

/**
 * This tab's sign-in session: the ID token in sessionStorage (this tab only),
 * and the signal that sends the app back to sign-in on a 401. Small on
 * purpose, as every page load needs it; the sign-in flow itself (PKCE, the
 * code exchange, sign-out at the issuer) is in `./flow`, loaded on demand.
 */

const SESSION = 'revenue-heartbeat.session';

export interface Session {
  idToken: string;
  /** Epoch ms when the token expires (its `exp`). */
  expiresAt: number;
}

/** Leaves the app for another page (the issuer, Fanvue's consent); tests replace it. */
export const browser = { navigate: (url: string) => window.location.assign(url) };

/** True when this page load is the issuer's redirect back to the app. */
export function isSignInCallback(): boolean {
  return window.location.pathname === SIGN_IN_CALLBACK_PATH;
}

/** This tab's session, unless there is none or it has expired. */
export function loadSession(now = Date.now()): Session | undefined {
  try {
    const s = JSON.parse(sessionStorage.getItem(SESSION) ?? 'null') as Session | null;
    return s && typeof s.idToken === 'string' && s.expiresAt > now ? s : undefined;
  } catch {
    return undefined;
  }
}

export function storeSession(session: Session): void {
  sessionStorage.setItem(SESSION, JSON.stringify(session));
}

export function clearSession(): void {
  sessionStorage.removeItem(SESSION);
}

const expiry = new EventTarget();

/** Tells the sign-in gate that the API refused the credential (a 401): back to sign-in. */
export function reportUnauthorized(): void {
  expiry.dispatchEvent(new Event('unauthorized'));
}

/** Subscribes to {@link reportUnauthorized}; returns the unsubscribe function. */
export function onUnauthorized(listener: () => void): () => void {
  expiry.addEventListener('unauthorized', listener);
  return () => expiry.removeEventListener('unauthorized', listener);
}
