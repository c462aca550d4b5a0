import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createApiKey, dynamoZoneLookup, putAgency } from '../../lambdas/adapters/dynamo/agencies';
import { dynamoColumnLookup } from '../../lambdas/adapters/dynamo/model-columns';
import { dynamoModelStore } from '../../lambdas/adapters/dynamo/model-store';
import { TotalsStore } from '../../lambdas/adapters/dynamo/totals-store';
import { noopMetrics } from '../../lambdas/adapters/metrics';
import { localSecretStore } from '../../lambdas/adapters/secrets';
import type { Clock, SecretStore } from '../../lambdas/domain/ports';
import type { SyncOutcome } from '../../lambdas/domain/sync';
import { makeAggregateHandler } from '../../lambdas/handlers/aggregate-handler';
import { makeApiHandler } from '../../lambdas/handlers/api';
import { makeFanoutHandler } from '../../lambdas/handlers/fanout-handler';
import { buildSyncDeps } from '../../lambdas/handlers/sync-deps';
import { makeSyncHandler } from '../../lambdas/handlers/sync-handler';
import { liveWithinMs } from '../../lambdas/shared/defaults';
import { silentLogger } from '../../lambdas/shared/logger';
import { startApiServer } from '../../local/api-server';
import { createTables, transactionsStreamArn } from '../../local/bootstrap';
import { startDynamoDbLocal } from '../../local/dynamodb-local';
import { createFanvueSimulator, type FanvueSimulator } from '../../local/fanvue-simulator';
import { deriveSeed, Rng } from '../../local/fanvue-simulator/prng';
import { type StreamPoller, startStreamPoller } from '../../local/stream-poller';
import { type ConflictModel, createConflictModel } from '../support/conflict-model';
import { boundedInvoker, operationCounter } from '../support/parts';
import { faultyAggregators, NO_STREAM_FAULTS, type StreamFaultCounts, type StreamFaultSettings } from './stream-faults';
import { crashingSyncDeps, SyncCrash } from './sync-crash';
import { startWebhookRelay, type WebhookRelay } from './webhook-relay';

/** A clock the soak moves forward between cycles (leases, token lifetimes, rate-limit windows follow it). */
export interface SoakClock extends Clock {
  advance(ms: number): void;
}

export function soakClock(): SoakClock {
  let offset = 0;
  return {
    now: () => Date.now() + offset,
    advance: (ms) => {
      offset += ms;
    },
  };
}

export interface SoakStackOptions {
  seed: number;
  models: number;
  agencies: number;
  historyRows: number;
  /** Aggregator instances at once (stream shards), under the conflict model. */
  aggregators: number;
  /** Sync runs at once (the sync Lambda's concurrency); invokes beyond it queue. */
  syncConcurrency: number;
  /** A running DynamoDB Local to use (tables get a unique prefix); one is started and stopped when absent. */
  endpoint?: string | undefined;
}

/** What the soak changes while it runs. */
export interface SoakKnobs {
  stream: StreamFaultSettings;
  /** Share of sync invocations that crash between pages. */
  syncCrash: number;
}

export interface SoakStack {
  clock: SoakClock;
  sim: FanvueSimulator;
  doc: DynamoDBDocumentClient;
  tables: Awaited<ReturnType<typeof createTables>>;
  secrets: SecretStore;
  models: ReturnType<typeof dynamoModelStore>;
  /** modelId -> creator uuid / agency / first refresh token. */
  roster: { modelId: string; agencyId: string; creatorUuid: string; refreshToken: string }[];
  knobs: SoakKnobs;
  counts: StreamFaultCounts & { syncCrashes: number; unexpectedSyncErrors: string[] };
  conflicts: ConflictModel;
  relay: WebhookRelay;
  poller: StreamPoller;
  /** The API server (dashboard API and webhooks) and each agency's dashboard key. */
  url: string;
  apiKeys: Record<string, string>;
  /** Where the simulator's webhooks go (through the relay), with the app's signing secret. */
  webhook: { url: string; secret: string };
  /** DynamoDB requests by operation, from every client of the stack. */
  ops: ReturnType<typeof operationCounter>;
  /** Starts one model's sync the way a trigger does (async, not awaited). */
  trigger(modelId: string, reason: string): Promise<void>;
  /** One fan-out; resolves when it has invoked every model (syncs may still run). */
  fanout(reason: string): Promise<void>;
  /** Waits for every sync in flight (queued ones included). */
  syncsIdle(): Promise<void>;
  /** Waits for every sync in flight, then for the stream to drain. */
  settle(): Promise<void>;
  outcomes: { reason: string; outcome: SyncOutcome }[];
  stop(): Promise<void>;
}

