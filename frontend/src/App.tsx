import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useState } from 'react';
import { clearAccessKey, loadAccessKey, saveAccessKey } from './access-key';
import { UnauthorizedError } from './api';
import { Dashboard } from './components/Dashboard';
import { KeyForm } from './components/KeyForm';

/** Shows the key form until there is an access key, then the dashboard; a 401 asks for a key again. */
export function App() {
  const queryClient = useQueryClient();
  const [accessKey, setAccessKey] = useState<string | undefined>(() => loadAccessKey());
  const [rejected, setRejected] = useState(false);
  const onUnauthorized = useCallback(
    (error: unknown) => {
      if (!(error instanceof UnauthorizedError)) return;
      clearAccessKey();
      queryClient.clear();
      setRejected(true);
      setAccessKey(undefined);
    },
    [queryClient],
  );
  if (!accessKey) {
    return (
      <KeyForm
        rejected={rejected}
        onSubmit={(key) => {
          saveAccessKey(key);
          setRejected(false);
          setAccessKey(key);
        }}
      />
    );
  }
  return <Dashboard accessKey={accessKey} onUnauthorized={onUnauthorized} />;
}
