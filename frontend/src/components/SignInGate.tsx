import { useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useEffect, useState } from 'react';
import { clearAccessKey, loadAccessKey, saveAccessKey, takeKeyFromFragment } from '../access-key';
import {
  type AuthConfig,
  clearSession,
  completeSignIn,
  isSignInCallback,
  loadAuthConfig,
  loadSession,
  onUnauthorized,
  signOut,
  startSignIn,
} from '../auth/session';
import { KeyForm } from './KeyForm';

/** What the signed-in app gets: the credential to send, whose it is, and how to leave. */
export interface Access {
  /** A member's ID token, or a read-only access key. */
  credential: string;
  kind: 'member' | 'key';
  signOut(): void;
}

type State =
  | { step: 'working' }
  | { step: 'signed-out'; message?: string; keyForm?: boolean; rejectedKey?: boolean }
  | { step: 'in'; credential: string; kind: Access['kind'] };

function initialState(): State {
  const fromUrl = takeKeyFromFragment();
  if (fromUrl) {
    saveAccessKey(fromUrl);
    return { step: 'in', credential: fromUrl, kind: 'key' };
  }
  if (isSignInCallback()) return { step: 'working' };
  const session = loadSession();
  if (session) return { step: 'in', credential: session.idToken, kind: 'member' };
  const key = loadAccessKey();
  return key ? { step: 'in', credential: key, kind: 'key' } : { step: 'signed-out' };
}

/**
 * Shows the app only to a signed-in member (authorization code + PKCE at the
 * issuer named in /config.json) or to a read-only access key (a wall display's
 * `#key=` link). Completes the sign-in on the callback, and goes back to the
 * sign-in page whenever the API answers 401.
 */
export function SignInGate(props: { children: (access: Access) => ReactNode }) {
  const queryClient = useQueryClient();
  const [state, setState] = useState<State>(initialState);
  const [config, setConfig] = useState<AuthConfig | undefined>();
  const [configError, setConfigError] = useState<string | undefined>();

  // A wall display on an access key never needs the sign-in settings.
  const needsConfig = !(state.step === 'in' && state.kind === 'key');
  useEffect(() => {
    if (!needsConfig || config) return;
    loadAuthConfig().then(setConfig, (err: unknown) =>
      setConfigError(err instanceof Error ? err.message : 'sign-in is not configured'),
    );
  }, [needsConfig, config]);

  useEffect(() => {
    if (!config || state.step !== 'working') return;
    completeSignIn(config).then(
      (session) => setState({ step: 'in', credential: session.idToken, kind: 'member' }),
      (err: unknown) =>
        setState({ step: 'signed-out', message: err instanceof Error ? err.message : 'Sign-in failed.' }),
    );
  }, [config, state.step]);

  useEffect(
    () =>
      onUnauthorized(() => {
        clearSession();
        clearAccessKey();
        queryClient.clear();
        setState((prev) =>
          prev.step === 'in' && prev.kind === 'key'
            ? { step: 'signed-out', keyForm: true, rejectedKey: true }
            : { step: 'signed-out', message: 'Your session has ended or was refused. Please sign in again.' },
        );
      }),
    [queryClient],
  );

  if (state.step === 'in') {
    return props.children({
      credential: state.credential,
      kind: state.kind,
      signOut: () => {
        queryClient.clear();
        if (state.kind === 'key') {
          clearAccessKey();
          setState({ step: 'signed-out' });
        } else if (config) signOut(config, loadSession());
        else {
          clearSession();
          setState({ step: 'signed-out' });
        }
      },
    });
  }
  if (state.step === 'signed-out' && state.keyForm) {
    return (
      <KeyForm
        rejected={state.rejectedKey ?? false}
        onSubmit={(key) => {
          saveAccessKey(key);
          setState({ step: 'in', credential: key, kind: 'key' });
        }}
      />
    );
  }
  return (
    <main className="keyform">
      <section className="card keyform__card" aria-labelledby="signin-title">
        <h1 id="signin-title" className="keyform__title">
          Revenue Heartbeat
        </h1>
        {state.step === 'working' ? (
          <p className="muted" role="status">
            Signing you in…
          </p>
        ) : (
          <>
            {state.message ? (
              <p className="keyform__error" role="alert">
                {state.message}
              </p>
            ) : (
              <p className="muted">Sign in with your agency account to see its live revenue.</p>
            )}
            {configError ? (
              <p className="keyform__error" role="alert">
                Sign-in is unavailable ({configError}).
              </p>
            ) : null}
            <button
              type="button"
              className="button button--primary"
              disabled={!config}
              onClick={() => config && void startSignIn(config)}
            >
              Sign in
            </button>
            <button type="button" className="button" onClick={() => setState({ step: 'signed-out', keyForm: true })}>
              Use a read-only access key
            </button>
          </>
        )}
      </section>
    </main>
  );
}
