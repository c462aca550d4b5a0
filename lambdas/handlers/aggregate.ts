import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { dynamoZoneLookup } from '../adapters/dynamo/agencies';
import { dynamoColumnLookup } from '../adapters/dynamo/model-columns';
import { TotalsStore } from '../adapters/dynamo/totals-store';
import { powertoolsMetrics } from '../adapters/metrics';
import { systemClock } from '../domain/ports';
import { parseEnv } from '../shared/env';
import { logger } from '../shared/logger';
import * as z from '../shared/zod';
import { makeAggregateHandler } from './aggregate-handler';
import { lambdaEntry } from './lambda-entry';

const env = parseEnv(
  z.object({ TOTALS_TABLE: z.string().check(z.minLength(1)), CONTROL_TABLE: z.string().check(z.minLength(1)) }),
);

const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}));

const metrics = powertoolsMetrics();
const run = makeAggregateHandler({
  store: new TotalsStore(doc, env.TOTALS_TABLE, systemClock),
  zones: dynamoZoneLookup(doc, env.CONTROL_TABLE),
  columns: dynamoColumnLookup(doc, env.CONTROL_TABLE),
  logger,
  metrics,
});

/** Lambda entry: DynamoDB Stream of the transactions table (ReportBatchItemFailures) -> exactly-once totals. */
export const handler = lambdaEntry(run, metrics);
