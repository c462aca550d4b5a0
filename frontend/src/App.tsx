import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { meQuery } from './accounts-queries';
import { reportUnauthorized } from './auth/session';
import { AccountBar, type View } from './components/AccountBar';
import { Dashboard } from './components/Dashboard';
import { Members } from './components/Members';
import { type Access, SignInGate } from './components/SignInGate';

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
  const permissions: readonly string[] = access.kind === 'key' ? KEY_PERMISSIONS : (me.data?.permissions ?? []);
  return (
    <>
      <AccountBar access={access} me={me.data} view={view} onView={setView} />
      {view === 'members' && me.data && permissions.includes('manage') ? (
        <Members credential={access.credential} me={me.data} />
      ) : (
        <Dashboard
          accessKey={access.credential}
          onUnauthorized={reportUnauthorized}
          canSync={permissions.includes('sync')}
        />
      )}
    </>
  );
}
