import { MutationCache, QueryCache, QueryClient, type QueryClientConfig, queryOptions } from '@tanstack/react-query';
import { fetchDashboard, UnauthorizedError } from './api';
import { reportUnauthorized } from './auth/session';

/** Poll period of the dashboard; the server syncs every 10 minutes. */
export const POLL_INTERVAL_MS = 60_000;
/** Days shown in the chart. @default 30 */
export const DEFAULT_DAYS = 30;

/** Query keys, in one place. */
export const dashboardKeys = {
  all: ['dashboard'] as const,
  /** One access key's dashboard: a new key never reads another agency's cached data. */
  days: (accessKey: string, days: number) => ['dashboard', accessKey, days] as const,
};

/** The dashboard query: polled every 60 s and on window focus. */
export function dashboardQuery(accessKey: string, days: number = DEFAULT_DAYS) {
  return queryOptions({
    queryKey: dashboardKeys.days(accessKey, days),
    queryFn: ({ signal }) => fetchDashboard(accessKey, days, signal),
    refetchInterval: POLL_INTERVAL_MS,
    refetchOnWindowFocus: true,
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
