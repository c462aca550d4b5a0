import { useQuery } from '@tanstack/react-query';
import { lazy, Suspense, useState } from 'react';
import { FANVUE_CALLBACK_PATH } from '../../lambdas/domain/site-paths';
import { meQuery } from './accounts-queries';
import { reportUnauthorized } from './auth/session';
import { AccountBar, type View } from './components/AccountBar';
import { Dashboard } from './components/Dashboard';
import { Pending } from './components/Pending';
import { type Access, SignInGate } from './components/SignInGate';
import { useStartConnection } from './hooks/useStartConnection';
import { routeOf, useLocation } from './router';

// The first paint is the dashboard: every other page is its own chunk, fetched when it is opened.
const ModelPage = lazy(() => import('./components/ModelPage').then((m) => ({ default: m.ModelPage })));
const Members = lazy(() => import('./components/Members').then((m) => ({ default: m.Members })));
const Connections = lazy(() => import('./components/Connections').then((m) => ({ default: m.Connections })));
const ConnectCallback = lazy(() => import('./components/Connections').then((m) => ({ default: m.ConnectCallback })));

/** Sign-in first (or a read-only access key), then the views the caller's role allows. */
export function App() {
  return <SignInGate>{(access) => <SignedIn access={access} />}</SignInGate>;
}

/** What an access key may do; members learn theirs from GET /api/me. */
const KEY_PERMISSIONS = ['read'] as const;

function SignedIn(props: { access: Access }) {
  const { access } = props;
  const me = useQuery({ ...meQuery(access.credential), enabled: access.kind === 'member' });
  const [view, setView] = useState<View>('dashboard');
  const [callback, setCallback] = useState(() => window.location.pathname === FANVUE_CALLBACK_PATH);
  const reconnect = useStartConnection(access.credential);
  const permissions: readonly string[] = access.kind === 'key' ? KEY_PERMISSIONS : (me.data?.permissions ?? []);
  const canConnect = permissions.includes('connect');
  // The dashboard at `/`, one model's page at `/models/<id>` (History API; Back and reloads work).
  const route = routeOf(useLocation().path);
  const page =
    callback && access.kind === 'member' ? (
      <ConnectCallback
        credential={access.credential}
        onDone={() => {
          setCallback(false);
          setView('dashboard');
        }}
      />
    ) : view === 'members' && me.data && permissions.includes('manage') ? (
      <Members credential={access.credential} me={me.data} />
    ) : view === 'connect' && canConnect ? (
      <Connections credential={access.credential} />
    ) : route.page === 'model' ? (
      <ModelPage
        key={route.modelId}
        accessKey={access.credential}
        modelId={route.modelId}
        onUnauthorized={reportUnauthorized}
        canSync={permissions.includes('sync')}
      />
    ) : (
      <Dashboard
        accessKey={access.credential}
        onUnauthorized={reportUnauthorized}
        canSync={permissions.includes('sync')}
        {...(canConnect && { onReconnect: (connectionId: string) => reconnect.mutate(connectionId) })}
      />
    );
  return (
    <>
      <AccountBar access={access} me={me.data} view={view} onView={setView} />
      <Suspense fallback={<Pending label="Loading the page…" />}>{page}</Suspense>
    </>
  );
}
