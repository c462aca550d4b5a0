import { createHash, timingSafeEqual } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { RotatingSecrets } from '../../domain/secret-rotation';
import { ORIGIN_VERIFY_HEADER } from '../../shared/edge';
import { HttpError } from '../../shared/errors';
import type { AppLogger } from '../../shared/logger';
import { header } from './http';

/** One step of the request pipeline that runs before routing; throws an `HttpError` to refuse. */
export type RequestCheck = (event: APIGatewayProxyEventV2) => Promise<void>;

const digest = (v: string) => createHash('sha256').update(v, 'utf8').digest();

/** A matcher for {@link RotatingSecrets.accepts}: equal-length digests, compared in constant time. */
export function sameSecret(given: string): (value: string) => boolean {
  const g = digest(given);
  return (value) => timingSafeEqual(g, digest(value));
}

/**
 * Refuses (403) any request without CloudFront's origin header, so the execute-api
 * endpoint cannot be used to bypass the distribution. The message names neither the
 * header nor the secret. Off when `originSecretId` is undefined (tests of other routes).
 */
export function originCheck(originSecretId: string | undefined, secrets: RotatingSecrets): RequestCheck {
  return async (event) => {
    if (originSecretId === undefined) return;
    const given = header(event, ORIGIN_VERIFY_HEADER);
    if (given && (await secrets.accepts('origin', originSecretId, sameSecret(given)))) return;
    throw new HttpError(403, 'forbidden: use the dashboard address for the API');
  };
}

/** Requires `x-cron-secret` to be the cron secret (or, during the grace after a rotation, the previous one). */
export function cronSecretCheck(cronSecretId: string, secrets: RotatingSecrets): RequestCheck {
  return async (event) => {
    const given = header(event, 'x-cron-secret');
    if (given && (await secrets.accepts('cron', cronSecretId, sameSecret(given)))) return;
    throw new HttpError(401, 'missing or invalid cron secret');
  };
}

/**
 * Logs a refused request (401/403) with what an operator needs to trace it (request id,
 * route, the viewer's address as CloudFront forwards it) and never the credential itself.
 */
export function logRefused(logger: AppLogger, event: APIGatewayProxyEventV2, status: number, reason: string): void {
  logger.warn('request refused', {
    status,
    reason,
    method: event.requestContext?.http?.method,
    path: event.rawPath,
    requestId: event.requestContext?.requestId,
    sourceIp: event.requestContext?.http?.sourceIp,
    forwardedFor: header(event, 'x-forwarded-for')?.slice(0, 200),
    userAgent: header(event, 'user-agent')?.slice(0, 200),
  });
}
