import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { logger } from '../shared/logger';

/**
 * Wraps a handler as a Lambda entry: middy with Powertools' logger context (request id, function
 * name, cold start on every line; keys appended during an invocation are reset after it) and
 * `logMetrics` (the EMF metrics flushed after every invocation, also when it throws). `keys`
 * picks per-invocation log keys from the raw event (the sync's `modelId`). The handler itself
 * stays a plain function built by its `make<Name>Handler`.
 */
export function lambdaEntry<TEvent, TResult>(
  run: (event: TEvent, context: Context) => Promise<TResult>,
  metrics: { readonly powertools: Metrics },
  keys?: (event: TEvent) => Record<string, string> | undefined,
) {
  return middy(run)
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics.powertools))
    .use({
      before: (request) => {
        const k = keys?.(request.event);
        if (k) logger.appendKeys(k);
      },
    });
}

/**
 * Wraps a response-streaming handler as a Lambda entry (function URL with InvokeMode
 * RESPONSE_STREAM): middy's `streamifyResponse` (Lambda's `awslambda.streamifyResponse`) pipes the
 * `body` stream the handler returns into the response after sending its status and headers, with
 * Powertools' logger context as in {@link lambdaEntry}. No metrics middleware: it would flush
 * before the body is streamed.
 */
export function streamingEntry<TEvent, TResult>(run: (event: TEvent, context: Context) => Promise<TResult>) {
  return middy(run, { streamifyResponse: true }).use(injectLambdaContext(logger, { resetKeys: true }));
}
