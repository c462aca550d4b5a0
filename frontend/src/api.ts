import { type DashboardResponse, DashboardResponseSchema } from '../../lambdas/domain/dashboard';

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

/** A member's sign-in token (a JWT) reads `/api/dashboard`; a read-only access key reads `/api/key/dashboard`. */
export function dashboardPath(credential: string): string {
  return credential.split('.').length === 3 ? '/api/dashboard' : '/api/key/dashboard';
}

/**
 * GET /api/dashboard, parsed with the shared contract. `cache: 'no-cache'`
 * makes the browser revalidate with If-None-Match, so unchanged polls are 304s.
 */
export async function fetchDashboard(
  accessKey: string,
  days: number,
  signal?: AbortSignal,
): Promise<DashboardResponse> {
  const res = await fetch(`${dashboardPath(accessKey)}?days=${days}`, {
    headers: { authorization: `Bearer ${accessKey}`, accept: 'application/json' },
    cache: 'no-cache',
    ...(signal && { signal }),
  });
  if (!res.ok) throw await failure(res);
  const parsed = DashboardResponseSchema.safeParse(await res.json());
  if (!parsed.success) throw new ApiError(res.status, 'the server sent a dashboard this app cannot read');
  return parsed.data;
}

/** POST /api/models/{id}/sync: asks for a sync of one model now. */
export async function requestModelSync(accessKey: string, modelId: string): Promise<void> {
  const res = await fetch(`/api/models/${encodeURIComponent(modelId)}/sync`, {
    method: 'POST',
    headers: { authorization: `Bearer ${accessKey}` },
  });
  if (!res.ok) throw await failure(res);
}
