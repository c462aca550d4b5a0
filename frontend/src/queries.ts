import { MutationCache, QueryCache, QueryClient, type QueryClientConfig, queryOptions } from '@tanstack/react-query';
import { fetchDashboard, fetchModel, fetchTransactions, UnauthorizedError } from './api';
import { reportUnauthorized } from './auth/session';

/** Poll period of the dashboard; the server syncs every 10 minutes. */
export const POLL_INTERVAL_MS = 60_000;
/** Poll period while a "Sync now" the user asked for is still running. */
export const SYNC_POLL_INTERVAL_MS = 3_000;

/** Query keys, in one place; each names its access key, so a new key never reads another agency's cached data. */
export const dashboardKeys = {
  all: ['dashboard'] as const,
  period: (accessKey: string, period: string) => ['dashboard', accessKey, period] as const,
  model: (accessKey: string, modelId: string, period: string) =>
    ['dashboard', accessKey, 'model', modelId, period] as const,
  transactions: (accessKey: string, modelId: string, cursor: string | null) =>
    ['dashboard', accessKey, 'transactions', modelId, cursor] as const,
  runs: (accessKey: string, modelId: string) => ['dashboard', accessKey, 'runs', modelId] as const,
};

/** The dashboard query for a period (`period=7d`): polled every 60 s (every 3 s while a requested sync runs). */
export function dashboardQuery(accessKey: string, period: string, fast = false) {
  return queryOptions({
    queryKey: dashboardKeys.period(accessKey, period),
    queryFn: ({ signal }) => fetchDashboard(accessKey, period, signal),
    refetchInterval: fast ? SYNC_POLL_INTERVAL_MS : POLL_INTERVAL_MS,
    refetchOnWindowFocus: true,
    staleTime: 15_000,
    placeholderData: (previous) => previous,
  });
}

/** One model's page for a period; polled like the dashboard. */
export function modelQuery(accessKey: string, modelId: string, period: string, fast = false) {
  return queryOptions({
    queryKey: dashboardKeys.model(accessKey, modelId, period),
    queryFn: ({ signal }) => fetchModel(accessKey, modelId, period, signal),
    refetchInterval: fast ? SYNC_POLL_INTERVAL_MS : POLL_INTERVAL_MS,
    refetchOnWindowFocus: true,
    staleTime: 15_000,
  });
}

/** One page of a model's latest transactions. */
export function transactionsQuery(accessKey: string, modelId: string, cursor: string | null) {
  return queryOptions({
    queryKey: dashboardKeys.transactions(accessKey, modelId, cursor),
    queryFn: ({ signal }) => fetchTransactions(accessKey, modelId, cursor, signal),
    refetchInterval: POLL_INTERVAL_MS,
    staleTime: 15_000,
  });
}

/** App-wide defaults: retry transient failures twice, never a 401. */
export const queryClientConfig: QueryClientConfig = {
  defaultOptions: {
    queries: { retry: (failures, error) => !(error instanceof UnauthorizedError) && failures < 2 },
  },
};

/** Any query or mutation answered 401 sends the app back to sign-in, in one place (not a prop on every card). */
function onError(error: unknown): void {
  if (error instanceof UnauthorizedError) reportUnauthorized();
}

/** The app's query client: {@link queryClientConfig} plus the 401 handling. */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    ...queryClientConfig,
    queryCache: new QueryCache({ onError }),
    mutationCache: new MutationCache({ onError }),
  });
}