/**
 * The local stack for the soak, from the same parts as `npm start`: DynamoDB Local
 * with the shared table definitions, the Fanvue simulator over HTTP (on the soak's
 * clock), the real sync/fan-out/aggregator/API handlers, the local invoke adapter,
 * the stream poller, and the API server receiving the simulator's signed webhooks
 * through a relay that can drop, duplicate and replay them.
 */
export async function startSoakStack(o: SoakStackOptions): Promise<SoakStack> {
  const clock = soakClock();
  const rng = new Rng(deriveSeed(o.seed, 'soak-stack'));
  const ddb = o.endpoint ? { endpoint: o.endpoint, stop: async () => {} } : await startDynamoDbLocal();
  const aws = {
    endpoint: ddb.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  };
  const client = new DynamoDBClient(aws);
  const ops = operationCounter();
  ops.attach(client);
  const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  const tables = await createTables(client, `soak${o.seed}x${Date.now().toString(36)}`);
  const sim = await createFanvueSimulator({
    seed: o.seed,
    creators: o.models,
    history: o.historyRows,
    historyDays: 60,
    now: clock.now,
  });
  const webhookSecret = `whsec-${o.seed}`;
  const secrets = localSecretStore({
    initial: {
      'fanvue/client': JSON.stringify({ clientId: sim.clientId, clientSecret: sim.clientSecret }),
      'heartbeat/cron': `cron-${o.seed}`,
      'fanvue/webhook': webhookSecret,
    },
  });
  const models = dynamoModelStore(doc, tables.control);
  const roster: SoakStack['roster'] = [];
  const apiKeys: Record<string, string> = {};
  for (let a = 0; a < o.agencies; a++) {
    await putAgency(doc, tables.control, { agencyId: `agency-${a + 1}`, name: `Agency ${a + 1}` });
    apiKeys[`agency-${a + 1}`] = await createApiKey(doc, tables.control, `agency-${a + 1}`);
  }
  for (const [i, creator] of sim.creators.entries()) {
    const modelId = `model-${String(i + 1).padStart(3, '0')}`;
    const agencyId = `agency-${(i % o.agencies) + 1}`;
    const conn = sim.createConnection({ creatorUuids: [creator.uuid] });
    await secrets.put(`fanvue/connection/${modelId}`, JSON.stringify({ refreshToken: conn.refreshToken }));
    await models.register({
      modelId,
      agencyId,
      displayName: creator.displayName,
      creatorUuid: creator.uuid,
      connectionId: modelId,
    });
    roster.push({ modelId, agencyId, creatorUuid: creator.uuid, refreshToken: conn.refreshToken });
  }

  const env = {
    TRANSACTIONS_TABLE: tables.transactions,
    CONTROL_TABLE: tables.control,
    TOTALS_TABLE: tables.totals,
    FANVUE_API_BASE_URL: sim.baseUrl,
    FANVUE_AUTH_BASE_URL: sim.authBaseUrl,
    FANVUE_CLIENT_SECRET_ID: 'fanvue/client',
    FANVUE_CONNECTION_SECRET_PREFIX: 'fanvue/connection/',
    FANVUE_MAX_WAIT_MS: '1500',
    FANVUE_REQUEST_TIMEOUT_MS: '5000',
    SYNC_BUDGET_MS: '20000',
  };
  const knobs: SoakKnobs = { stream: { ...NO_STREAM_FAULTS }, syncCrash: 0 };
  const counts: SoakStack['counts'] = {
    duplicatedRecords: 0,
    reorderedBatches: 0,
    replayedRecords: 0,
    aggregatorCrashes: 0,
    syncCrashes: 0,
    unexpectedSyncErrors: [],
  };
  const syncDeps = buildSyncDeps(env, { doc, secrets, logger: silentLogger, clock });
  const sync = makeSyncHandler(syncDeps);
  const outcomes: SoakStack['outcomes'] = [];
  const invoker = boundedInvoker(
    o.syncConcurrency,
    async ({ modelId, reason }) => {
      const crash = rng.chance(knobs.syncCrash);
      const handler = crash ? makeSyncHandler(crashingSyncDeps(syncDeps, modelId, rng.int(1, 2))) : sync;
      outcomes.push({ reason, outcome: await handler({ modelId, reason }) });
    },
    (modelId, err) => {
      if (err instanceof SyncCrash) counts.syncCrashes += 1;
      else counts.unexpectedSyncErrors.push(`${modelId}: ${err instanceof Error ? err.message : String(err)}`);
    },
  );
  const fanout = makeFanoutHandler({
    listModels: () => models.listAll(),
    invoker,
    logger: silentLogger,
    concurrency: 10,
  });

  const conflicts = createConflictModel();
  const aggregatorClients = Array.from({ length: o.aggregators }, () => new DynamoDBClient(aws));
  const instances = aggregatorClients.map((c) => {
    conflicts.attach(c);
    ops.attach(c);
    const store = new TotalsStore(DynamoDBDocumentClient.from(c), tables.totals, { now: () => Date.now() });
    return makeAggregateHandler({
      store,
      zones: dynamoZoneLookup(DynamoDBDocumentClient.from(c), tables.control),
      columns: dynamoColumnLookup(DynamoDBDocumentClient.from(c), tables.control),
      logger: silentLogger,
      metrics: noopMetrics,
    });
  });
  const streamsClient = new DynamoDBStreamsClient(aws);
  const poller = startStreamPoller({
    streamsClient,
    streamArn: await transactionsStreamArn(client, tables.transactions),
    handler: faultyAggregators({
      instances,
      rng: new Rng(deriveSeed(o.seed, 'stream-faults')),
      settings: () => knobs.stream,
      counts,
    }),
    batchSize: 100,
    pollIntervalMs: 50,
    // The event source mapping's retryAttempts in infra.
    maxRetries: 3,
    logger: silentLogger,
  });

  const intervalMs = 600_000;
  const api = makeApiHandler({
    doc,
    tables: { control: tables.control, totals: tables.totals, transactions: tables.transactions },
    clock,
    logger: silentLogger,
    config: {
      syncIntervalMs: intervalMs,
      liveWithinMs: liveWithinMs(intervalMs),
      cronSecretId: 'heartbeat/cron',
      webhookSecretId: 'fanvue/webhook',
    },
    secrets,
    trigger: {
      syncModel: (modelId, reason) => invoker.invokeSync({ modelId, reason }),
      syncAll: async (reason) => void fanout({ reason }),
    },
  });
  const server = await startApiServer({ port: 0, handler: api, staticRoot: '/nonexistent', onError: () => {} });
  const relay = await startWebhookRelay({
    target: `${server.url}/api/webhooks/fanvue`,
    rng: new Rng(deriveSeed(o.seed, 'webhooks')),
  });
  sim.setWebhook({ url: relay.url, secret: webhookSecret });

  return {
    clock,
    sim,
    doc,
    tables,
    secrets,
    models,
    roster,
    knobs,
    counts,
    conflicts,
    relay,
    poller,
    url: server.url,
    apiKeys,
    webhook: { url: relay.url, secret: webhookSecret },
    ops,
    outcomes,
    trigger: (modelId, reason) => invoker.invokeSync({ modelId, reason }),
    fanout: async (reason) => void (await fanout({ reason })),
    syncsIdle: () => invoker.idle(),
    async settle() {
      await sim.webhooksIdle();
      await relay.idle();
      await invoker.idle();
      await poller.drain(300_000);
    },
    async stop() {
      sim.setWebhook(undefined);
      await sim.webhooksIdle();
      await relay.idle();
      await invoker.idle();
      await poller.stop();
      await relay.stop();
      await server.stop();
      await sim.stop();
      for (const c of aggregatorClients) c.destroy();
      client.destroy();
      streamsClient.destroy();
      await ddb.stop();
    },
  };
}
