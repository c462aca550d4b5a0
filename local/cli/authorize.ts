import { parseArgs } from 'node:util';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { z } from 'zod';
import { FanvueEnv } from '../../lambdas/adapters/fanvue/config';
import { ClientCredentialsSchema } from '../../lambdas/adapters/fanvue/schema';
import { awsSecretStore, localSecretStore } from '../../lambdas/adapters/secrets';
import { parseEnv } from '../../lambdas/shared/env';
import { runAuthorizeFlow } from '../authorize-flow';
import { quietSdkNodeNotice } from '../sdk-notice';

quietSdkNodeNotice();

const USAGE = `npm run authorize -- --connection <connectionId> [--port 8976]

Connects a Fanvue account (the agency's, to read all its creators): prints the
Fanvue consent link, waits for the redirect to http://127.0.0.1:<port>/callback
(register that redirect URI in your Fanvue app), exchanges the code with PKCE and
stores the tokens as FANVUE_CONNECTION_SECRET_PREFIX + connectionId. Then run
npm run connect -- --agency <id> --connection <connectionId> --name "..." --new-key.
Environment: FANVUE_AUTH_BASE_URL, FANVUE_CLIENT_SECRET_ID, FANVUE_CONNECTION_SECRET_PREFIX,
and AWS credentials (or LOCAL_SECRETS_FILE).`;

const { values } = parseArgs({
  options: { connection: { type: 'string' }, port: { type: 'string', default: '8976' } },
});
const args = z
  .object({ connection: z.string().regex(/^[A-Za-z0-9_./-]{1,128}$/), port: z.coerce.number().int().min(1).max(65535) })
  .safeParse(values);
if (!args.success) {
  console.error(`${z.prettifyError(args.error)}\n\n${USAGE}`);
  process.exit(2);
}
const env = parseEnv(FanvueEnv);
const secrets = process.env.LOCAL_SECRETS_FILE
  ? localSecretStore({ file: process.env.LOCAL_SECRETS_FILE })
  : awsSecretStore(new SecretsManagerClient({}));
const creds = ClientCredentialsSchema.parse(JSON.parse(await secrets.get(env.FANVUE_CLIENT_SECRET_ID)));
await runAuthorizeFlow({
  authBaseUrl: env.FANVUE_AUTH_BASE_URL,
  creds,
  secrets,
  secretId: `${env.FANVUE_CONNECTION_SECRET_PREFIX}${args.data.connection}`,
  port: args.data.port,
  open: (url) =>
    console.log(
      `Open this link, sign in to Fanvue as the agency and approve:\n\n  ${url}\n\nWaiting for the redirect…`,
    ),
});
console.log(`Connected: tokens stored for connection ${args.data.connection}.`);
