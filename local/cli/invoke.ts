import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { z } from 'zod';
import { quietSdkNodeNotice } from '../sdk-notice';

quietSdkNodeNotice();

const USAGE = `npm run invoke -- sync <modelId>     run one model's sync and print what it did
npm run invoke -- fanout             run the fan-out (one sync per connected model)
  --audit                            the source audit instead of the sync (one model, or every model)

Talks to the Lambda Invoke API of the running local stack (npm start), or of
AWS when LAMBDA_ENDPOINT is unset and SYNC_FUNCTION_NAME (for sync) or
FANOUT_FUNCTION_NAME (for fanout) names a deployed function (the stack outputs
SyncFunctionName / FanoutFunctionName); credentials and region come from the
usual AWS variables (AWS_PROFILE, AWS_REGION). Waits for the run to finish.`;

const args = process.argv.slice(2);
const audit = args.includes('--audit');
const [command, modelId] = args.filter((a) => a !== '--audit');
if (command !== 'sync' && command !== 'fanout') {
  console.error(USAGE);
  process.exit(2);
}
if (command === 'sync' && !modelId) {
  console.error(`missing <modelId>\n\n${USAGE}`);
  process.exit(2);
}

const stackFile = resolve(import.meta.dirname, '..', '..', '.cache', 'local-stack.json');
const local = existsSync(stackFile)
  ? z.object({ lambdaEndpoint: z.string().url() }).parse(JSON.parse(readFileSync(stackFile, 'utf8')))
  : undefined;
const deployedName = command === 'sync' ? process.env.SYNC_FUNCTION_NAME : process.env.FANOUT_FUNCTION_NAME;
const endpoint = process.env.LAMBDA_ENDPOINT ?? (deployedName ? undefined : local?.lambdaEndpoint);
if (!endpoint && !deployedName) {
  const variable = command === 'sync' ? 'SYNC_FUNCTION_NAME' : 'FANOUT_FUNCTION_NAME';
  console.error(`no running local stack found (start it with \`npm start\`) and no ${variable} set`);
  process.exit(1);
}
const client = new LambdaClient(
  endpoint ? { endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {},
);
const functionName = endpoint ? command : (deployedName as string);
const payload = {
  ...(command === 'sync' && { modelId }),
  reason: audit ? 'audit' : 'manual',
  ...(audit && { audit: true }),
};
const out = await client.send(
  new InvokeCommand({
    FunctionName: functionName,
    InvocationType: 'RequestResponse',
    Payload: new TextEncoder().encode(JSON.stringify(payload)),
  }),
);
const body = out.Payload ? new TextDecoder().decode(out.Payload) : '';
if (out.FunctionError) {
  console.error(`${functionName} failed: ${body}`);
  process.exit(1);
}
console.log(JSON.stringify(JSON.parse(body || 'null'), null, 2));
