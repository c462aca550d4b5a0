import { useQueryClient } from '@tanstack/react-query';
import { lazy, type ReactNode, Suspense, useCallback, useEffect, useState } from 'react';
import { clearAccessKey, loadAccessKey, saveAccessKey, takeKeyFromFragment } from '../access-key';
import { clearSession, isSignInCallback, loadSession, onUnauthorized } from '../auth/session';
import { Pending } from './Pending';

/** The signed-out pages and the sign-in flow load only when someone is signed out (or signing in). */
const SignInPage = lazy(() => import('./SignInPage').then((m) => ({ default: m.SignInPage })));

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

/** Ends a member's session here and at the issuer (which sends the browser back); locally only when that fails. */
async function signOutMember(): Promise<void> {
  const flow = await import('../auth/flow');
  flow.signOut(await flow.loadAuthConfig(), loadSession());
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
  const onSignedIn = useCallback(
    (credential: string, kind: Access['kind']) => setState({ step: 'in', credential, kind }),
    [],
  );
  const onSignedOut = useCallback(
    (next: { message?: string; keyForm?: boolean }) => setState({ step: 'signed-out', ...next }),
    [],
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
          return;
        }
        signOutMember().catch(() => {
          clearSession();
          setState({ step: 'signed-out' });
        });
      },
    });
  }
  return (
    <Suspense fallback={<Pending frame="keyform" label={state.step === 'working' ? 'Signing you in…' : 'Loading…'} />}>
      <SignInPage
        step={state.step}
        message={state.step === 'signed-out' ? state.message : undefined}
        keyForm={state.step === 'signed-out' ? state.keyForm : undefined}
        rejectedKey={state.step === 'signed-out' ? state.rejectedKey : undefined}
        onSignedIn={onSignedIn}
        onSignedOut={onSignedOut}
      />
    </Suspense>
  );
}
