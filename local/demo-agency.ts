import { randomBytes } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createApiKey, putAgency } from '../lambdas/adapters/dynamo/agencies';
import { dynamoModelStore } from '../lambdas/adapters/dynamo/model-store';
import { localSecretStore } from '../lambdas/adapters/secrets';
import type { VersionedSecretStore } from '../lambdas/domain/ports';
import type { FanvueSimulator } from './fanvue-simulator';

/** The demo agency's id in the local stack. */
export const DEMO_AGENCY_ID = 'demo-agency';

/** Secret ids of the local stack (the same names the sync and API read through the environment). */
export const LOCAL_SECRET_IDS = {
  fanvueClient: 'fanvue/client',
  connectionPrefix: 'fanvue/connection/',
  cron: 'heartbeat/cron',
  webhook: 'fanvue/webhook',
  origin: 'heartbeat/origin',
} as const;

/** The local secret store with fresh random secrets and the simulator's OAuth client. */
export function localStackSecrets(sim: FanvueSimulator): {
  secrets: VersionedSecretStore;
  cronSecret: string;
  webhookSecret: string;
  originSecret: string;
} {
  const cronSecret = randomBytes(24).toString('base64url');
  const webhookSecret = randomBytes(24).toString('base64url');
  // What CloudFront sends the API in AWS; the local server adds it the same way.
  const originSecret = randomBytes(24).toString('base64url');
  const secrets = localSecretStore({
    initial: {
      [LOCAL_SECRET_IDS.fanvueClient]: JSON.stringify({ clientId: sim.clientId, clientSecret: sim.clientSecret }),
      [LOCAL_SECRET_IDS.cron]: cronSecret,
      [LOCAL_SECRET_IDS.webhook]: webhookSecret,
      [LOCAL_SECRET_IDS.origin]: originSecret,
    },
  });
  return { secrets, cronSecret, webhookSecret, originSecret };
}

/**
 * Creates the demo agency ("Northstar Talent") with a read-only access key and, unless
 * `demoModels` is false, registers every simulator creator as one of its models, each
 * with its own connection (`model-01`, ...) whose refresh token goes to the secret store.
 */
export async function seedDemoAgency(parts: {
  doc: DynamoDBDocumentClient;
  controlTable: string;
  sim: FanvueSimulator;
  secrets: VersionedSecretStore;
  timeZone?: string | undefined;
  demoModels?: boolean | undefined;
}): Promise<{ apiKey: string; creatorOf: Record<string, string> }> {
  const { doc, controlTable, sim, secrets } = parts;
  await putAgency(doc, controlTable, {
    agencyId: DEMO_AGENCY_ID,
    name: 'Northstar Talent',
    ...(parts.timeZone && { timeZone: parts.timeZone }),
  });
  const apiKey = await createApiKey(doc, controlTable, DEMO_AGENCY_ID);
  const models = dynamoModelStore(doc, controlTable);
  const creatorOf: Record<string, string> = {};
  for (const [i, creator] of parts.demoModels === false ? [] : sim.creators.entries()) {
    const modelId = `model-${String(i + 1).padStart(2, '0')}`;
    const conn = sim.createConnection({ creatorUuids: [creator.uuid] });
    await secrets.put(
      `${LOCAL_SECRET_IDS.connectionPrefix}${modelId}`,
      JSON.stringify({ refreshToken: conn.refreshToken }),
    );
    await models.register({
      modelId,
      agencyId: DEMO_AGENCY_ID,
      displayName: creator.displayName,
      creatorUuid: creator.uuid,
      connectionId: modelId,
    });
    creatorOf[modelId] = creator.uuid;
  }
  return { apiKey, creatorOf };
}
