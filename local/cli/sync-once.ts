import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { pick } from 'zod/mini';
import { dynamoModelStore } from '../../lambdas/adapters/dynamo/model-store';
import { awsSecretStore, localSecretStore } from '../../lambdas/adapters/secrets';
import { buildSyncDeps } from '../../lambdas/handlers/sync-deps';
import { makeSyncHandler } from '../../lambdas/handlers/sync-handler';
import { parseEnv, TablesEnv } from '../../lambdas/shared/env';
import { consoleLogger } from '../console-logger';
import { quietSdkNodeNotice } from '../sdk-notice';

quietSdkNodeNotice();

const USAGE = `npm run sync:once -- <modelId>

Runs the sync handler for one model in this process, against whatever the
environment names (the same variables as the sync Lambda):
  TRANSACTIONS_TABLE, CONTROL_TABLE             tables
  AWS_ENDPOINT_URL_DYNAMODB                     e.g. http://127.0.0.1:8000 for DynamoDB Local (else AWS)
  FANVUE_API_BASE_URL, FANVUE_AUTH_BASE_URL     Fanvue, the simulator, or any server speaking the contract
  FANVUE_CLIENT_SECRET_ID, FANVUE_CONNECTION_SECRET_PREFIX
  LOCAL_SECRETS_FILE                            a JSON file { id: value } instead of Secrets Manager
  SYNC_BUDGET_MS, SYNC_LOOKBACK_MINUTES, ...    optional tunables (see README)
Prints pages, rows written, the new cursor and the model's status.
Against a running \`npm start\`, use \`npm run invoke -- sync <modelId>\` instead: it shares that
stack's token store (refresh tokens are single-use, two stores would revoke each other).`;

const modelId = process.argv[2];
if (!modelId || modelId.startsWith('-')) {
  console.error(USAGE);
  process.exit(2);
}
const logger = consoleLogger(true);
const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } });
const secrets = process.env.LOCAL_SECRETS_FILE
  ? localSecretStore({ file: process.env.LOCAL_SECRETS_FILE })
  : awsSecretStore(new SecretsManagerClient({}));
const deps = buildSyncDeps(process.env, { doc, secrets, logger });
const outcome = await makeSyncHandler(deps)({ modelId, reason: 'manual' });
const model = await dynamoModelStore(
  doc,
  parseEnv(pick(TablesEnv, { CONTROL_TABLE: true }), process.env).CONTROL_TABLE,
).get(modelId);
const status = model && {
  status: model.status,
  cursor: model.cursor,
  behind: model.behind,
  lastSuccessAt: model.lastSuccessAt,
  lastError: model.lastError,
  consecutiveFailures: model.consecutiveFailures,
  rowsWritten: model.rowsWritten,
};
console.log(JSON.stringify({ outcome, model: status }, null, 2));
process.exit(outcome.status === 'error' ? 1 : 0);
