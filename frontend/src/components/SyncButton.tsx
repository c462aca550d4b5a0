import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import type { DashboardModel, Freshness } from '../../../lambdas/domain/dashboard';
import { requestModelSync } from '../api';
import { dashboardKeys } from '../queries';

/** How long a requested sync is watched closely (fast polling) before the page goes back to its normal pace. */
const WATCH_MS = 120_000;
/**
 * How long the page keeps polling fast after a sync ended: its rows reach the totals through the
 * stream and the aggregator, a few seconds after the model says the sync is done, and the new
 * figure should show without waiting for the 60 s poll.
 */
export const TOTALS_SETTLE_MS = 15_000;

type Outcome = 'waiting' | 'done' | 'failed' | 'slow';

/** What became of a sync requested at `requestedAt`, from the model as the API now shows it. */
export function syncOutcome(model: DashboardModel, requestedAt: number, now: number): Outcome {
  const success = model.lastSuccessAt ? Date.parse(model.lastSuccessAt) : 0;
  const started = model.lastSyncStartedAt ? Date.parse(model.lastSyncStartedAt) : 0;
  // One second of slack: the server's clock and the browser's are not the same clock.
  if (success >= requestedAt - 1_000) return 'done';
  if (model.status === 'error' && started >= requestedAt - 1_000) return 'failed';
  return now - requestedAt > WATCH_MS ? 'slow' : 'waiting';
}

/**
 * "Sync now" for one model, closing the loop: Syncing… while the sync runs (the page polls every few seconds),
 * then "Synced just now" with the new figures, or why it failed. Its accessible name names the model.
 */
export function SyncButton(props: {
  model: DashboardModel;
  /** The badge's state now (the client's clock), so the button agrees with it. */
  state: Freshness;
  now: number;
  accessKey: string;
  onUnauthorized: (e: unknown) => void;
  onWatch: (modelId: string, watching: boolean) => void;
}) {
  const { model, onWatch } = props;
  const queryClient = useQueryClient();
  const [requestedAt, setRequestedAt] = useState<number | null>(null);
  /** The page's clock when this sync was first seen done (the fast polls keep `props.now` moving). */
  const [doneAt, setDoneAt] = useState<number | null>(null);
  const sync = useMutation({
    mutationFn: () => requestModelSync(props.accessKey, model.modelId),
    onMutate: () => {
      setRequestedAt(Date.now());
      setDoneAt(null);
    },
    onSuccess: () => {
      onWatch(model.modelId, true);
      return queryClient.invalidateQueries({ queryKey: dashboardKeys.all });
    },
    onError: props.onUnauthorized,
  });
  const outcome = requestedAt === null || !sync.isSuccess ? null : syncOutcome(model, requestedAt, props.now);
  useEffect(() => {
    if (outcome === 'done' && doneAt === null) setDoneAt(props.now);
  }, [outcome, doneAt, props.now]);
  const settled =
    outcome === 'failed' ||
    outcome === 'slow' ||
    (outcome === 'done' && doneAt !== null && props.now - doneAt >= TOTALS_SETTLE_MS);
  useEffect(() => {
    if (settled) onWatch(model.modelId, false);
  }, [settled, onWatch, model.modelId]);
  useEffect(() => () => onWatch(model.modelId, false), [onWatch, model.modelId]);
  const busy = sync.isPending || outcome === 'waiting';
  const note = sync.isPending
    ? 'Asking for a sync…'
    : sync.isError
      ? `Could not start a sync: ${sync.error instanceof Error ? sync.error.message : 'request failed'}`
      : outcome === 'waiting'
        ? 'Syncing…'
        : outcome === 'done'
          ? 'Synced just now'
          : outcome === 'failed'
            ? `Sync failed: ${model.lastError ?? 'no reason given'}`
            : outcome === 'slow'
              ? 'Still syncing; the figures update when it finishes'
              : '';
  return (
    <div className="sync">
      <button
        type="button"
        className="button"
        onClick={() => sync.mutate()}
        disabled={busy || props.state === 'syncing'}
        aria-label={`Sync now: ${model.displayName}`}
      >
        {busy ? 'Syncing…' : 'Sync now'}
      </button>
      <span
        className={`sync__note${outcome === 'failed' || sync.isError ? ' sync__note--error' : ''}`}
        aria-live="polite"
      >
        {note}
      </span>
    </div>
  );
}
