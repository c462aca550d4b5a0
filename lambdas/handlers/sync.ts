import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { powertoolsMetrics } from '../adapters/metrics';
import { awsSecretStore } from '../adapters/secrets';
import type { AuditOutcome } from '../domain/audit';
import type { SyncOutcome } from '../domain/sync';
import { logger } from '../shared/logger';
import { isAuditEvent, makeAuditHandler } from './audit-handler';
import { lambdaEntry } from './lambda-entry';
import { buildAuditDeps, buildSyncDeps } from './sync-deps';
import { makeSyncHandler, SyncEventSchema } from './sync-handler';
import { recordAuditOutcome, recordSyncOutcome } from './sync-metrics';

const clientSecretId = process.env.FANVUE_CLIENT_SECRET_ID;
const metrics = powertoolsMetrics();

const runtime = {
  doc: DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } }),
  // Client credentials may be cached briefly; rotating token secrets are always re-read.
  secrets: awsSecretStore(new SecretsManagerClient({}), { isCacheable: (id) => id === clientSecretId }),
  logger,
};
const syncDeps = buildSyncDeps(process.env, runtime);
const run = makeSyncHandler(syncDeps);
const audit = makeAuditHandler(buildAuditDeps(process.env, runtime, syncDeps));

/**
 * Lambda entry: `{ "modelId": "..." }` -> one incremental sync of that model;
 * `{ "modelId": "...", "audit": true }` -> that model's source audit (same lease, same Fanvue client).
 * Every log line carries `modelId`.
 */
export const handler = lambdaEntry(
  async (event: unknown, context): Promise<SyncOutcome | AuditOutcome> => {
    if (isAuditEvent(event)) {
      const outcome = await audit(event, context);
      recordAuditOutcome(metrics, outcome);
      return outcome;
    }
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
