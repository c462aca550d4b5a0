/**
 * Which API routes are not behind the HTTP API's JWT authorizer: each carries
 * its own credential. Every other `/api/*` route requires a valid sign-in
 * token before the request reaches the Lambda. The CDK construct builds its
 * routes from this list, and the local server enforces it the same way.
 */
export interface OpenRoute {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  /** What authenticates it instead. */
  readonly credential: string;
}

export const OPEN_ROUTES: readonly OpenRoute[] = [
  { method: 'POST', path: '/api/webhooks/fanvue', credential: 'the Fanvue webhook signature (X-Fanvue-Signature)' },
  { method: 'POST', path: '/api/sync', credential: 'the cron secret (x-cron-secret)' },
  {
    method: 'POST',
    path: '/api/export/tickets',
    credential: "a member's sign-in token or a read-only access key, checked in the Lambda as the export function does",
  },
  { method: 'GET', path: '/api/key/dashboard', credential: 'a read-only access key (Authorization: Bearer <key>)' },
  {
    method: 'GET',
    path: '/api/key/models/{modelId}',
    credential: 'a read-only access key (Authorization: Bearer <key>)',
  },
  {
    method: 'GET',
    path: '/api/key/models/{modelId}/transactions',
    credential: 'a read-only access key (Authorization: Bearer <key>)',
  },
  {
    method: 'GET',
    path: '/api/key/models/{modelId}/runs',
    credential: 'a read-only access key (Authorization: Bearer <key>)',
  },
];

/** An API Gateway route path as a matcher: `{name}` stands for one path segment. */
function routeMatcher(template: string): RegExp {
  const pattern = template
    .split('/')
    .map((seg) => (/^\{[^}]+\}$/.test(seg) ? '[^/]+' : seg.replace(/[.*+?^$()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${pattern}$`);
}

/** True when the JWT authorizer stands in front of this request. */
export function needsSignIn(method: string, path: string): boolean {
  if (!path.startsWith('/api/')) return false;
  const m = method.toUpperCase() === 'HEAD' ? 'GET' : method.toUpperCase();
  return !OPEN_ROUTES.some((r) => r.method === m && routeMatcher(r.path).test(path));
}
