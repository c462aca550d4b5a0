import { queryOptions } from '@tanstack/react-query';
import { type SyncRunsResponse, SyncRunsResponseSchema } from '../../lambdas/domain/run-history-view';
import { apiBase, getJson } from './api';
import { dashboardKeys, POLL_INTERVAL_MS, SYNC_POLL_INTERVAL_MS } from './queries';

/** The model page's sync history, in its own module so its contract loads with the model page only. */

/** GET /api/models/{id}/runs: the model's latest 20 sync runs, newest first. */
export function fetchRuns(accessKey: string, modelId: string, signal?: AbortSignal): Promise<SyncRunsResponse> {
  return getJson(
    accessKey,
    `${apiBase(accessKey)}/models/${encodeURIComponent(modelId)}/runs?limit=20`,
    SyncRunsResponseSchema,
    signal,
  );
}

/** One model's sync history; polled like its page (every 3 s while a requested sync runs). */
export function runsQuery(accessKey: string, modelId: string, fast = false) {
  return queryOptions({
    queryKey: dashboardKeys.runs(accessKey, modelId),
    queryFn: ({ signal }) => fetchRuns(accessKey, modelId, signal),
    refetchInterval: fast ? SYNC_POLL_INTERVAL_MS : POLL_INTERVAL_MS,
    staleTime: 15_000,
  });
}
