import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/** Small HTTP helpers for the dashboard API (API Gateway HTTP API, payload v2). */

export type ApiResult = APIGatewayProxyStructuredResultV2;

const baseHeaders = {
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-cache',
  'x-content-type-options': 'nosniff',
} as const;

/** A JSON response with the API's common headers. */
export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): ApiResult {
  return { statusCode, headers: { ...baseHeaders, ...headers }, body: JSON.stringify(body) };
}

/** A 4xx/5xx response; `message` must be safe to show. */
export function errorResult(statusCode: number, message: string): ApiResult {
  return json(statusCode, { error: message });
}

/** A strong ETag: the SHA-256 of the representation, quoted. */
export function etagOf(representation: string): string {
  return `"${createHash('sha256').update(representation, 'utf8').digest('base64url')}"`;
}

/** True when an `If-None-Match` header value names `etag` (or is `*`); weak validators compare equal. */
export function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const strip = (t: string) => t.trim().replace(/^W\//, '');
  return header.split(',').some((t) => strip(t) === '*' || strip(t) === etag);
}

/** A header by case-insensitive name (HTTP API lowercases them, other callers may not). */
export function header(event: APIGatewayProxyEventV2, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [k, v] of Object.entries(event.headers ?? {})) if (k.toLowerCase() === wanted) return v;
  return undefined;
}

/** The raw request body as text (HTTP API may base64-encode it). */
export function bodyText(event: APIGatewayProxyEventV2): string {
  if (!event.body) return '';
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
}

/** Bodies smaller than this are sent as they are (gzip would not pay for itself). */
const GZIP_MIN_BYTES = 1024;

/**
 * Gzips a large body when the client accepts it (the dashboard for an agency
 * of 500 models is ~165 KB of JSON, ~10 KB gzipped). API Gateway decodes the
 * base64 and sends the bytes; CloudFront passes them through.
 */
export function compressed(event: APIGatewayProxyEventV2, result: ApiResult): ApiResult {
  const body = result.body;
  if (!body || result.isBase64Encoded || Buffer.byteLength(body) < GZIP_MIN_BYTES) return result;
  if (!/\bgzip\b/i.test(header(event, 'accept-encoding') ?? '')) return result;
  return {
    ...result,
    headers: { ...result.headers, 'content-encoding': 'gzip', vary: 'accept-encoding' },
    body: gzipSync(body).toString('base64'),
    isBase64Encoded: true,
  };
}
