import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { awsSecretStore } from '../adapters/secrets';
import { logger } from '../shared/logger';
import { buildSyncDeps } from './sync-deps';
import { makeSyncHandler } from './sync-handler';

const clientSecretId = process.env.FANVUE_CLIENT_SECRET_ID;

/** Lambda entry: `{ "modelId": "..." }` -> one incremental sync of that model. */
export const handler = makeSyncHandler(
  buildSyncDeps(process.env, {
    doc: DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } }),
    // Client credentials may be cached briefly; rotating token secrets are always re-read.
    secrets: awsSecretStore(new SecretsManagerClient({}), { isCacheable: (id) => id === clientSecretId }),
    logger,
  }),
);
