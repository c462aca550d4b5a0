/**
 * The API's edge contract, shared by the CDK constructs, the API handler and the local server.
 */

/** Header CloudFront adds to every `/api/*` origin request; its value is the origin secret. */
export const ORIGIN_VERIFY_HEADER = 'x-origin-verify';

/**
 * Path prefix CloudFront sends to the export function (Lambda response streaming through its
 * function URL) instead of the HTTP API: CSV exports of any length.
 */
export const EXPORT_PATH_PREFIX = '/api/export/';

/**
 * `POST` here asks the API (not the export function: CloudFront's origin access control to a function
 * URL cannot sign a viewer's POST body) for a download ticket of one export. CloudFront routes this
 * one path to the HTTP API, ahead of `/api/export/*`.
 */
export const EXPORT_TICKETS_PATH = '/api/export/tickets';

/** Query parameter that carries a download ticket to the export function (instead of `Authorization`). */
export const EXPORT_TICKET_PARAM = 'ticket';

/** True when a request path goes to the export function (every `/api/export/` path but the tickets route). */
export function isExportFunctionPath(path: string): boolean {
  return path.startsWith(EXPORT_PATH_PREFIX) && path.replace(/\/+$/, '') !== EXPORT_TICKETS_PATH;
}

/**
 * Header that carries the viewer's `Authorization` value to the export function. CloudFront's
 * origin access control signs each request to the function URL with SigV4 in `Authorization`,
 * replacing the viewer's; a CloudFront Function on the `/api/export/*` behaviour copies the
 * viewer's value here first (and drops any value a viewer sent in this header itself).
 */
export const VIEWER_AUTHORIZATION_HEADER = 'x-viewer-authorization';

/**
 * The viewer-request CloudFront Function (JavaScript runtime 2.0) of `/api/export/*`: moves the
 * viewer's `Authorization` into {@link VIEWER_AUTHORIZATION_HEADER}. The local server does the same.
 */
export const EXPORT_VIEWER_REQUEST_FUNCTION = `function handler(event) {
  var headers = event.request.headers;
  delete headers['${VIEWER_AUTHORIZATION_HEADER}'];
  if (headers.authorization) {
    headers['${VIEWER_AUTHORIZATION_HEADER}'] = { value: headers.authorization.value };
  }
  return event.request;
}`;
