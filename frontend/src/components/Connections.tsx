import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { connectionsQuery } from '../accounts-queries';
import { addModels, type ConnectableCreator, completeConnection, setModelConnected } from '../connect-api';
import { useStartConnection } from '../hooks/useStartConnection';
import { dashboardKeys } from '../queries';

/** Owners' and admins' page: connect a Fanvue account, reconnect one, disconnect or re-enable models. */
export function Connections(props: { credential: string }) {
  const { credential } = props;
  const queryClient = useQueryClient();
  const connections = useQuery(connectionsQuery(credential));
  const start = useStartConnection(credential);
  const toggle = useMutation({
    mutationFn: (m: { modelId: string; on: boolean }) => setModelConnected(credential, m.modelId, m.on),
    onSuccess: () => queryClient.invalidateQueries(),
  });
  return (
    <main className="page">
      <h1 className="page__title">Fanvue accounts</h1>
      <button type="button" className="button button--primary" onClick={() => start.mutate(undefined)}>
        Connect a Fanvue account
      </button>
      {start.isError ? <p role="alert">Could not start: {start.error.message}</p> : null}
      {(connections.data ?? []).map((c) => (
        <section key={c.connectionId} className="card" aria-label={`Connection ${c.connectionId}`}>
          <h2 className="card__title">{c.connectionId}</h2>
          {c.needsReconnect ? (
            <p className="model__error" role="note">
              Fanvue access was revoked.{' '}
              <button type="button" className="button" onClick={() => start.mutate(c.connectionId)}>
                Reconnect
              </button>
            </p>
          ) : null}
          <ul className="members">
            {c.models.map((m) => (
              <li key={m.modelId} className="members__row">
                <span>{m.displayName}</span>
                <span className="muted">{m.enabled ? 'syncing' : 'disconnected (history kept)'}</span>
                <button
                  type="button"
                  className="button"
                  disabled={toggle.isPending}
                  onClick={() => toggle.mutate({ modelId: m.modelId, on: !m.enabled })}
                >
                  {m.enabled ? `Disconnect ${m.displayName}` : `Enable ${m.displayName}`}
                </button>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </main>
  );
}

/**
 * Fanvue's redirect back to the dashboard: completes the connection (the API checks the state),
 * then lets the user pick which creators become models; their first sync starts at once.
 */
export function ConnectCallback(props: { credential: string; onDone: () => void }) {
  const { credential, onDone } = props;
  const queryClient = useQueryClient();
  const sent = useRef(false);
  const complete = useMutation({
    mutationFn: (cb: { code: string; state: string }) => completeConnection(credential, cb),
  });
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const add = useMutation({
    mutationFn: () => addModels(credential, complete.data?.connectionId ?? '', [...chosen]),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: dashboardKeys.all });
      onDone();
    },
  });
  const { mutate: completeWith } = complete;
  useEffect(() => {
    if (sent.current) return;
    sent.current = true;
    const q = new URLSearchParams(window.location.search);
    window.history.replaceState(null, '', '/');
    const code = q.get('code');
    const state = q.get('state');
    if (code && state) completeWith({ code, state });
  }, [completeWith]);
  const creators: ConnectableCreator[] = complete.data?.creators ?? [];
  return (
    <main className="page">
      <h1 className="page__title">Connect Fanvue</h1>
      {complete.isPending || complete.isIdle ? <p role="status">Completing the connection…</p> : null}
      {complete.isError ? (
        <div role="alert" className="banner banner--error">
          <span>{complete.error.message}</span>
          <button type="button" className="button" onClick={onDone}>
            Back to the dashboard
          </button>
        </div>
      ) : null}
      {complete.isSuccess ? (
        <section className="card" aria-labelledby="pick-title">
          <h2 id="pick-title" className="card__title">
            Choose the creators to follow
          </h2>
          {complete.data.resumed.length > 0 ? (
            <p role="status">Reconnected: {complete.data.resumed.length} models resume syncing where they stopped.</p>
          ) : null}
          <ul className="members">
            {creators.map((c) => (
              <li key={c.uuid} className="members__row">
                <label>
                  <input
                    type="checkbox"
                    disabled={c.model !== null}
                    checked={c.model !== null || chosen.has(c.uuid)}
                    onChange={(e) => {
                      const next = new Set(chosen);
                      if (e.target.checked) next.add(c.uuid);
                      else next.delete(c.uuid);
                      setChosen(next);
                    }}
                  />{' '}
                  {c.displayName}
                </label>
                <span className="muted">@{c.handle}</span>
                <span className="muted">{c.model ? 'already a model' : ''}</span>
              </li>
            ))}
          </ul>
          <button
            type="button"
            className="button button--primary"
            disabled={add.isPending}
            onClick={() => (chosen.size > 0 ? add.mutate() : onDone())}
          >
            {chosen.size > 0 ? `Add ${chosen.size} models` : 'Done'}
          </button>
          {add.isError ? <p role="alert">Could not add the models: {add.error.message}</p> : null}
        </section>
      ) : null}
    </main>
  );
}
