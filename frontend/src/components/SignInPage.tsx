import { useEffect, useRef, useState } from 'react';
import { saveAccessKey } from '../access-key';
import { type AuthConfig, completeSignIn, loadAuthConfig, startSignIn } from '../auth/flow';
import { KeyForm } from './KeyForm';

/** What the sign-in gate asks of this page: show a state, and hand back a credential once there is one. */
export interface SignInPageProps {
  /** `working`: this load is the issuer's redirect back (complete it); otherwise the signed-out page. */
  step: 'working' | 'signed-out';
  message?: string | undefined;
  keyForm?: boolean | undefined;
  rejectedKey?: boolean | undefined;
  onSignedIn: (credential: string, kind: 'member' | 'key') => void;
  onSignedOut: (next: { message?: string; keyForm?: boolean }) => void;
}

/**
 * The signed-out side of the app (its own chunk: a signed-in load never needs it): the sign-in
 * button (authorization code + PKCE at the issuer named in /config.json), the callback that
 * completes it, and the read-only access key form.
 */
export function SignInPage(props: SignInPageProps) {
  const { step, onSignedIn, onSignedOut } = props;
  const [config, setConfig] = useState<AuthConfig | undefined>();
  const [configError, setConfigError] = useState<string | undefined>();
  // The authorization code is single-use: exchange it once, however often the effect below runs.
  const completing = useRef(false);

  useEffect(() => {
    if (config) return;
    let current = true;
    loadAuthConfig().then(
      (c) => current && setConfig(c),
      (err: unknown) => current && setConfigError(err instanceof Error ? err.message : 'sign-in is not configured'),
    );
    return () => {
      current = false;
    };
  }, [config]);

  useEffect(() => {
    if (!config || step !== 'working' || completing.current) return;
    completing.current = true;
    completeSignIn(config).then(
      (session) => onSignedIn(session.idToken, 'member'),
      (err: unknown) => onSignedOut({ message: err instanceof Error ? err.message : 'Sign-in failed.' }),
    );
  }, [config, step, onSignedIn, onSignedOut]);

  if (step === 'signed-out' && props.keyForm) {
    return (
      <KeyForm
        rejected={props.rejectedKey ?? false}
        onSubmit={(key) => {
          saveAccessKey(key);
          onSignedIn(key, 'key');
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
        {step === 'working' ? (
          <p className="muted" role="status">
            Signing you in…
          </p>
        ) : (
          <>
            {props.message ? (
              <p className="keyform__error" role="alert">
                {props.message}
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
            <button type="button" className="button" onClick={() => onSignedOut({ keyForm: true })}>
              Use a read-only access key
            </button>
          </>
        )}
      </section>
    </main>
  );
}
