import {
  type DashboardResponse,
  DashboardResponseSchema,
  type ModelDetailResponse,
  ModelDetailResponseSchema,
  type TransactionsPage,
  TransactionsPageSchema,
} from '../../lambdas/domain/dashboard';
import { ExportTicketResponseSchema } from '../../lambdas/domain/export-ticket';
import { EXPORT_PATH_PREFIX, EXPORT_TICKETS_PATH } from '../../lambdas/shared/edge';

/** The access key was missing or not accepted (HTTP 401): ask for a new one. */
export class UnauthorizedError extends Error {
  constructor() {
    super('access key not accepted');
    this.name = 'UnauthorizedError';
  }
}

/** Any other failed request; `message` is safe to show. */
export class ApiError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
  }
}

/** The error a failed response stands for (401: {@link UnauthorizedError}; else {@link ApiError} with a safe message). */
export async function failure(res: Response): Promise<Error> {
  if (res.status === 401) return new UnauthorizedError();
  let message = `request failed (${res.status})`;
  try {
    const body: unknown = await res.json();
    if (body && typeof body === 'object' && 'error' in body && typeof body.error === 'string' && res.status < 500)
      message = body.error;
  } catch {
    // not JSON: keep the generic message
  }
  return new ApiError(res.status, message);
}

/** A member's sign-in token is a JWT; anything else is a read-only access key. */
export function isSignInToken(credential: string): boolean {
  return credential.split('.').length === 3;
}

/** Where a credential reads: a member's sign-in token `/api/...`; a read-only access key `/api/key/...`. */
export function apiBase(credential: string): string {
  return isSignInToken(credential) ? '/api' : '/api/key';
}

/** A member's sign-in token (a JWT) reads `/api/dashboard`; a read-only access key reads `/api/key/dashboard`. */
export function dashboardPath(credential: string): string {
  return `${apiBase(credential)}/dashboard`;
}

/** GET `url` with the credential, parsed with `schema` (a failed parse is an {@link ApiError}). */
export async function getJson<T>(
  accessKey: string,
  url: string,
  schema: { safeParse(v: unknown): { success: true; data: T } | { success: false } },
  signal?: AbortSignal,
): Promise<T> {
  const res = await fetch(url, {
    headers: { authorization: `Bearer ${accessKey}`, accept: 'application/json' },
    cache: 'no-cache',
    ...(signal && { signal }),
  });
  if (!res.ok) throw await failure(res);
  const parsed = schema.safeParse(await res.json());
  if (!parsed.success) throw new ApiError(res.status, 'the server sent data this app cannot read');
  return parsed.data;
}

/**
 * GET /api/dashboard?<period>, parsed with the shared contract. `cache: 'no-cache'`
 * makes the browser revalidate with If-None-Match, so unchanged polls are 304s.
 */
export function fetchDashboard(accessKey: string, period: string, signal?: AbortSignal): Promise<DashboardResponse> {
  return getJson(accessKey, `${dashboardPath(accessKey)}?${period}`, DashboardResponseSchema, signal);
}

/** GET /api/models/{id}?<period>: one model's page. */
export function fetchModel(
  accessKey: string,
  modelId: string,
  period: string,
  signal?: AbortSignal,
): Promise<ModelDetailResponse> {
  return getJson(
    accessKey,
    `${apiBase(accessKey)}/models/${encodeURIComponent(modelId)}?${period}`,
    ModelDetailResponseSchema,
    signal,
  );
}

/** GET /api/models/{id}/transactions: one page, newest first. */
export function fetchTransactions(
  accessKey: string,
  modelId: string,
  cursor: string | null,
  signal?: AbortSignal,
): Promise<TransactionsPage> {
  const q = new URLSearchParams({ limit: '25', ...(cursor && { cursor }) });
  return getJson(
    accessKey,
    `${apiBase(accessKey)}/models/${encodeURIComponent(modelId)}/transactions?${q}`,
    TransactionsPageSchema,
    signal,
  );
}

/** The export and period query a CSV download names (the body of a ticket request). */
export interface CsvExport {
  path: string;
  query: string;
}

/** The per-model, per-day CSV of a period (the export function streams it; members and access keys alike). */
export function dailyCsv(periodQuery: string): CsvExport {
  return { path: `${EXPORT_PATH_PREFIX}daily.csv`, query: periodQuery };
}

/** One model's transactions of a period as CSV, streamed by the export function. */
export function transactionsCsv(modelId: string, periodQuery: string): CsvExport {
  return { path: `${EXPORT_PATH_PREFIX}models/${encodeURIComponent(modelId)}/transactions.csv`, query: periodQuery };
}

/**
 * Downloads a CSV export. A link cannot carry `Authorization`, and the credential never goes in a
 * URL, so the app first asks for a single-use download ticket (POST, credential in the header), then
 * follows the link it gets with a hidden `<a download>`: the browser streams the file to disk itself,
 * whatever its size, instead of holding it in memory.
 */
export async function downloadCsv(accessKey: string, target: CsvExport): Promise<void> {
  const res = await fetch(EXPORT_TICKETS_PATH, {
    method: 'POST',
    headers: { authorization: `Bearer ${accessKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ path: target.path, query: Object.fromEntries(new URLSearchParams(target.query)) }),
    cache: 'no-store',
  });
  if (!res.ok) throw await failure(res);
  const parsed = ExportTicketResponseSchema.safeParse(await res.json());
  if (!parsed.success) throw new ApiError(res.status, 'the server sent data this app cannot read');
  const a = document.createElement('a');
  a.href = parsed.data.url;
  a.download = '';
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
}

/** POST /api/models/{id}/sync: asks for a sync of one model now. */
export async function requestModelSync(accessKey: string, modelId: string): Promise<void> {
  const res = await fetch(`/api/models/${encodeURIComponent(modelId)}/sync`, {
    method: 'POST',
    headers: { authorization: `Bearer ${accessKey}` },
  });
  if (!res.ok) throw await failure(res);
}
