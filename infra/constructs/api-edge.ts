/**
 * Settings of the HTTP API's edge: route throttles and the access log format.
 * One module so the construct, its tests and docs/deploy.md agree.
 */

/** The webhook route (Fanvue deliveries; reachable by anyone, checked by signature). */
export const WEBHOOK_PATH = '/api/webhooks/fanvue';
/** The manual sync route (cron secret). */
export const MANUAL_SYNC_PATH = '/api/sync';

/** Route keys with their own throttle, lower than the dashboard's. */
export type ThrottledRoute = `POST ${typeof WEBHOOK_PATH}` | `POST ${typeof MANUAL_SYNC_PATH}`;

/** Steady requests per second and burst of one route. */
export interface RouteThrottle {
  readonly rateLimit: number;
  readonly burstLimit: number;
}

/**
 * Defaults: Fanvue sends one delivery per sale (bursts when many creators sell at once);
 * a manual sync is a person or a cron job, and each one starts real work.
 */
export const DEFAULT_ROUTE_LIMITS: Record<ThrottledRoute, RouteThrottle> = {
  [`POST ${WEBHOOK_PATH}`]: { rateLimit: 10, burstLimit: 20 },
  [`POST ${MANUAL_SYNC_PATH}`]: { rateLimit: 1, burstLimit: 5 },
};

/**
 * One JSON object per request. No request header is logged, so no credential can be:
 * `sourceIp` is, for a regional API behind CloudFront, the last X-Forwarded-For address,
 * i.e. the viewer's address as CloudFront forwards it.
 */
export const ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  requestTime: '$context.requestTime',
  routeKey: '$context.routeKey',
  method: '$context.httpMethod',
  path: '$context.path',
  status: '$context.status',
  latencyMs: '$context.responseLatency',
  integrationStatus: '$context.integrationStatus',
  integrationLatencyMs: '$context.integrationLatency',
  integrationError: '$context.integrationErrorMessage',
  error: '$context.error.message',
  /** Why the JWT authorizer refused a request (its message; never the token). */
  authorizerError: '$context.authorizer.error',
  userAgent: '$context.identity.userAgent',
  viewerIp: '$context.identity.sourceIp',
  domainName: '$context.domainName',
} as const;
