import { resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { systemClock, type VersionedSecretStore } from '../lambdas/domain/ports';
import { FANVUE_CALLBACK_PATH } from '../lambdas/domain/site-config';
import type { SyncOutcome } from '../lambdas/domain/sync';
import { type ApiHandler, makeApiHandler } from '../lambdas/handlers/api';
import { fanvueConnectDeps } from '../lambdas/handlers/api/connect-deps';
import { type ExportHandler, makeExportHandler } from '../lambdas/handlers/export/export-handler';
import { DEFAULT_SCHEDULE_EXPRESSION, liveWithinMs } from '../lambdas/shared/defaults';
import { ORIGIN_VERIFY_HEADER } from '../lambdas/shared/edge';
import type { AppLogger } from '../lambdas/shared/logger';
import { startApiServer } from './api-server';
import { type LocalAuth, startLocalAuth } from './auth';
import { createTables } from './bootstrap';
import { DEMO_AGENCY_ID, LOCAL_SECRET_IDS, localStackSecrets, seedDemoAgency } from './demo-agency';
import { type DynamoDbLocal, startDynamoDbLocal } from './dynamodb-local';
import { createFanvueSimulator, type FanvueSimulator, type FanvueSimulatorOptions } from './fanvue-simulator';
import { startLambdaEndpoint } from './lambda-endpoint';
import { rateToMs, startScheduler } from './scheduler';
import { startLocalFunctions } from './stack-functions';

/** Options of the local stack (`npm start`, e2e tests, benchmarks). */
export interface LocalStackOptions {
  /** Port of the dashboard + API server; 0 picks a free one. @default 0 */
  port?: number;
  /** Port of the local Lambda Invoke API; 0 picks a free one. @default 0 */
  lambdaPort?: number;
  /** The production schedule expression. @default DEFAULT_SCHEDULE_EXPRESSION */
  schedule?: string;
  /** Overrides the schedule's interval locally (demos). */
  intervalMs?: number;
  /** Keep DynamoDB data in this folder across restarts; in memory when absent. */
  dataDir?: string;
  /**
   * Use the DynamoDB (Local) already answering here instead of starting one; the stack then
   * neither starts nor stops a JVM. Not with `dataDir`.
   */
  dynamoDbEndpoint?: string;
  /** Prefix of the table names: stacks that share one DynamoDB use different ones. @default 'heartbeat' */
  tablePrefix?: string;
  /** Fanvue simulator options (demo agency: 12 creators with realistic history). */
  simulator?: FanvueSimulatorOptions;
  /**
   * Register every simulator creator as a model of the demo agency at start; false leaves the agency
   * empty, to be connected from the dashboard ("Fanvue accounts"). @default true
   */
  demoModels?: boolean;
  /** New sales keep arriving every this many ms (0 = off). @default 8000 */
  liveEveryMs?: number;
  /** The simulator sends signed webhooks for new sales, which start that model's sync at once. @default true */
  webhooks?: boolean;
  /** IANA zone the demo agency counts its days in. @default 'UTC' */
  timeZone?: string;
  /** Folder of the dashboard build. @default frontend/dist */
  staticRoot?: string;
  /** Extra environment for the handlers (sync tunables). */
  env?: Record<string, string>;
  logger: AppLogger;
  /** One readable line per sync cycle. */
  onCycle?: (line: string) => void;
}

export interface LocalStack {
  url: string;
  /** The demo agency's read-only access key (shown once, local only). */
  apiKey: string;
  /** Sign-in: the local OpenID Connect issuer, its accounts and one demo member per role. */
  auth: LocalAuth;
  /** The manual trigger's secret (local only). */
  cronSecret: string;
  agencyId: string;
  sim: FanvueSimulator;
  /** The DynamoDB the stack uses; `stop()` stops it only when the stack started it. */
  ddb: DynamoDbLocal;
  doc: DynamoDBDocumentClient;
  tables: Awaited<ReturnType<typeof createTables>>;
  secrets: VersionedSecretStore;
  /** modelId -> creator uuid. */
  creatorOf: Record<string, string>;
  intervalMs: number;
  /** Local Lambda Invoke API (`aws lambda invoke --endpoint-url <this>`): functions `sync` and `fanout`. */
  lambdaEndpoint: string;
  /** Runs one fan-out cycle and waits for its syncs and for the aggregator to catch up. */
  cycle(reason?: string): Promise<SyncOutcome[]>;
  stop(): Promise<void>;
}

/**
 * Starts the whole product on one machine with the same handlers as in AWS:
 * DynamoDB Local (tables from the shared definitions), the Fanvue simulator,
 * the local secret store, the fan-out on the production schedule, the
 * in-process invoke adapter, the stream poller feeding the aggregator, and the
 * HTTP server serving the API and the dashboard.
 */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const stops: (() => unknown)[] = [];
  try {
    return await startParts(options, stops);
  } catch (err) {
    // A failed start leaves nothing running: every part started so far stops, newest first.
    for (const stop of stops.reverse())
      await Promise.resolve()
        .then(stop)
        .catch(() => undefined);
    throw err;
  }
}

