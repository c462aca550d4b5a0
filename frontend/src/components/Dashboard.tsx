import { useQuery } from '@tanstack/react-query';
import { useCallback, useEffect, useState } from 'react';
import { comparisonLabel, periodLabel } from '../../../lambdas/domain/period';
import { dailyCsv, downloadCsv, UnauthorizedError } from '../api';
import { formatAgo } from '../format';
import { useNow } from '../hooks/useNow';
import type { Measure } from '../leaderboard';
import { periodParams, usePeriod } from '../period-state';
import { dashboardQuery } from '../queries';
import { KpiCard } from './KpiCard';
import { Leaderboard } from './Leaderboard';
import { PeriodPicker } from './PeriodPicker';
import { RevenueChart } from './RevenueChart';
import { SourceBreakdown } from './SourceBreakdown';

export function MeasureToggle(props: { value: Measure; onChange: (m: Measure) => void }) {
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

/** Which models have a "Sync now" in flight: the page polls every few seconds until each one settles. */
export function useWatchedSyncs(): [boolean, (modelId: string, watching: boolean) => void] {
  const [watched, setWatched] = useState<ReadonlySet<string>>(new Set());
  const onWatch = useCallback((modelId: string, watching: boolean) => {
    setWatched((prev) => {
      if (prev.has(modelId) === watching) return prev;
      const next = new Set(prev);
      if (watching) next.add(modelId);
      else next.delete(modelId);
      return next;
    });
  }, []);
  return [watched.size > 0, onWatch];
}

/** The dashboard: every figure for the chosen period; polls every 60 s; keeps the last data on screen when a poll fails. */
export function Dashboard(props: {
  accessKey: string;
  onUnauthorized: (e: unknown) => void;
  /** Offer "Sync now" (members who may sync; never an access key). @default false */
  canSync?: boolean;
  /** Offer "Reconnect" on cards whose Fanvue access was revoked (members who may connect). */
  onReconnect?: (connectionId: string) => void;
}) {
  const { accessKey, onUnauthorized } = props;
  const [period, setPeriod] = usePeriod();
  const params = periodParams(period);
  const [fast, onWatch] = useWatchedSyncs();
  const query = useQuery(dashboardQuery(accessKey, params, fast));
  const [measure, setMeasure] = useState<Measure>('gross');
  const [exportError, setExportError] = useState<string | null>(null);
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
  const label = periodLabel(data.period);
  const against = comparisonLabel(data.period);
  return (
    <main className="page" aria-busy={query.isPlaceholderData}>
      <header className="page__head">
        <div>
          <h1 className="page__title">{data.agency.name}</h1>
          <p className="muted">Revenue Heartbeat · refreshed {formatAgo(query.dataUpdatedAt, now)}</p>
        </div>
        <div className="page__tools">
          <PeriodPicker value={period} today={data.period.today} onChange={setPeriod} />
          <MeasureToggle value={measure} onChange={setMeasure} />
        </div>
      </header>
      {query.isError ? (
        <div className="banner banner--warn" role="alert">
          Could not refresh ({query.error.message}). Showing data from {formatAgo(query.dataUpdatedAt, now)}; retrying
          automatically.
        </div>
      ) : null}
      {data.importing.done < data.importing.models ? (
        <div className="banner banner--info">
          Importing history: {data.importing.done} of {data.importing.models} models. Totals are partial until every
          model has finished.
        </div>
      ) : null}
      <div className="grid grid--top">
        <KpiCard data={data} now={now} measure={measure} />
        <SourceBreakdown
          bySource={data.current.bySource}
          previous={data.previous.bySource}
          against={against}
          measure={measure}
        />
      </div>
      <RevenueChart daily={data.daily} measure={measure} title={`Per day, ${label}`} />
      <Leaderboard
        models={data.models}
        total={data.current[measure]}
        measure={measure}
        now={now}
        cfg={data.freshness}
        period={params}
        against={against}
        accessKey={accessKey}
        onUnauthorized={onUnauthorized}
        onWatch={onWatch}
        canSync={props.canSync ?? false}
        {...(props.onReconnect && { onReconnect: props.onReconnect })}
      />
      <div className="exports">
        <button
          type="button"
          className="button"
          onClick={() => {
            setExportError(null);
            downloadCsv(accessKey, dailyCsv(params)).catch((e: unknown) => {
              onUnauthorized(e);
              setExportError(e instanceof Error ? e.message : 'export failed');
            });
          }}
        >
          Export CSV: per model per day, {label}
        </button>
        {exportError ? <span role="alert">Could not export: {exportError}</span> : null}
      </div>
    </main>
  );
}
