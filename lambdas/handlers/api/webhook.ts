import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { modelsOfCreator } from '../../adapters/dynamo/model-store';
import { dynamoDeliveryLog } from '../../adapters/dynamo/webhook-deliveries';
import type { RotatingSecrets } from '../../domain/secret-rotation';
import {
  checkSignatureEnvelope,
  loggableEventName,
  signatureMatches,
  WebhookBodySchema,
  webhookDeliveryId,
  webhookIntent,
} from '../../domain/webhook';
import { HttpError } from '../../shared/errors';
import * as z from '../../shared/zod';
import { type ApiResult, bodyText, header, json } from './http';
import type { ApiDeps } from './routes';

/**
 * POST /api/webhooks/fanvue: a signed hint that a creator earned something.
 * Never the source of truth: a verified revenue event starts that model's sync
 * (the lease makes a burst of them safe); anything else is acknowledged with
 * a 2xx so Fanvue does not retry it, and unknown event names are logged (cut short).
 * A delivery already accepted (same `t` and body) is acknowledged and starts nothing.
 */
export function webhookRoute(
  deps: ApiDeps,
  secrets: RotatingSecrets,
): (event: APIGatewayProxyEventV2) => Promise<ApiResult> {
  const deliveries = dynamoDeliveryLog(deps.doc, deps.tables.control);
  return async (event) => {
    const secretId = deps.config.webhookSecretId;
    if (!secretId) throw new HttpError(404, 'webhooks are not configured');
    const rawBody = bodyText(event);
    const now = deps.clock.now();
    const reject = (reason: string): never => {
      deps.logger.warn('webhook rejected', { reason });
      deps.metrics?.count('WebhookSignatureRejected', 1);
      throw new HttpError(401, reason);
    };
    const signed = checkSignatureEnvelope({ header: header(event, 'x-fanvue-signature'), nowMs: now });
    if (!signed.ok) return reject(signed.reason);
    if (!(await secrets.accepts('webhook', secretId, (secret) => signatureMatches(signed, rawBody, secret))))
      return reject('signature mismatch');
    let parsedJson: unknown;
    try {
      parsedJson = JSON.parse(rawBody);
    } catch {
      throw new HttpError(400, 'body must be JSON');
    }
    const body = WebhookBodySchema.safeParse(parsedJson);
    if (!body.success) throw new HttpError(400, `unexpected webhook body:\n${z.prettifyError(body.error)}`);
    const intent = webhookIntent(body.data, header(event, 'x-fanvue-event'));
    const eventName = loggableEventName(intent.event);
    const delivery = webhookDeliveryId(signed.t, rawBody);
    if (!(await deliveries.remember(delivery.id, delivery.expiresAtMs, now))) {
      deps.logger.info('webhook replay acknowledged, nothing started', { event: eventName });
      return json(202, { accepted: true, duplicate: true, synced: [] });
    }
    if (intent.kind === 'unknown') deps.logger.warn('unknown webhook event acknowledged', { event: eventName });
    if (intent.kind !== 'revenue' || !intent.creatorUuid) return json(202, { accepted: true, synced: [] });
    try {
      const modelIds = await modelsOfCreator(deps.doc, deps.tables.control, intent.creatorUuid);
      await Promise.all(modelIds.map((modelId) => deps.trigger.syncModel(modelId, 'webhook')));
      deps.logger.info('webhook started syncs', { event: eventName, models: modelIds.length });
      return json(202, { accepted: true, synced: modelIds });
    } catch (err) {
      // Fanvue retries a failed delivery: it must not be taken for a replay then.
      await deliveries.forget(delivery.id).catch(() => undefined);
      throw err;
    }
  };
}
