import { useMutation, useQueryClient } from '@tanstack/react-query';
import {
  type DashboardModel,
  type FreshnessConfig,
  modelFreshness,
  nextSyncDueAt,
} from '../../../lambdas/domain/dashboard';
import { requestModelSync } from '../api';
import { formatAgo, formatCents, formatClock, formatIn } from '../format';
import { dashboardKeys } from '../queries';
import type { Measure } from './KpiCard';
import { LiveIndicator } from './LiveIndicator';

/** One model's performance card: revenue, live indicator, failure reason and a "Sync now" button. */
export function ModelCard(props: {
  model: DashboardModel;
  now: number;
  cfg: FreshnessConfig;
  measure: Measure;
  accessKey: string;
  onUnauthorized: (e: unknown) => void;
  /** Show "Sync now" (the caller's role may start syncs). */
  canSync: boolean;
  /** Renews the model's Fanvue connection; shown when its access was revoked for good. */
  onReconnect?: (connectionId: string) => void;
}) {
  const { model, now, cfg } = props;
  const queryClient = useQueryClient();
  const sync = useMutation({
    mutationFn: () => requestModelSync(props.accessKey, model.modelId),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: dashboardKeys.all }),
    onError: props.onUnauthorized,
  });
  const state = modelFreshness(model, now, cfg);
  const due = nextSyncDueAt(model, cfg);
  const title =
    due === null
      ? 'Waiting for the first sync'
      : due > now
        ? `Next sync due at ${formatClock(due)} (${formatIn(due, now)})`
        : `Sync overdue since ${formatClock(due)}`;
  const detail = model.lastSuccessAt ? `synced ${formatAgo(Date.parse(model.lastSuccessAt), now)}` : 'not synced yet';
  const headingId = `model-${model.modelId}`;
  return (
    <article className={`card model${model.lastError ? ' model--failing' : ''}`} aria-labelledby={headingId}>
      <div className="card__head">
        <h3 id={headingId} className="card__title">
          {model.displayName}
        </h3>
        <LiveIndicator state={state} detail={detail} title={title} />
      </div>
      <p className="model__value">{formatCents(model.totals[props.measure])}</p>
      <p className="model__sub">
        {model.totals.count.toLocaleString('en-US')} transactions{model.behind ? ' · catching up' : ''}
      </p>
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
          onClick={() => props.onReconnect?.(model.connectionId ?? '')}
        >
          Reconnect
        </button>
      ) : null}
      {props.canSync ? (
        <div className="model__actions">
          <button
            type="button"
            className="button"
            onClick={() => sync.mutate()}
            disabled={sync.isPending || state === 'syncing'}
            aria-busy={sync.isPending}
          >
            {sync.isPending ? 'Requesting…' : 'Sync now'}
          </button>
          <span className="model__note" aria-live="polite">
            {sync.isSuccess ? 'Sync requested' : sync.isError ? 'Could not start a sync' : ''}
          </span>
        </div>
      ) : null}
    </article>
  );
}
