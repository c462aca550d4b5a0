import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient, type DynamoDBStreamsClientConfig } from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { dynamoZoneLookup } from '../lambdas/adapters/dynamo/agencies';
import { dynamoColumnLookup } from '../lambdas/adapters/dynamo/model-columns';
import { dynamoModelStore } from '../lambdas/adapters/dynamo/model-store';
import { TotalsStore } from '../lambdas/adapters/dynamo/totals-store';
import { noopMetrics } from '../lambdas/adapters/metrics';
import { systemClock, type VersionedSecretStore } from '../lambdas/domain/ports';
import type { SyncOutcome } from '../lambdas/domain/sync';
import { makeAggregateHandler } from '../lambdas/handlers/aggregate-handler';
import { isAuditEvent, makeAuditHandler } from '../lambdas/handlers/audit-handler';
import { makeFanoutHandler } from '../lambdas/handlers/fanout-handler';
import { buildAuditDeps, buildSyncDeps } from '../lambdas/handlers/sync-deps';
import { makeSyncHandler } from '../lambdas/handlers/sync-handler';
import type { AppLogger } from '../lambdas/shared/logger';
import { transactionsStreamArn } from './bootstrap';
import { localSyncInvoker } from './invoke';
import type { LocalFunction } from './lambda-endpoint';
import { type StreamPoller, startStreamPoller } from './stream-poller';

/** The functions of the local stack, wired as in AWS (see {@link startLocalFunctions}). */
export interface LocalFunctions {
  /** The sync function: `{ modelId, audit: true }` runs the source audit, anything else the sync. */
  sync: LocalFunction;
  fanout: ReturnType<typeof makeFanoutHandler>;
  /** The async invoke adapter the fan-out and the API start syncs through. */
  invoker: ReturnType<typeof localSyncInvoker>;
  /** Feeds the aggregator from the transactions stream. */
  poller: StreamPoller;
  /** One fan-out cycle: waits for its syncs and for the aggregator to catch up, and reports it in one line. */
  runCycle(reason: string): Promise<SyncOutcome[]>;
  /** Waits for syncs in flight, then stops the poller and its Streams client. */
  stop(): Promise<void>;
}

/**
 * Starts the handlers' side of the local stack: the sync (and audit) function, the fan-out, the
 * in-process async invoker between them, and the stream poller feeding the aggregator. Registers
 * how to stop what it starts in `stops`.
 */
export async function startLocalFunctions(
  parts: {
    client: DynamoDBClient;
    doc: DynamoDBDocumentClient;
    /** Endpoint, region and credentials of the local DynamoDB (for the Streams client). */
    aws: DynamoDBStreamsClientConfig;
    tables: { transactions: string; control: string; totals: string };
    env: Record<string, string>;
    secrets: VersionedSecretStore;
    logger: AppLogger;
    onCycle?: ((line: string) => void) | undefined;
  },
  stops: (() => unknown)[],
): Promise<LocalFunctions> {
  const { client, doc, env, secrets, tables, logger: log } = parts;
  const syncDeps = buildSyncDeps(env, { doc, secrets, logger: log });
  const runSync = makeSyncHandler(syncDeps);
  const runAudit = makeAuditHandler(buildAuditDeps(env, { doc, secrets, logger: log }, syncDeps));
  // One function, as in AWS: `{ modelId, audit: true }` runs the source audit, anything else the sync.
  const sync = (payload: unknown) => (isAuditEvent(payload) ? runAudit(payload) : runSync(payload));
  const outcomes: { reason: string; outcome: SyncOutcome }[] = [];
  const invoker = localSyncInvoker(
    async (payload) => {
      if (isAuditEvent(payload)) await runAudit(payload);
      else outcomes.push({ reason: payload.reason, outcome: await runSync(payload) });
    },
    (modelId, err) =>
      log.error('sync invoke failed', { modelId, error: err instanceof Error ? err.message : String(err) }),
  );
  const models = dynamoModelStore(doc, tables.control);
  const fanout = makeFanoutHandler({ listModels: () => models.listAll(), invoker, logger: log, concurrency: 4 });

  const streamsClient = new DynamoDBStreamsClient(parts.aws);
  stops.push(() => streamsClient.destroy());
  const poller = startStreamPoller({
    streamsClient,
    streamArn: await transactionsStreamArn(client, tables.transactions),
    handler: makeAggregateHandler({
      store: new TotalsStore(doc, tables.totals, systemClock),
      zones: dynamoZoneLookup(doc, tables.control),
      columns: dynamoColumnLookup(doc, tables.control),
      logger: log,
      metrics: noopMetrics,
    }),
    batchSize: 100,
    pollIntervalMs: 250,
    onFailure: (record, reason) =>
      log.error('stream record sent to the failure sink', { eventID: record.eventID, reason }),
    logger: log,
  });
  stops.push(() => poller.stop());

  async function runCycle(reason: string): Promise<SyncOutcome[]> {
    const started = Date.now();
    const first = outcomes.length;
    const result = await fanout({ reason });
    await invoker.idle();
    await poller.drain();
    // Only this cycle's syncs: webhook and button syncs may finish in the meantime.
    const done = outcomes
      .slice(first)
      .filter((o) => o.reason === reason)
      .map((o) => o.outcome);
    const count = (s: string) => done.filter((o) => o.status === s).length;
    const rows = done.reduce((n, o) => n + ('rowsWritten' in o ? o.rowsWritten : 0), 0);
    parts.onCycle?.(
      `sync cycle (${reason}): ${result.invoked} models, ${count('ok')} ok, ${count('partial')} partial, ${count('error')} error, ` +
        `${count('already_running')} already running, ${rows} rows written, ${Date.now() - started} ms`,
    );
    return done;
  }

  return {
    sync,
    fanout,
    invoker,
    poller,
    runCycle,
    async stop() {
      await invoker.idle();
      await poller.stop();
      streamsClient.destroy();
    },
  };
}
