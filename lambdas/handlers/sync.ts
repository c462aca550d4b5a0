import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { powertoolsMetrics } from '../adapters/metrics';
import { awsSecretStore } from '../adapters/secrets';
import type { SyncOutcome } from '../domain/sync';
import { logger } from '../shared/logger';
import { buildSyncDeps } from './sync-deps';
import { makeSyncHandler, type SyncContext } from './sync-handler';
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

/** Lambda entry: `{ "modelId": "..." }` -> one incremental sync of that model. */
export async function handler(event: unknown, context: SyncContext): Promise<SyncOutcome> {
  try {
    const outcome = await run(event, context);
    recordSyncOutcome(metrics, outcome);
    return outcome;
  } finally {
    metrics.flush();
  }
}
