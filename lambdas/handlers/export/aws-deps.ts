import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { jwtVerifier } from '../../adapters/auth/jwt-verifier';
import { lazyVerifier, poolClientId } from '../../adapters/auth/pool-client';
import { systemClock } from '../../domain/ports';
import { parseEnv } from '../../shared/env';
import { logger } from '../../shared/logger';
import * as z from '../../shared/zod';
import type { ExportDeps } from './export-handler';

/** Environment of the export Lambda, validated once per cold start. */
export const ExportEnvSchema = z.object({
  CONTROL_TABLE: z.string().check(z.minLength(1)),
  TOTALS_TABLE: z.string().check(z.minLength(1)),
  TRANSACTIONS_TABLE: z.string().check(z.minLength(1)),
  /** `iss` of members' ID tokens (the Cognito user pool's issuer URL). */
  AUTH_ISSUER: z.string().check(z.url()),
  /** The user pool of the members. */
  USER_POOL_ID: z.string().check(z.minLength(1)),
  /**
   * Name of the dashboard's app client: its id (the tokens' audience) is looked up once per cold start.
   * The id cannot be set at deploy: the client's callback URL names the distribution, whose origin is
   * this function's URL, so an id in this environment would be a dependency cycle.
   */
  AUTH_CLIENT_NAME: z.string().check(z.minLength(1)),
});

/** The export function's dependencies built from the real AWS clients and `env`. */
export function awsExportDeps(env: Record<string, string | undefined> = process.env): ExportDeps {
  const e = parseEnv(ExportEnvSchema, env);
  const cognito = new CognitoIdentityProviderClient({});
  return {
    doc: DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } }),
    tables: { control: e.CONTROL_TABLE, totals: e.TOTALS_TABLE, transactions: e.TRANSACTIONS_TABLE },
    clock: systemClock,
    logger,
    auth: {
      verifier: lazyVerifier(async () =>
        jwtVerifier({
          issuer: e.AUTH_ISSUER,
          audience: [await poolClientId(cognito, e.USER_POOL_ID, e.AUTH_CLIENT_NAME)],
        }),
      ),
    },
  };
}
