import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { dynamoRefreshLock } from '../../adapters/dynamo/refresh-lock';
import { FanvueEnv, fanvueClientFromEnv } from '../../adapters/fanvue/config';
import { ClientCredentialsSchema } from '../../adapters/fanvue/schema';
import type { SecretStore } from '../../domain/ports';
import { parseEnv } from '../../shared/env';
import type { AppLogger } from '../../shared/logger';
import type { FanvueConnectDeps } from './connect';

/**
 * The connect flow's Fanvue side from the same environment the sync reads
 * (`FANVUE_*`), in AWS and locally: the real client (token refreshes
 * serialized by the control table's lock) and the OAuth client credentials
 * from the secret store, read per use.
 */
export function fanvueConnectDeps(
  env: Record<string, string | undefined>,
  deps: {
    doc: DynamoDBDocumentClient;
    controlTable: string;
    secrets: SecretStore;
    logger: AppLogger;
    redirectUri: string;
  },
): FanvueConnectDeps {
  const cfg = parseEnv(FanvueEnv, env);
  return {
    client: fanvueClientFromEnv(env, {
      secrets: deps.secrets,
      lock: dynamoRefreshLock({ doc: deps.doc, tableName: deps.controlTable }),
      logger: deps.logger,
    }),
    authBaseUrl: cfg.FANVUE_AUTH_BASE_URL,
    clientCredentials: async () =>
      ClientCredentialsSchema.parse(JSON.parse(await deps.secrets.get(cfg.FANVUE_CLIENT_SECRET_ID))),
    connectionSecretId: (connectionId) => `${cfg.FANVUE_CONNECTION_SECRET_PREFIX}${connectionId}`,
    redirectUri: deps.redirectUri,
  };
}
