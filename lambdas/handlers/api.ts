import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { powertoolsMetrics } from '../adapters/metrics';
import { rotatingSecrets } from '../adapters/secret-cache';
import { EXPORT_TICKETS_PATH } from '../shared/edge';
import { HttpError } from '../shared/errors';
import { accountsRoute } from './api/accounts';
import { connectRoute } from './api/connect';
import { postExportTicket } from './api/export-tickets';
import { cronSecretCheck, logRefused, originCheck, type RequestCheck } from './api/guards';
import { compressed, errorResult } from './api/http';
import { analyticsRoute } from './api/model-routes';
import { modelRunsRoute } from './api/model-runs';
import { type ApiDeps, getDashboard, postManualSync, postModelSync } from './api/routes';
import { webhookRoute } from './api/webhook';
import { lambdaEntry } from './lambda-entry';

export type { ApiDeps } from './api/routes';

/** The dashboard API's request handler (API Gateway HTTP API, payload v2). */
export type ApiHandler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyResultV2>;

const MODEL_SYNC_PATH = /^\/api\/models\/([^/]+)\/sync$/;

/**
 * Builds the dashboard API handler from its dependencies.
 * Routes: `GET /api/dashboard`, `GET /api/key/dashboard` (access keys), `GET /api/models/{modelId}`
 * (`/transactions`, `/runs`; each also under `/api/key/` for access keys; the CSV exports are the export function's),
 * `POST /api/models/{modelId}/sync`, `POST /api/sync`, `POST /api/export/tickets` (a CSV download link), `POST /api/webhooks/fanvue`, and the accounts routes
 * (`/api/me`, `/api/members`, `/api/access-keys`).
 * Every request first passes `checks` (the origin header CloudFront adds; further
 * checks compose here). 4xx bodies are `{ error }` with a safe message; a refused
 * request (401/403) is logged without its credential; anything else is a 500 with no details.
 */
export function makeApiHandler(deps: ApiDeps): ApiHandler {
  // The one cache of caller-presented secrets (origin, cron, webhook), with rotation grace.
  const secrets = rotatingSecrets(deps.secrets, { clock: deps.clock });
  const checks: RequestCheck[] = [originCheck(deps.config.originSecretId, secrets)];
  const checkCron = cronSecretCheck(deps.config.cronSecretId, secrets);
  const postWebhook = webhookRoute(deps, secrets);
  return async (event) => {
    const method = event.requestContext?.http?.method?.toUpperCase() ?? 'GET';
    const path = event.rawPath?.replace(/\/+$/, '') || '/';
    try {
      for (const check of checks) await check(event);
      if (path === '/api/dashboard') {
        if (method !== 'GET' && method !== 'HEAD') throw new HttpError(405, 'method not allowed');
        return compressed(event, await getDashboard(deps, event));
      }
      if (path === '/api/key/dashboard') {
        if (method !== 'GET' && method !== 'HEAD') throw new HttpError(405, 'method not allowed');
        return compressed(event, await getDashboard(deps, event, 'key'));
      }
      if (path === '/api/sync') {
        if (method !== 'POST') throw new HttpError(405, 'method not allowed');
        return await postManualSync(deps, event, checkCron);
      }
      if (path === EXPORT_TICKETS_PATH) {
        if (method !== 'POST') throw new HttpError(405, 'method not allowed');
        return await postExportTicket(deps, event);
      }
      if (path === '/api/webhooks/fanvue') {
        if (method !== 'POST') throw new HttpError(405, 'method not allowed');
        return await postWebhook(event);
      }
      const analytics =
        (await analyticsRoute(deps, event, method, path)) ?? (await modelRunsRoute(deps, event, method, path));
      if (analytics) return analytics;
      const modelSync = MODEL_SYNC_PATH.exec(path);
      if (modelSync?.[1]) {
        if (method !== 'POST') throw new HttpError(405, 'method not allowed');
        return await postModelSync(deps, event, modelSync[1]);
      }
      const accounts =
        (await accountsRoute(deps, event, method, path)) ?? (await connectRoute(deps, event, method, path));
      if (accounts) return accounts;
      throw new HttpError(404, 'not found');
    } catch (err) {
      if (err instanceof HttpError && err.status < 500) {
        if (err.status === 401 || err.status === 403) logRefused(deps.logger, event, err.status, err.message);
        return errorResult(err.status, err.message);
      }
      deps.logger.error('api request failed', {
        method,
        path,
        error: err instanceof Error ? { name: err.name, message: err.message } : String(err),
      });
      return errorResult(500, 'internal error');
    }
  };
}

let cold: Promise<ApiHandler> | undefined;
const metrics = powertoolsMetrics();

/** The Lambda entry point: real clients and config from the environment, built once per cold start. */
export const handler = lambdaEntry(async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyResultV2> => {
  cold ??= import('./api/aws-deps').then(({ awsApiDeps }) => makeApiHandler(awsApiDeps(process.env, metrics)));
  return (await cold)(event);
}, metrics);
