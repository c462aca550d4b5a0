import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { UnauthorizedError } from '../api';
import { formatAgo } from '../format';
import { useNow } from '../hooks/useNow';
import { dashboardQuery } from '../queries';
import { KpiCard, type Measure } from './KpiCard';
import { ModelCard } from './ModelCard';
import { RevenueChart } from './RevenueChart';
import { SourceBreakdown } from './SourceBreakdown';

function MeasureToggle(props: { value: Measure; onChange: (m: Measure) => void }) {
  return (
    <fieldset className="toggle" aria-label="Amounts shown">
      {(['gross', 'net'] as const).map((m) => (
        <button
          key={m}
          type="button"
          className="toggle__option"
          aria-pressed={props.value === m}
          onClick={() => props.onChange(m)}
        >
          {m === 'gross' ? 'Gross' : 'Net'}
        </button>
      ))}
    </fieldset>
  );
}

/** The dashboard: polls the API every 60 s; keeps the last data on screen when a poll fails. */
export function Dashboard(props: {
  accessKey: string;
  onUnauthorized: (e: unknown) => void;
  /** Offer "Sync now" on the cards (members who may sync; never an access key). @default false */
  canSync?: boolean;
  /** Offer "Reconnect" on cards whose Fanvue access was revoked (members who may connect). */
  onReconnect?: (connectionId: string) => void;
}) {
  const { accessKey, onUnauthorized } = props;
  const query = useQuery(dashboardQuery(accessKey));
  const [measure, setMeasure] = useState<Measure>('gross');
  // "2m ago" and Live/Stale keep moving between polls; a fresh poll moves them at once.
  const now = Math.max(useNow(), query.dataUpdatedAt);

  useEffect(() => {
    if (query.error instanceof UnauthorizedError) onUnauthorized(query.error);
  }, [query.error, onUnauthorized]);

  if (query.isPending) {
    return (
      <main className="page">
        <p className="muted" role="status">
          Loading revenue…
        </p>
      </main>
    );
  }
  if (!query.data) {
    return (
      <main className="page">
        <div className="banner banner--error" role="alert">
          <span>Could not load the dashboard: {query.error?.message ?? 'unknown error'}.</span>
          <button type="button" className="button" onClick={() => void query.refetch()}>
            Try again
          </button>
        </div>
      </main>
    );
  }
  const data = query.data;
  return (
    <main className="page">
      <header className="page__head">
        <div>
          <h1 className="page__title">{data.agency.name}</h1>
          <p className="muted">Revenue Heartbeat · refreshed {formatAgo(query.dataUpdatedAt, now)}</p>
        </div>
        <MeasureToggle value={measure} onChange={setMeasure} />
      </header>
      {query.isError ? (
        <div className="banner banner--warn" role="alert">
          Could not refresh ({query.error.message}). Showing data from {formatAgo(query.dataUpdatedAt, now)}; retrying
          automatically.
        </div>
      ) : null}
      <div className="grid grid--top">
        <KpiCard data={data} now={now} measure={measure} />
        <SourceBreakdown bySource={data.totals.bySource} measure={measure} />
      </div>
      <RevenueChart daily={data.daily} measure={measure} />
      <h2 className="section-title">Models</h2>
      {data.models.length === 0 ? <p className="muted">No models connected yet.</p> : null}
      <div className="grid grid--models">
        {data.models.map((m) => (
          <ModelCard
            key={m.modelId}
            model={m}
            now={now}
            cfg={data.freshness}
            measure={measure}
            accessKey={accessKey}
            onUnauthorized={onUnauthorized}
            canSync={props.canSync ?? false}
            {...(props.onReconnect && { onReconnect: props.onReconnect })}
          />
        ))}
      </div>
    </main>
  );
}
