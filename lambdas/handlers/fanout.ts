import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { dynamoModelStore } from '../adapters/dynamo/model-store';
import { lambdaSyncInvoker } from '../adapters/invoke';
import { powertoolsMetrics } from '../adapters/metrics';
import { DEFAULT_FANOUT_CONCURRENCY, DEFAULT_SYNC_INTERVAL_MS, liveWithinMs } from '../shared/defaults';
import { parseEnv } from '../shared/env';
import { logger } from '../shared/logger';
import * as z from '../shared/zod';
import { makeFanoutHandler } from './fanout-handler';
import { lambdaEntry } from './lambda-entry';

const env = parseEnv(
  z.object({
    CONTROL_TABLE: z.string().check(z.minLength(1)),
    SYNC_FUNCTION_NAME: z.string().check(z.minLength(1)),
    /** Async invokes in flight at once. @default 10 */
    FANOUT_CONCURRENCY: z._default(
      z.coerce.number().check(z.int(), z.minimum(1), z.maximum(100)),
      DEFAULT_FANOUT_CONCURRENCY,
    ),
    /** A model not synced successfully for this long counts as stale (StaleModels metric). @default liveWithinMs(10 min) = 1320000 */
    STALE_AFTER_MS: z._default(z.coerce.number().check(z.int(), z.positive()), liveWithinMs(DEFAULT_SYNC_INTERVAL_MS)),
  }),
);

const models = dynamoModelStore(DynamoDBDocumentClient.from(new DynamoDBClient({})), env.CONTROL_TABLE);

const metrics = powertoolsMetrics();
const run = makeFanoutHandler({
  listModels: () => models.listAll(),
  invoker: lambdaSyncInvoker(new LambdaClient({}), env.SYNC_FUNCTION_NAME),
  logger,
  concurrency: env.FANOUT_CONCURRENCY,
  staleAfterMs: env.STALE_AFTER_MS,
  metrics,
});

/** Lambda entry: EventBridge schedule (or manual invoke) -> one async sync invoke per model. */
export const handler = lambdaEntry((event: unknown) => run(event), metrics);