/** Starts the parts in order, registering how to stop each one as soon as it runs. */
async function startParts(options: LocalStackOptions, stops: (() => unknown)[]): Promise<LocalStack> {
  const log = options.logger;
  const schedule = options.schedule ?? DEFAULT_SCHEDULE_EXPRESSION;
  const intervalMs = options.intervalMs ?? rateToMs(schedule);
  if (options.dynamoDbEndpoint && options.dataDir)
    throw new Error('dataDir keeps the data of a DynamoDB Local the stack starts: not with dynamoDbEndpoint');
  const ddb: DynamoDbLocal = options.dynamoDbEndpoint
    ? { endpoint: options.dynamoDbEndpoint, stop: async () => undefined }
    : await startDynamoDbLocal({ ...(options.dataDir && { dataDir: options.dataDir }) });
  stops.push(() => ddb.stop());
  const awsLocal = {
    endpoint: ddb.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  };
  const client = new DynamoDBClient(awsLocal);
  stops.push(() => client.destroy());
  const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  const tables = await createTables(client, options.tablePrefix ?? 'heartbeat');
  const sim = await createFanvueSimulator({
    seed: 7,
    creators: 12,
    history: 250,
    historyDays: 45,
    ...options.simulator,
  });
  stops.push(() => sim.stop());

  const { secrets, cronSecret, webhookSecret, originSecret } = localStackSecrets(sim);
  const { apiKey, creatorOf } = await seedDemoAgency({
    doc,
    controlTable: tables.control,
    sim,
    secrets,
    timeZone: options.timeZone,
    demoModels: options.demoModels,
  });

  const env = {
    TRANSACTIONS_TABLE: tables.transactions,
    CONTROL_TABLE: tables.control,
    TOTALS_TABLE: tables.totals,
    FANVUE_API_BASE_URL: sim.baseUrl,
    FANVUE_AUTH_BASE_URL: sim.authBaseUrl,
    FANVUE_CLIENT_SECRET_ID: LOCAL_SECRET_IDS.fanvueClient,
    FANVUE_CONNECTION_SECRET_PREFIX: LOCAL_SECRET_IDS.connectionPrefix,
    SYNC_BUDGET_MS: '60000',
    ...options.env,
  };
  const fns = await startLocalFunctions(
    { client, doc, aws: awsLocal, tables, env, secrets, logger: log, onCycle: options.onCycle },
    stops,
  );
  const { sync, fanout, invoker, poller, runCycle } = fns;

  // The server starts first: the issuer needs the site's URL for the app's redirect URI.
  let api: ApiHandler | undefined;
  let exports: ExportHandler | undefined;
  let auth: LocalAuth | undefined;
  const server = await startApiServer({
    port: options.port ?? 0,
    handler: async (event) => {
      if (!api) throw new Error('api not ready');
      return api(event);
    },
    exportHandler: async (event) => {
      if (!exports) throw new Error('exports not ready');
      return exports(event);
    },
    authorizer: async (event) => (auth ? auth.authorizer(event) : false),
    siteConfig: () => auth?.siteConfig,
    staticRoot: options.staticRoot ?? resolve(import.meta.dirname, '..', 'frontend', 'dist'),
    onError: (err) => log.error('api server error', { error: err instanceof Error ? err.message : String(err) }),
    originHeader: { name: ORIGIN_VERIFY_HEADER, value: originSecret },
  });
  stops.push(() => server.stop());
  auth = await startLocalAuth({ doc, controlTable: tables.control, siteUrl: server.url, agencyId: DEMO_AGENCY_ID });
  const issuer = auth.issuer;
  stops.push(() => issuer.stop());
  api = makeApiHandler({
    doc,
    tables: { control: tables.control, totals: tables.totals, transactions: tables.transactions },
    clock: systemClock,
    logger: log,
    config: {
      syncIntervalMs: intervalMs,
      liveWithinMs: liveWithinMs(intervalMs),
      cronSecretId: LOCAL_SECRET_IDS.cron,
      webhookSecretId: LOCAL_SECRET_IDS.webhook,
      originSecretId: LOCAL_SECRET_IDS.origin,
    },
    secrets,
    trigger: {
      syncModel: (modelId, reason) => invoker.invokeSync({ modelId, reason }),
      syncAll: async (reason) =>
        void runCycle(reason).catch((err: unknown) => log.error('manual cycle failed', { error: String(err) })),
    },
    auth: { verifier: auth.verifier, directory: auth.accounts },
    fanvue: fanvueConnectDeps(env, {
      doc,
      controlTable: tables.control,
      secrets,
      logger: log,
      redirectUri: `${server.url}${FANVUE_CALLBACK_PATH}`,
    }),
  });

  exports = makeExportHandler({
    doc,
    tables: { control: tables.control, totals: tables.totals, transactions: tables.transactions },
    clock: systemClock,
    logger: log,
    auth: { verifier: auth.verifier },
  });

  const lambda = await startLambdaEndpoint(
    {
      sync: async (payload) => {
        const out = await sync(payload);
        await poller.drain();
        return out;
      },
      fanout: async (payload) => {
        const out = await fanout(payload);
        await invoker.idle();
        await poller.drain();
        return out;
      },
    },
    options.lambdaPort ?? 0,
  );
  stops.push(() => lambda.stop());

  if (options.webhooks !== false) sim.setWebhook({ url: `${server.url}/api/webhooks/fanvue`, secret: webhookSecret });
  if (options.liveEveryMs !== 0) sim.startLive({ intervalMs: options.liveEveryMs ?? 8_000, rowsPerTick: 1 });
  const scheduler = startScheduler(
    intervalMs,
    () => runCycle('schedule').then(() => undefined),
    (err) => log.error('scheduled cycle failed', { error: String(err) }),
  );

  return {
    url: server.url,
    lambdaEndpoint: lambda.url,
    apiKey,
    auth,
    cronSecret,
    agencyId: DEMO_AGENCY_ID,
    sim,
    ddb,
    doc,
    tables,
    secrets,
    creatorOf,
    intervalMs,
    cycle: (reason = 'manual') => runCycle(reason),
    async stop() {
      scheduler.stop();
      sim.stopLive();
      sim.setWebhook(undefined);
      await sim.webhooksIdle();
      await fns.stop();
      await server.stop();
      await auth?.issuer.stop();
      await lambda.stop();
      await sim.stop();
      client.destroy();
      await ddb.stop();
    },
  };
}
