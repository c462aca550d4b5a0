import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { isTimeZone } from '../lambdas/domain/period';
import { DEFAULT_SCHEDULE_EXPRESSION } from '../lambdas/shared/defaults';
import { consoleLogger } from './console-logger';
import { checkJava } from './dynamodb-local';
import { portIsFree } from './ports';
import { DurationSchema } from './scheduler';
import { quietSdkNodeNotice } from './sdk-notice';
import { startBanner } from './start-banner';

const HELP = `npm start -- [options]
  --port N          dashboard + API port (default 3000; 0 = any free port)
  --lambda-port N   local Lambda Invoke API port (default 3001)
  --interval D      run the fan-out every D (e.g. 30s, 2m) instead of the schedule
  --schedule EXPR   schedule expression (default "${DEFAULT_SCHEDULE_EXPRESSION}", as in production)
  --live D          a new simulated sale every D (default 8s; 0 = off)
  --no-webhooks     do not have the simulator send webhooks (new sales then wait for the schedule)
  --no-demo-models  start with an empty agency: connect the simulator's Fanvue account from the dashboard
  --time-zone Z     the demo agency counts days in this IANA zone (default UTC)
  --persist         keep data in .local-data/ across restarts
  --ddb-endpoint U  use the DynamoDB Local already running at U (e.g. http://127.0.0.1:8000; its
                    heartbeat-* tables are reused when they exist) instead of starting one
  --verbose         log every sync, not just each cycle`;

/** Parses the command line; an unknown flag or a stray argument prints the usage and exits 2. */
function readArgs() {
  try {
    return parseArgs({ options: OPTIONS }).values;
  } catch (err) {
    console.error(`${err instanceof Error ? err.message : String(err)}\n\n${HELP}`);
    process.exit(2);
  }
}

/** True when an HTTP server answers at `url` within 5 s. */
async function answers(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { method: 'POST', signal: AbortSignal.timeout(5_000) });
    await res.body?.cancel();
    return true;
  } catch {
    return false;
  }
}

const OPTIONS = {
  port: { type: 'string', default: '3000' },
  'lambda-port': { type: 'string', default: '3001' },
  interval: { type: 'string' },
  schedule: { type: 'string', default: DEFAULT_SCHEDULE_EXPRESSION },
  live: { type: 'string', default: '8s' },
  persist: { type: 'boolean', default: false },
  'ddb-endpoint': { type: 'string' },
  'time-zone': { type: 'string', default: 'UTC' },
  'no-webhooks': { type: 'boolean', default: false },
  'no-demo-models': { type: 'boolean', default: false },
  verbose: { type: 'boolean', default: false },
  help: { type: 'boolean', default: false },
} as const;
const values = readArgs();
if (values.help) {
  console.log(HELP);
  process.exit(0);
}
const args = z
  .object({
    port: z.coerce.number().int().min(0).max(65535),
    lambdaPort: z.coerce.number().int().min(0).max(65535),
    interval: DurationSchema.optional(),
    live: DurationSchema,
    timeZone: z.string().refine(isTimeZone, 'unknown time zone'),
    ddbEndpoint: z.url({ protocol: /^https?$/ }).optional(),
  })
  .safeParse({
    port: values.port,
    lambdaPort: values['lambda-port'],
    interval: values.interval,
    live: values.live,
    timeZone: values['time-zone'],
    ddbEndpoint: values['ddb-endpoint'],
  });
if (!args.success) {
  console.error(`invalid option:\n${z.prettifyError(args.error)}\n\n${HELP}`);
  process.exit(2);
}

// Before anything starts: a taken port is one line naming it and the flag, and nothing to clean up.
const ports = [
  { port: args.data.port, flag: '--port' },
  { port: args.data.lambdaPort, flag: '--lambda-port' },
];
if (args.data.port !== 0 && args.data.port === args.data.lambdaPort) {
  console.error(`--port and --lambda-port are both ${args.data.port}: give them different ports`);
  process.exit(1);
}
for (const { port, flag } of ports)
  if (port !== 0 && !(await portIsFree(port))) {
    console.error(`port ${port} is in use: choose another with ${flag} (npm start -- ${flag} ${port + 10})`);
    process.exit(1);
  }

const ddbEndpoint = args.data.ddbEndpoint;
if (ddbEndpoint && values.persist) {
  console.error('--persist keeps the data of the DynamoDB Local npm start runs: not with --ddb-endpoint');
  process.exit(2);
}
// An existing DynamoDB needs no Java here, but it must answer (any HTTP status will do).
if (ddbEndpoint && !(await answers(ddbEndpoint))) {
  console.error(
    `nothing answers at ${ddbEndpoint} (--ddb-endpoint): start DynamoDB Local there, or leave the flag out`,
  );
  process.exit(1);
}
if (!ddbEndpoint)
  await checkJava().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  });

quietSdkNodeNotice();
const root = resolve(import.meta.dirname, '..');
// Loaded only now: nothing heavy (and none of its import-time output) comes before the checks above.
const [{ build }, { startLocalStack }, { dynamoModelStore }] = await Promise.all([
  import('vite'),
  import('./stack'),
  import('../lambdas/adapters/dynamo/model-store'),
]);
await build({ configFile: resolve(root, 'frontend', 'vite.config.ts'), logLevel: 'warn' });
const logger = consoleLogger(values.verbose);
const stack = await startLocalStack({
  port: args.data.port,
  lambdaPort: args.data.lambdaPort,
  schedule: values.schedule,
  ...(args.data.interval && { intervalMs: args.data.interval }),
  liveEveryMs: args.data.live,
  webhooks: !values['no-webhooks'],
  demoModels: !values['no-demo-models'],
  timeZone: args.data.timeZone,
  ...(values.persist && { dataDir: resolve(root, '.local-data') }),
  ...(ddbEndpoint && { dynamoDbEndpoint: ddbEndpoint }),
  logger,
  onCycle: (line) => console.log(`${new Date().toISOString().slice(11, 19)} ${line}`),
}).catch((err: unknown) => {
  // startLocalStack has already stopped every part it started.
  console.error(`npm start failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
mkdirSync(resolve(root, '.cache'), { recursive: true });
// Lets `npm run invoke` find this stack; local-only values, git-ignored.
writeFileSync(
  resolve(root, '.cache', 'local-stack.json'),
  JSON.stringify({ lambdaEndpoint: stack.lambdaEndpoint, url: stack.url }),
  { mode: 0o600 },
);

// What the fan-out will sync: the demo models, and with --persist any model connected before.
const modelIds: string[] = [];
for await (const m of dynamoModelStore(stack.doc, stack.tables.control).listAll())
  if (m.enabled) modelIds.push(m.modelId);
console.log(
  startBanner({
    url: stack.url,
    issuer: stack.auth.issuer.issuer,
    demoUsers: stack.auth.demoUsers,
    apiKey: stack.apiKey,
    cronSecret: stack.cronSecret,
    intervalMs: stack.intervalMs,
    modelIds: modelIds.sort(),
    simulatorUrl: stack.sim.baseUrl,
    liveEveryMs: args.data.live,
    webhooks: !values['no-webhooks'],
  }),
);

stack.auth.accounts.onInvite = (m) => console.log(`invitation for ${m.to}: temporary password ${m.temporaryPassword}`);
await stack.cycle('startup');

let stopping = false;
const shutdown = async () => {
  if (stopping) return;
  stopping = true;
  console.log('\nstopping…');
  await stack.stop();
  process.exit(0);
};
process.on('SIGINT', () => void shutdown());
process.on('SIGTERM', () => void shutdown());
