import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { jwtVerifier } from '../../adapters/auth/jwt-verifier';
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
  /** The dashboard's app client id: the tokens' audience. */
  AUTH_CLIENT_ID: z.string().check(z.minLength(1)),
});

/** The export function's dependencies built from the real AWS clients and `env`. */
export function awsExportDeps(env: Record<string, string | undefined> = process.env): ExportDeps {
  const e = parseEnv(ExportEnvSchema, env);
  return {
    doc: DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } }),
    tables: { control: e.CONTROL_TABLE, totals: e.TOTALS_TABLE, transactions: e.TRANSACTIONS_TABLE },
    clock: systemClock,
    logger,
    auth: { verifier: jwtVerifier({ issuer: e.AUTH_ISSUER, audience: [e.AUTH_CLIENT_ID] }) },
  };
}
