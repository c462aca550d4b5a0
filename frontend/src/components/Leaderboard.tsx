import { useId, useState } from 'react';
import {
  type DashboardModel,
  type FreshnessConfig,
  modelFreshness,
  nextSyncDueAt,
} from '../../../lambdas/domain/dashboard';
import { formatAgo, formatCents, formatClock, formatIn } from '../format';
import { type Measure, pageOf, rankModels, type SortKey, searchModels } from '../leaderboard';
import { followLink } from '../router';
import { Change } from './Change';
import { LiveIndicator } from './LiveIndicator';
import { Sparkline } from './Sparkline';
import { SyncButton } from './SyncButton';

const share = new Intl.NumberFormat('en-US', { style: 'percent', maximumFractionDigits: 1 });

/** Hover text that agrees with the badge: "overdue" only ever next to Stale. */
export function statusTitle(model: DashboardModel, now: number, cfg: FreshnessConfig): string {
  const state = modelFreshness(model, now, cfg);
  const due = nextSyncDueAt(model, cfg);
  if (state === 'syncing') return 'Syncing now';
  if (due === null) return 'Waiting for the first sync';
  if (state === 'stale')
    return due > now ? `Next sync due at ${formatClock(due)}` : `Sync overdue since ${formatClock(due)}`;
  return due > now ? `Next sync due at ${formatClock(due)} (${formatIn(due, now)})` : 'Next sync any moment now';
}

/** How a model gets new sales: real-time by webhook, or on the schedule only. */
export function updatesText(model: DashboardModel, cfg: FreshnessConfig): string {
  const minutes = Math.round(cfg.syncIntervalMs / 60_000);
  return model.lastWebhookAt ? 'Real-time (webhooks) + schedule' : `Schedule only (every ${minutes} min)`;
}

function Row(props: {
  row: ReturnType<typeof rankModels>[number];
  measure: Measure;
  now: number;
  cfg: FreshnessConfig;
  period: string;
  against: string;
  accessKey: string;
  onUnauthorized: (e: unknown) => void;
  onWatch: (modelId: string, watching: boolean) => void;
  canSync: boolean;
  onReconnect?: (connectionId: string) => void;
}) {
  const { model } = props.row;
  const state = modelFreshness(model, props.now, props.cfg);
  const headingId = `model-${model.modelId}`;
  const detail = model.lastSuccessAt
    ? `synced ${formatAgo(Date.parse(model.lastSuccessAt), props.now)}`
    : 'not synced yet';
  return (
    <li>
      <article className={`card lb__row${model.lastError ? ' model--failing' : ''}`} aria-labelledby={headingId}>
        <span className="lb__rank" title="Rank by revenue">
          <span className="sr-only">Rank </span>
          {props.row.rank}
        </span>
        <div className="lb__who">
          <h3 id={headingId} className="card__title">
            <a href={`/models/${encodeURIComponent(model.modelId)}?${props.period}`} onClick={followLink}>
              {model.displayName}
            </a>
          </h3>
          <LiveIndicator state={state} detail={detail} title={statusTitle(model, props.now, props.cfg)} />
          <p className="muted lb__updates">
            {updatesText(model, props.cfg)}
            {model.imported ? '' : ' · importing history'}
            {model.lastVerifiedAt
              ? ` · verified with Fanvue ${formatAgo(Date.parse(model.lastVerifiedAt), props.now)}${
                  model.differences ? `, ${model.differences} differences` : ', no differences'
                }`
              : ''}
          </p>
        </div>
        <div className="lb__figures">
          <p className="model__value">{formatCents(model.period[props.measure])}</p>
          <Change
            current={model.period[props.measure]}
            previous={model.previous[props.measure]}
            against={props.against}
            compact
          />
          <p className="muted lb__share">
            {props.row.share === null ? '' : `${share.format(props.row.share)} of agency`}
          </p>
          <p className="muted lb__share">
            All time <span className="model__total">{formatCents(model.totals[props.measure])}</span>
          </p>
        </div>
        <div className="lb__spark">
          <Sparkline values={model.spark[props.measure]} />
          <span className="muted lb__spark-label">30 days</span>
        </div>
        <div className="lb__actions">
          {model.lastError ? (
            <p className="model__error" role="note">
              {model.lastError}
              {model.consecutiveFailures > 1 ? ` (failed ${model.consecutiveFailures} times in a row)` : ''}
            </p>
          ) : null}
          {model.needsReconnect && model.connectionId && props.onReconnect ? (
            <button
              type="button"
              className="button button--primary"
              aria-label={`Reconnect: ${model.displayName}`}
              onClick={() => props.onReconnect?.(model.connectionId ?? '')}
            >
              Reconnect
            </button>
          ) : null}
          {props.canSync ? (
            <SyncButton
              model={model}
              state={state}
              now={props.now}
              accessKey={props.accessKey}
              onUnauthorized={props.onUnauthorized}
              onWatch={props.onWatch}
            />
          ) : null}
        </div>
      </article>
    </li>
  );
}

