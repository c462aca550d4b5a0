import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { activatePendingZone, dynamoZoneLookup } from '../adapters/dynamo/agencies';
import { dynamoModelStore } from '../adapters/dynamo/model-store';
import { TotalsReader } from '../adapters/dynamo/totals-reader';
import { TotalsStore } from '../adapters/dynamo/totals-store';
import { lambdaEventInvoker } from '../adapters/invoke';
import { powertoolsMetrics } from '../adapters/metrics';
import { systemClock } from '../domain/ports';
import { DEFAULT_RECONCILE_SETTLE_MS } from '../shared/defaults';
import { parseEnv, TablesEnv } from '../shared/env';
import { logger } from '../shared/logger';
import * as z from '../shared/zod';
import { lambdaEntry } from './lambda-entry';
import { makeReconcileHandler } from './reconcile-handler';

const env = parseEnv(
  z.extend(TablesEnv, {
    /** Second look before repairing, so in-flight stream records are not repaired twice. @default 10000 */
    RECONCILE_SETTLE_MS: z._default(
      z.coerce.number().check(z.int(), z.minimum(0), z.maximum(300_000)),
      DEFAULT_RECONCILE_SETTLE_MS,
    ),
    /** `true`: the scheduled run invokes this function once per model and once per agency (set by the stack). */
    RECONCILE_FAN_OUT: z._default(z.enum(['true', 'false']), 'false'),
    /** Set by the Lambda runtime: the function invokes itself for the split run. */
    AWS_LAMBDA_FUNCTION_NAME: z.optional(z.string()),
  }),
);
const self =
  env.RECONCILE_FAN_OUT === 'true' && env.AWS_LAMBDA_FUNCTION_NAME
    ? lambdaEventInvoker(new LambdaClient({}), env.AWS_LAMBDA_FUNCTION_NAME)
    : undefined;

const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const models = dynamoModelStore(doc, env.CONTROL_TABLE);

const metrics = powertoolsMetrics();
const run = makeReconcileHandler({
  listModels: () => models.listAll(),
  reader: new TotalsReader(doc, { transactions: env.TRANSACTIONS_TABLE, totals: env.TOTALS_TABLE }),
  store: new TotalsStore(doc, env.TOTALS_TABLE, systemClock),
  zones: dynamoZoneLookup(doc, env.CONTROL_TABLE),
  activateZone: (agencyId, zone) => activatePendingZone(doc, env.CONTROL_TABLE, agencyId, zone),
  logger,
  metrics,
  settleMs: env.RECONCILE_SETTLE_MS,
  ...(self && { invoke: self }),
});

/**
 * Lambda entry: the scheduled run fans out (one invocation per model and per agency) when
 * RECONCILE_FAN_OUT is on, else reconciles everything in one; `{ modelId, repair }` or one
 * pass (`{ scope: 'model', modelId }`, `{ scope: 'agency', agencyId }`) on demand.
 */
export const handler = lambdaEntry((event: unknown) => run(event), metrics);
