import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import type { ModelDetailResponse } from '../../../lambdas/domain/dashboard';
import { modelFreshness } from '../../../lambdas/domain/dashboard';
import { comparisonLabel, periodLabel } from '../../../lambdas/domain/period';
import { downloadCsv, transactionsCsv, UnauthorizedError } from '../api';
import { formatAgo, formatCents } from '../format';
import { useNow } from '../hooks/useNow';
import type { Measure } from '../leaderboard';
import { periodParams, usePeriod } from '../period-state';
import { modelQuery, transactionsQuery } from '../queries';
import { followLink } from '../router';
import { Change } from './Change';
import { MeasureToggle, useWatchedSyncs } from './Dashboard';
import { statusTitle, updatesText } from './Leaderboard';
import { LiveIndicator } from './LiveIndicator';
import { PeriodPicker } from './PeriodPicker';
import { RevenueChart } from './RevenueChart';
import { SourceBreakdown } from './SourceBreakdown';
import { SyncButton } from './SyncButton';
import { SyncHistory } from './SyncHistory';

/** The last run and the model's state, in words. */
function syncStory(d: ModelDetailResponse, now: number): string[] {
  const m = d.model;
  const lines: string[] = [];
  if (d.lastRun.startedAt) {
    const finished = d.lastRun.finishedAt ? `, finished ${formatAgo(Date.parse(d.lastRun.finishedAt), now)}` : '';
    lines.push(
      `Last sync started ${formatAgo(Date.parse(d.lastRun.startedAt), now)}${finished} and stored ${d.lastRun.rows} new or changed rows.`,
    );
  } else lines.push('This model has not been synced yet.');
  lines.push(`${d.lastRun.rowsEver.toLocaleString('en-US')} rows stored since it was connected.`);
  if (!m.imported) lines.push('Its history is still being imported: figures are partial until that finishes.');
  else if (m.behind) lines.push('It is catching up on a backlog; the next runs continue where this one stopped.');
  if (m.lastError)
    lines.push(
      `The last ${m.consecutiveFailures > 1 ? `${m.consecutiveFailures} syncs` : 'sync'} failed: ${m.lastError}.`,
    );
  else if (m.lastSuccessAt) lines.push(`Last successful sync ${formatAgo(Date.parse(m.lastSuccessAt), now)}.`);
  return lines;
}