/** The models for the period: ranked, sortable, searchable, paged (works for 3 and for 500). */
export function Leaderboard(props: {
  models: readonly DashboardModel[];
  total: number;
  measure: Measure;
  now: number;
  cfg: FreshnessConfig;
  period: string;
  against: string;
  accessKey: string;
  onUnauthorized: (e: unknown) => void;
  onWatch: (modelId: string, watching: boolean) => void;
  /** Offer "Sync now" (members who may sync; never an access key). */
  canSync: boolean;
  /** Offer "Reconnect" on models whose Fanvue access was revoked (members who may connect). */
  onReconnect?: (connectionId: string) => void;
}) {
  const id = useId();
  const [sort, setSort] = useState<SortKey>('revenue');
  const [query, setQuery] = useState('');
  const [page, setPage] = useState(1);
  const ranked = rankModels(props.models, { measure: props.measure, sort, total: props.total });
  const found = searchModels(ranked, query);
  const view = pageOf(found, page);
  return (
    <section className="lb" aria-labelledby={`${id}-title`}>
      <div className="lb__head">
        <h2 id={`${id}-title`} className="section-title">
          Models
        </h2>
        <div className="lb__controls">
          <label htmlFor={`${id}-q`} className="sr-only">
            Search models by name
          </label>
          <input
            id={`${id}-q`}
            type="search"
            placeholder="Search models"
            value={query}
            onChange={(e) => {
              setQuery(e.target.value);
              setPage(1);
            }}
          />
          <label htmlFor={`${id}-s`} className="period__label">
            Sort by
          </label>
          <select id={`${id}-s`} value={sort} onChange={(e) => setSort(e.target.value as SortKey)}>
            <option value="revenue">Revenue</option>
            <option value="change">Change</option>
            <option value="name">Name</option>
          </select>
        </div>
      </div>
      {props.models.length === 0 ? <p className="muted">No models connected yet.</p> : null}
      {props.models.length > 0 && found.length === 0 ? <p className="muted">No model matches “{query}”.</p> : null}
      <ol className="lb__list">
        {view.rows.map((row) => (
          <Row key={row.model.modelId} row={row} {...props} />
        ))}
      </ol>
      {view.pages > 1 ? (
        <nav className="lb__pages" aria-label="Model pages">
          <button type="button" className="button" disabled={view.page <= 1} onClick={() => setPage(view.page - 1)}>
            Previous
          </button>
          <span className="muted">
            Page {view.page} of {view.pages} · {found.length} models
          </span>
          <button
            type="button"
            className="button"
            disabled={view.page >= view.pages}
            onClick={() => setPage(view.page + 1)}
          >
            Next
          </button>
        </nav>
      ) : null}
    </section>
  );
}
