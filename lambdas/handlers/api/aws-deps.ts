import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { cognitoDirectory } from '../../adapters/auth/cognito-directory';
import { jwtVerifier } from '../../adapters/auth/jwt-verifier';
import { lambdaSyncInvoker } from '../../adapters/invoke';
import { awsSecretStore } from '../../adapters/secrets';
import { type CountMetrics, type SyncTrigger, systemClock } from '../../domain/ports';
import { DEFAULT_SYNC_INTERVAL_MS, liveWithinMs } from '../../shared/defaults';
import { parseEnv } from '../../shared/env';
import { logger } from '../../shared/logger';
import * as z from '../../shared/zod';
import { fanvueConnectDeps } from './connect-deps';
import type { ApiDeps } from './routes';

/** Environment of the API Lambda, validated once per cold start. */
export const ApiEnvSchema = z.object({
  CONTROL_TABLE: z.string().check(z.minLength(1)),
  TOTALS_TABLE: z.string().check(z.minLength(1)),
  TRANSACTIONS_TABLE: z.string().check(z.minLength(1)),
  /** Secrets Manager id of the manual-trigger secret (`x-cron-secret`). */
  CRON_SECRET_ID: z.string().check(z.minLength(1)),
  /** Secrets Manager id of the value CloudFront sends in its origin header; requests without it are refused. */
  ORIGIN_SECRET_ID: z.string().check(z.minLength(1)),
  /** Secrets Manager id of the Fanvue app's webhook signing secret; unset turns the webhook route off. */
  WEBHOOK_SECRET_ID: z.optional(z.string().check(z.minLength(1))),
  SYNC_FUNCTION_NAME: z.string().check(z.minLength(1)),
  FANOUT_FUNCTION_NAME: z.string().check(z.minLength(1)),
  /** @default 600000 (the schedule's 10 minutes) */
  SYNC_INTERVAL_MS: z._default(z.coerce.number().check(z.int(), z.positive()), DEFAULT_SYNC_INTERVAL_MS),
  /** @default liveWithinMs(SYNC_INTERVAL_MS): 2 x SYNC_INTERVAL_MS + 2 minutes */
  LIVE_WITHIN_MS: z.optional(z.coerce.number().check(z.int(), z.positive())),
  /** `iss` of members' ID tokens (the Cognito user pool's issuer URL). */
  AUTH_ISSUER: z.string().check(z.url()),
  /** The dashboard's app client id: the tokens' audience. */
  AUTH_CLIENT_ID: z.string().check(z.minLength(1)),
  /** The user pool where owners' invitations create accounts. */
  USER_POOL_ID: z.string().check(z.minLength(1)),
  /** The dashboard's page Fanvue redirects to after consent (a redirect URI of the Fanvue app). */
  FANVUE_REDIRECT_URI: z.string().check(z.url()),
});

/**
 * Starts syncs with asynchronous Lambda invokes (fire and forget): the sync
 * Lambda for one model, the fan-out Lambda (manual `{ reason }` event) for all.
 */
export function lambdaSyncTrigger(client: LambdaClient, functions: { sync: string; fanout: string }): SyncTrigger {
  const sync = lambdaSyncInvoker(client, functions.sync);
  return {
    syncModel: (modelId, reason) => sync.invokeSync({ modelId, reason }),
    async syncAll(reason) {
      const payload = new TextEncoder().encode(JSON.stringify({ reason }));
      const out = await client.send(
        new InvokeCommand({ FunctionName: functions.fanout, InvocationType: 'Event', Payload: payload }),
      );
      if (out.StatusCode !== 202) throw new Error(`async invoke of ${functions.fanout} returned ${out.StatusCode}`);
    },
  };
}

/** The API's dependencies built from the real AWS clients and `env`. */
export function awsApiDeps(env: Record<string, string | undefined> = process.env, metrics?: CountMetrics): ApiDeps {
  const e = parseEnv(ApiEnvSchema, env);
  const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } });
  const secrets = awsSecretStore(new SecretsManagerClient({}));
  return {
    doc,
    tables: { control: e.CONTROL_TABLE, totals: e.TOTALS_TABLE, transactions: e.TRANSACTIONS_TABLE },
    clock: systemClock,
    logger,
    config: {
      syncIntervalMs: e.SYNC_INTERVAL_MS,
      liveWithinMs: e.LIVE_WITHIN_MS ?? liveWithinMs(e.SYNC_INTERVAL_MS),
      cronSecretId: e.CRON_SECRET_ID,
      originSecretId: e.ORIGIN_SECRET_ID,
      ...(e.WEBHOOK_SECRET_ID && { webhookSecretId: e.WEBHOOK_SECRET_ID }),
    },
    secrets,
    trigger: lambdaSyncTrigger(new LambdaClient({}), { sync: e.SYNC_FUNCTION_NAME, fanout: e.FANOUT_FUNCTION_NAME }),
    fanvue: fanvueConnectDeps(env, {
      doc,
      controlTable: e.CONTROL_TABLE,
      secrets,
      logger,
      redirectUri: e.FANVUE_REDIRECT_URI,
    }),
    auth: {
      verifier: jwtVerifier({ issuer: e.AUTH_ISSUER, audience: [e.AUTH_CLIENT_ID] }),
      directory: cognitoDirectory(new CognitoIdentityProviderClient({}), e.USER_POOL_ID),
    },
    ...(metrics && { metrics }),
  };
}