function Transactions(props: { accessKey: string; modelId: string; onUnauthorized: (e: unknown) => void }) {
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const cursor = cursors[cursors.length - 1] ?? null;
  const q = useQuery(transactionsQuery(props.accessKey, props.modelId, cursor));
  useEffect(() => {
    if (q.error instanceof UnauthorizedError) props.onUnauthorized(q.error);
  }, [q.error, props.onUnauthorized]);
  return (
    <section className="card" aria-labelledby="tx-title">
      <h2 id="tx-title" className="card__title">
        Recent transactions
      </h2>
      {q.isPending ? <p className="muted">Loading…</p> : null}
      {q.data && q.data.items.length === 0 ? <p className="muted">No transactions stored yet.</p> : null}
      {q.data && q.data.items.length > 0 ? (
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling table must be reachable by keyboard to scroll it
        <section className="chart__table-wrap" tabIndex={0} aria-label="Recent transactions, table">
          <table className="tx">
            <thead>
              <tr>
                <th scope="col">Date (UTC)</th>
                <th scope="col">Source</th>
                <th scope="col">Gross</th>
                <th scope="col">Net</th>
                <th scope="col">Fan</th>
              </tr>
            </thead>
            <tbody>
              {q.data.items.map((t) => (
                <tr key={t.key} className={t.refund ? 'tx--refund' : undefined}>
                  <td>{t.date.slice(0, 16).replace('T', ' ')}</td>
                  <td>
                    {t.source}
                    {t.refund ? <strong className="badge"> refund</strong> : null}
                  </td>
                  <td>{formatCents(t.gross)}</td>
                  <td>{formatCents(t.net)}</td>
                  <td>{t.fanHandle ? `@${t.fanHandle}` : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}
      <nav className="lb__pages" aria-label="Transaction pages">
        <button
          type="button"
          className="button"
          disabled={cursors.length <= 1}
          onClick={() => setCursors(cursors.slice(0, -1))}
        >
          Newer
        </button>
        <button
          type="button"
          className="button"
          disabled={!q.data?.nextCursor}
          onClick={() => q.data?.nextCursor && setCursors([...cursors, q.data.nextCursor])}
        >
          Older
        </button>
      </nav>
    </section>
  );
}

/** One model's page (its own URL): figures for the period, by source and by day, its syncs, its transactions. */
export function ModelPage(props: {
  accessKey: string;
  modelId: string;
  onUnauthorized: (e: unknown) => void;
  /** Offer "Sync now" (members who may sync; never an access key). @default false */
  canSync?: boolean;
}) {
  const { accessKey, modelId, onUnauthorized } = props;
  const [period, setPeriod] = usePeriod();
  const params = periodParams(period);
  const [fast, onWatch] = useWatchedSyncs();
  const query = useQuery(modelQuery(accessKey, modelId, params, fast));
  const [measure, setMeasure] = useState<Measure>('gross');
  const [exportError, setExportError] = useState<string | null>(null);
  const now = Math.max(useNow(), query.dataUpdatedAt);
  useEffect(() => {
    if (query.error instanceof UnauthorizedError) onUnauthorized(query.error);
  }, [query.error, onUnauthorized]);
  const back = (
    <a href={`/?${params}`} onClick={followLink} className="back">
      ← All models
    </a>
  );
  if (!query.data) {
    return (
      <main className="page">
        {back}
        {query.isPending ? (
          <p className="muted" role="status">
            Loading…
          </p>
        ) : (
          <div className="banner banner--error" role="alert">
            Could not load this model: {query.error?.message ?? 'unknown error'}.
          </div>
        )}
      </main>
    );
  }
  const d = query.data;
  const m = d.model;
  const label = periodLabel(d.period);
  const against = comparisonLabel(d.period);
  const state = modelFreshness(m, now, d.freshness);
  return (
    <main className="page">
      {back}
      <header className="page__head">
        <div>
          <h1 className="page__title">{m.displayName}</h1>
          <LiveIndicator
            state={state}
            detail={m.lastSuccessAt ? `synced ${formatAgo(Date.parse(m.lastSuccessAt), now)}` : 'not synced yet'}
            title={statusTitle(m, now, d.freshness)}
          />
        </div>
        <div className="page__tools">
          <PeriodPicker value={period} today={d.period.today} onChange={setPeriod} />
          <MeasureToggle value={measure} onChange={setMeasure} />
        </div>
      </header>
      <div className="grid grid--top">
        <section className="card kpi" aria-labelledby="model-kpi">
          <h2 id="model-kpi" className="card__title">
            {measure === 'gross' ? 'Gross revenue' : 'Net revenue'}, {label}
          </h2>
          <p className="kpi__value">
            {formatCents(d.current[measure])}
            {m.imported ? null : <span className="badge badge--partial"> partial</span>}
          </p>
          <p className="kpi__change">
            <Change current={d.current[measure]} previous={d.previous[measure]} against={against} />
          </p>
          <dl className="kpi__stats">
            <div className="kpi__stat">
              <dt>All time</dt>
              <dd>{formatCents(m.totals[measure])}</dd>
            </div>
            <div className="kpi__stat">
              <dt>Transactions</dt>
              <dd>{d.current.count.toLocaleString('en-US')}</dd>
            </div>
          </dl>
        </section>
        <SourceBreakdown
          bySource={d.current.bySource}
          previous={d.previous.bySource}
          against={against}
          measure={measure}
        />
      </div>
      <RevenueChart daily={d.daily} measure={measure} title={`Per day, ${label}`} />
      <section className="card" aria-labelledby="sync-title">
        <h2 id="sync-title" className="card__title">
          Sync
        </h2>
        <p className="muted">{updatesText(m, d.freshness)}</p>
        <ul className="story">
          {syncStory(d, now).map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
        {props.canSync ? (
          <SyncButton
            model={m}
            state={state}
            now={now}
            accessKey={accessKey}
            onUnauthorized={onUnauthorized}
            onWatch={onWatch}
          />
        ) : (
          <p className="muted">Read-only access: syncs are started by signed-in members.</p>
        )}
      </section>
      <SyncHistory
        accessKey={accessKey}
        modelId={modelId}
        displayName={m.displayName}
        lastChange={`${m.status}|${m.lastSyncStartedAt ?? ''}|${d.lastRun.finishedAt ?? ''}`}
        now={now}
        fast={fast}
        onUnauthorized={onUnauthorized}
      />
      <Transactions accessKey={accessKey} modelId={modelId} onUnauthorized={onUnauthorized} />
      <div className="exports">
        <button
          type="button"
          className="button"
          onClick={() => {
            setExportError(null);
            downloadCsv(accessKey, transactionsCsv(modelId, params)).catch((e: unknown) => {
              onUnauthorized(e);
              setExportError(e instanceof Error ? e.message : 'export failed');
            });
          }}
        >
          Export CSV: {m.displayName}'s transactions, {label}
        </button>
        {exportError ? <span role="alert">Could not export: {exportError}</span> : null}
      </div>
    </main>
  );
}
