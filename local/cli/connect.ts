import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { createApiKey, getAgency, putAgency, setAgencyTimeZone } from '../../lambdas/adapters/dynamo/agencies';
import { dynamoModelStore } from '../../lambdas/adapters/dynamo/model-store';
import { dynamoRefreshLock } from '../../lambdas/adapters/dynamo/refresh-lock';
import { fanvueClientFromEnv } from '../../lambdas/adapters/fanvue/config';
import { awsSecretStore, localSecretStore } from '../../lambdas/adapters/secrets';
import { connectAgency } from '../../lambdas/domain/connect';
import { isTimeZone } from '../../lambdas/domain/period';
import { parseEnv, TablesEnv } from '../../lambdas/shared/env';
import { pick } from '../../lambdas/shared/zod';
import { consoleLogger } from '../console-logger';
import { quietSdkNodeNotice } from '../sdk-notice';

quietSdkNodeNotice();

const USAGE = `npm run connect -- --agency <agencyId> --connection <connectionId> [--name "Agency name"] [--new-key] [--move]
                    [--time-zone Europe/Berlin]

Registers every creator the agency connection manages (Fanvue GET /creators, read with the
connection's tokens: secret FANVUE_CONNECTION_SECRET_PREFIX + connectionId) as a model of
that agency. --name creates or renames the agency record; --new-key prints a new dashboard
access key for it (shown once; only its hash is stored). A creator that is already a model
of another agency is refused (exit code 3) unless --move is given, which moves it here.
--time-zone sets the IANA zone the dashboard counts days in (default UTC): at once for a new
agency, otherwise once the next reconciliation has rebuilt the daily totals in that zone.
Environment: CONTROL_TABLE, FANVUE_* (as the sync), AWS credentials or
AWS_ENDPOINT_URL_DYNAMODB, and LOCAL_SECRETS_FILE to use a local secret file.`;

const { values } = parseArgs({
  options: {
    agency: { type: 'string' },
    connection: { type: 'string' },
    name: { type: 'string' },
    'new-key': { type: 'boolean', default: false },
    move: { type: 'boolean', default: false },
    'time-zone': { type: 'string' },
  },
});
const args = z
  .object({
    agency: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
    connection: z.string().regex(/^[A-Za-z0-9_./-]{1,128}$/),
    name: z.string().min(1).max(120).optional(),
    'time-zone': z.string().refine(isTimeZone, 'unknown time zone').optional(),
  })
  .safeParse(values);
if (!args.success) {
  console.error(`${z.prettifyError(args.error)}\n\n${USAGE}`);
  process.exit(2);
}
const { CONTROL_TABLE } = parseEnv(pick(TablesEnv, { CONTROL_TABLE: true }));
const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } });
const secrets = process.env.LOCAL_SECRETS_FILE
  ? localSecretStore({ file: process.env.LOCAL_SECRETS_FILE })
  : awsSecretStore(new SecretsManagerClient({}));
const logger = consoleLogger(false);
const client = fanvueClientFromEnv(process.env, {
  secrets,
  lock: dynamoRefreshLock({ doc, tableName: CONTROL_TABLE }),
  logger,
});

const { agency, connection, name } = args.data;
const existing = await getAgency(doc, CONTROL_TABLE, agency);
if (name) await putAgency(doc, CONTROL_TABLE, { ...existing, agencyId: agency, name });
else if (!existing) {
  console.error(`agency ${agency} does not exist yet: pass --name to create it`);
  process.exit(2);
}
const result = await connectAgency(
  client.listCreators(connection),
  dynamoModelStore(doc, CONTROL_TABLE),
  { agencyId: agency, connectionId: connection },
  { move: values.move },
);
const timeZone = args.data['time-zone'];
// A new agency has no totals to rebuild: its zone applies at once.
if (timeZone) await setAgencyTimeZone(doc, CONTROL_TABLE, agency, timeZone, !existing);
const key = values['new-key'] ? await createApiKey(doc, CONTROL_TABLE, agency) : undefined;
console.log(JSON.stringify({ ...result, ...(key && { dashboardKey: key }) }, null, 2));
for (const m of result.models.filter((x) => x.movedFrom))
  console.error(
    `moved ${m.modelId} from agency ${m.movedFrom}: run the reconcile function once for all models to move its totals`,
  );
if (result.refused.length > 0) {
  for (const m of result.refused)
    console.error(`refused ${m.modelId} (${m.displayName}): it is a model of agency ${m.ownerAgencyId}`);
  console.error('nothing was changed for those; run again with --move to move them to this agency');
  process.exitCode = 3;
}
