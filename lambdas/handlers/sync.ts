import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { powertoolsMetrics } from '../adapters/metrics';
import { awsSecretStore } from '../adapters/secrets';
import type { SyncOutcome } from '../domain/sync';
import { logger } from '../shared/logger';
import { lambdaEntry } from './lambda-entry';
import { buildSyncDeps } from './sync-deps';
import { makeSyncHandler, SyncEventSchema } from './sync-handler';
import { recordSyncOutcome } from './sync-metrics';

const clientSecretId = process.env.FANVUE_CLIENT_SECRET_ID;
const metrics = powertoolsMetrics();

const run = makeSyncHandler(
  buildSyncDeps(process.env, {
    doc: DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } }),
    // Client credentials may be cached briefly; rotating token secrets are always re-read.
    secrets: awsSecretStore(new SecretsManagerClient({}), { isCacheable: (id) => id === clientSecretId }),
    logger,
  }),
);

/** Lambda entry: `{ "modelId": "..." }` -> one incremental sync of that model; every log line carries `modelId`. */
export const handler = lambdaEntry(
  async (event: unknown, context): Promise<SyncOutcome> => {
    const outcome = await run(event, context);
    recordSyncOutcome(metrics, outcome);
    return outcome;
  },
  metrics,
  (event) => {
    const parsed = SyncEventSchema.safeParse(event);
    return parsed.success ? { modelId: parsed.data.modelId } : undefined;
  },
);
