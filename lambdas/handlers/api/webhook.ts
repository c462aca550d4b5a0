import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { modelsOfCreator } from '../../adapters/dynamo/model-store';
import { verifyWebhookSignature, WebhookBodySchema, webhookIntent } from '../../domain/webhook';
import { HttpError } from '../../shared/errors';
import * as z from '../../shared/zod';
import { type ApiResult, bodyText, header, json } from './http';
import type { ApiDeps } from './routes';

/**
 * POST /api/webhooks/fanvue: a signed hint that a creator earned something.
 * Never the source of truth: a verified revenue event starts that model's sync
 * (the lease makes a burst of them safe); anything else is acknowledged with
 * a 2xx so Fanvue does not retry it, and unknown event names are logged.
 */
export function webhookRoute(deps: ApiDeps): (event: APIGatewayProxyEventV2) => Promise<ApiResult> {
  let secret: Promise<string> | undefined;
  return async (event) => {
    const secretId = deps.config.webhookSecretId;
    if (!secretId) throw new HttpError(404, 'webhooks are not configured');
    secret ??= deps.secrets.get(secretId);
    // A failed read is not cached: the next delivery tries again.
    const signingSecret = await secret.catch((err: unknown) => {
      secret = undefined;
      throw err;
    });
    const rawBody = bodyText(event);
    const check = verifyWebhookSignature({
      header: header(event, 'x-fanvue-signature'),
      rawBody,
      secret: signingSecret,
      nowMs: deps.clock.now(),
    });
    if (!check.ok) {
      deps.logger.warn('webhook rejected', { reason: check.reason });
      deps.metrics?.count('WebhookSignatureRejected', 1);
      throw new HttpError(401, check.reason);
    }
    let parsedJson: unknown;
    try {
      parsedJson = JSON.parse(rawBody);
    } catch {
      throw new HttpError(400, 'body must be JSON');
    }
    const body = WebhookBodySchema.safeParse(parsedJson);
    if (!body.success) throw new HttpError(400, `unexpected webhook body:\n${z.prettifyError(body.error)}`);
    const intent = webhookIntent(body.data, header(event, 'x-fanvue-event'));
    if (intent.kind === 'unknown') deps.logger.warn('unknown webhook event acknowledged', { event: intent.event });
    if (intent.kind !== 'revenue' || !intent.creatorUuid) return json(202, { accepted: true, synced: [] });
    const modelIds = await modelsOfCreator(deps.doc, deps.tables.control, intent.creatorUuid);
    await Promise.all(modelIds.map((modelId) => deps.trigger.syncModel(modelId, 'webhook')));
    deps.logger.info('webhook started syncs', { event: intent.event, models: modelIds.length });
    return json(202, { accepted: true, synced: modelIds });
  };
}
