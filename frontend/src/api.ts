import {
  type DashboardResponse,
  DashboardResponseSchema,
  type ModelDetailResponse,
  ModelDetailResponseSchema,
  type TransactionsPage,
  TransactionsPageSchema,
} from '../../lambdas/domain/dashboard';
import { EXPORT_PATH_PREFIX } from '../../lambdas/shared/edge';

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

/** The per-model, per-day CSV of a period (the export function streams it; members and access keys alike). */
export function dailyCsvPath(periodQuery: string): string {
  return `${EXPORT_PATH_PREFIX}daily.csv?${periodQuery}`;
}

/** One model's transactions of a period as CSV, streamed by the export function. */
export function transactionsCsvPath(modelId: string, periodQuery: string): string {
  return `${EXPORT_PATH_PREFIX}models/${encodeURIComponent(modelId)}/transactions.csv?${periodQuery}`;
}

/**
 * Downloads a CSV export. The request carries the credential in `Authorization` (never in the URL,
 * which CloudFront and servers log), so it is fetched and saved from a blob: the server streams it,
 * the browser collects it (Chromium keeps large blobs on disk) before the save.
 */
export async function downloadCsv(accessKey: string, url: string): Promise<void> {
  const res = await fetch(url, { headers: { authorization: `Bearer ${accessKey}` } });
  if (!res.ok) throw await failure(res);
  const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? 'export.csv';
  const href = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = href;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(href), 10_000);
}

/** POST /api/models/{id}/sync: asks for a sync of one model now. */
export async function requestModelSync(accessKey: string, modelId: string): Promise<void> {
  const res = await fetch(`/api/models/${encodeURIComponent(modelId)}/sync`, {
    method: 'POST',
    headers: { authorization: `Bearer ${accessKey}` },
  });
  if (!res.ok) throw await failure(res);
}
