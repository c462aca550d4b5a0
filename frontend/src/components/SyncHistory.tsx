import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import {
  cursorText,
  outcomeText,
  rowsText,
  type SyncRunView,
  triggerText,
} from '../../../lambdas/domain/run-history-view';
import { UnauthorizedError } from '../api';
import { formatAgo } from '../format';
import { dashboardKeys } from '../queries';
import { runsQuery } from '../runs-queries';

const utc = (iso: string) => `${iso.slice(0, 16).replace('T', ' ')} UTC`;

function RunRow(props: { run: SyncRunView; now: number }) {
  const { run } = props;
  const moved = cursorText(run);
  const failed = run.outcome === 'error';
  return (
    <tr className={failed ? 'runs--error' : undefined}>
      <td>
        <time dateTime={run.endedAt} title={utc(run.endedAt)}>
          {formatAgo(Date.parse(run.endedAt), props.now)}
        </time>
        <span className="runs__detail">{utc(run.endedAt)}</span>
      </td>
      <td>{triggerText(run)}</td>
      <td>
        {failed ? <strong>{outcomeText(run)}</strong> : outcomeText(run)}
        {run.error ? <span className="runs__detail">{run.error}</span> : null}
        {moved ? <span className="runs__detail">{moved}</span> : null}
      </td>
      <td>{rowsText(run)}</td>
    </tr>
  );
}

/**
 * The model's latest sync runs as a table (when, started by, result, rows), newest first, in plain words.
 * Polled with the page (fast while a requested sync runs) and refetched as soon as the model reports a
 * finished run, so the new row appears with the new figures.
 */
export function SyncHistory(props: {
  accessKey: string;
  modelId: string;
  displayName: string;
  /** The model's `lastSyncStartedAt` / status as its page last read them: a change means a run ended or began. */
  lastChange: string;
  now: number;
  fast: boolean;
  onUnauthorized: (e: unknown) => void;
}) {
  const { accessKey, modelId, lastChange, onUnauthorized } = props;
  const queryClient = useQueryClient();
  const q = useQuery(runsQuery(accessKey, modelId, props.fast));
  useEffect(() => {
    if (q.error instanceof UnauthorizedError) onUnauthorized(q.error);
  }, [q.error, onUnauthorized]);
  useEffect(() => {
    // The run record is written before the model's status: once the page sees the change, the history has it.
    if (lastChange) void queryClient.invalidateQueries({ queryKey: dashboardKeys.runs(accessKey, modelId) });
  }, [lastChange, queryClient, accessKey, modelId]);
  return (
    <section className="card" aria-labelledby="runs-title">
      <h2 id="runs-title" className="card__title">
        Sync history
      </h2>
      {q.isPending ? <p className="muted">Loading…</p> : null}
      {q.isError && !q.data ? (
        <p className="muted" role="alert">
          Could not load the sync history: {q.error.message}.
        </p>
      ) : null}
      {q.data && q.data.runs.length === 0 ? <p className="muted">No syncs recorded in the last 30 days.</p> : null}
      {q.data && q.data.runs.length > 0 ? (
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling table must be reachable by keyboard to scroll it
        <section className="chart__table-wrap" tabIndex={0} aria-label="Sync history, table">
          <table className="tx runs">
            <caption className="sr-only">Latest syncs of {props.displayName}, newest first (kept 30 days)</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Started by</th>
                <th scope="col">Result</th>
                <th scope="col">Rows</th>
              </tr>
            </thead>
            <tbody>
              {q.data.runs.map((run) => (
                <RunRow key={run.id} run={run} now={props.now} />
              ))}
            </tbody>
          </table>
        </section>
      ) : null}
    </section>
  );
}
