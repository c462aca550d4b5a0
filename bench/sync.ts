import { pathToFileURL } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { dynamoModelStore } from '../lambdas/adapters/dynamo/model-store';
import { localSecretStore } from '../lambdas/adapters/secrets';
import { fanOut } from '../lambdas/domain/fanout';
import type { SyncOutcome } from '../lambdas/domain/sync';
import { buildSyncDeps } from '../lambdas/handlers/sync-deps';
import { makeSyncHandler } from '../lambdas/handlers/sync-handler';
import { silentLogger } from '../lambdas/shared/logger';
import { createTables } from '../local/bootstrap';
import { startDynamoDbLocal } from '../local/dynamodb-local';
import { createFanvueSimulator } from '../local/fanvue-simulator';
import { quietSdkNodeNotice } from '../local/sdk-notice';

/**
 * Sync benchmark: the real sync, the real Fanvue client over HTTP against the
 * simulator (with its default 200 requests / 60 s rate limit per creator), and
 * DynamoDB Local. Run: `npx tsx bench/sync.ts [--history N --models N --new N]`.
 */
export interface SyncBenchOptions {
  /** Rows of the single model's history to backfill. @default 20000 */
  historyRows: number;
  /** Models in the incremental cycle. @default 200 */
  models: number;
  /** New rows per model in the incremental cycle. @default 10 */
  newRows: number;
  /** Syncs running at once (the sync Lambda's reserved concurrency). @default 10 */
  concurrency: number;
}

export interface SyncBenchResult {
  backfill: {
    rows: number;
    seconds: number;
    rowsPerSecond: number;
    fanvueCalls: number;
    ddbWritesPerRow: number;
    ddbReadsPerRow: number;
  };
  cycle: {
    models: number;
    newRows: number;
    seconds: number;
    fanvueCallsPerModel: number;
    ddbWritesPerNewRow: number;
    ddbReadsPerNewRow: number;
  };
  idle: { fanvueCallsPerModel: number; ddbWritesPerModel: number };
}

const WRITE_OPS = new Set(['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand']);
const READ_OPS = new Set(['GetItemCommand', 'QueryCommand', 'ScanCommand', 'BatchGetItemCommand']);

/** Counts DynamoDB item reads and writes (a BatchWriteItem counts each item) through SDK middleware. */
function countingClient(endpoint: string) {
  const counts = { reads: 0, writes: 0 };
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const name = String(context.commandName);
      const input = args.input as { RequestItems?: Record<string, unknown[]> };
      if (name === 'BatchWriteItemCommand')
        counts.writes += Object.values(input.RequestItems ?? {}).reduce((n, r) => n + r.length, 0);
      else if (WRITE_OPS.has(name)) counts.writes += 1;
      else if (READ_OPS.has(name)) counts.reads += 1;
      return next(args);
    },
    { step: 'initialize', name: 'benchCounter' },
  );
  return { client, counts };
}

/** Runs both scenarios on fresh parts and returns the figures. */
export async function runSyncBench(
  opts: SyncBenchOptions = { historyRows: 20_000, models: 200, newRows: 10, concurrency: 10 },
): Promise<SyncBenchResult> {
  const ddb = await startDynamoDbLocal();
  try {
    const { client, counts } = countingClient(ddb.endpoint);
    const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
    const run = async (prefix: string, creators: number, history: number, historyDays: number) => {
      const tables = await createTables(client, prefix);
      const sim = await createFanvueSimulator({ seed: 11, creators, history, historyDays, refundRate: 0.02 });
      const secrets = localSecretStore({
        initial: { client: JSON.stringify({ clientId: sim.clientId, clientSecret: sim.clientSecret }) },
      });
      const models = dynamoModelStore(doc, tables.control);
      for (const [i, c] of sim.creators.entries()) {
        const conn = sim.createConnection({ creatorUuids: [c.uuid] });
        await secrets.put(`conn/m${i}`, JSON.stringify({ refreshToken: conn.refreshToken }));
        await models.register({
          modelId: `m${i}`,
          agencyId: 'a',
          displayName: c.displayName,
          creatorUuid: c.uuid,
          connectionId: `m${i}`,
        });
      }
      const env = {
        TRANSACTIONS_TABLE: tables.transactions,
        CONTROL_TABLE: tables.control,
        FANVUE_API_BASE_URL: sim.baseUrl,
        FANVUE_AUTH_BASE_URL: sim.authBaseUrl,
        FANVUE_CLIENT_SECRET_ID: 'client',
        FANVUE_CONNECTION_SECRET_PREFIX: 'conn/',
        SYNC_BUDGET_MS: String(30 * 60_000),
        FANVUE_MAX_RETRIES: '20',
        FANVUE_MAX_WAIT_MS: '20000',
      };
      const sync = makeSyncHandler(buildSyncDeps(env, { doc, secrets, logger: silentLogger }));
      const cycle = async () => {
        const outcomes: SyncOutcome[] = [];
        await fanOut(
          models.listAll(),
          { invokeSync: async (p) => void outcomes.push(await sync(p)) },
          { concurrency: opts.concurrency, reason: 'bench', logger: silentLogger },
        );
        return outcomes;
      };
      return { sim, cycle };
    };
    const snapshot = () => ({ ...counts });
    const delta = (a: { reads: number; writes: number }) => ({
      reads: counts.reads - a.reads,
      writes: counts.writes - a.writes,
    });

    // 1. One model, long history: a bounded, resumable backfill under the real rate limit.
    const one = await run('b1', 1, opts.historyRows, 365);
    let c0 = snapshot();
    let t0 = performance.now();
    const [backfill] = await one.cycle();
    const bSeconds = (performance.now() - t0) / 1000;
    let d = delta(c0);
    const bRows = backfill && 'rowsWritten' in backfill ? backfill.rowsWritten : 0;
    const bCalls = one.sim.stats().byRoute.creatorEarnings;
    await one.sim.stop();

    // 2. Many models, a few new rows each, after their first sync.
    const many = await run('b2', opts.models, 20, 30);
    await many.cycle();
    for (const c of many.sim.creators) for (let i = 0; i < opts.newRows; i++) many.sim.addRow(c.uuid);
    await new Promise((r) => setTimeout(r, 5));
    many.sim.resetStats();
    c0 = snapshot();
    t0 = performance.now();
    await many.cycle();
    const cSeconds = (performance.now() - t0) / 1000;
    d = { ...d, ...{} };
    const cd = delta(c0);
    const cCalls = many.sim.stats().byRoute.creatorEarnings;
    const newRows = opts.models * opts.newRows;

    // 3. The same models with nothing new: the idle cost.
    many.sim.resetStats();
    c0 = snapshot();
    await many.cycle();
    const idle = delta(c0);
    const iCalls = many.sim.stats().byRoute.creatorEarnings;
    await many.sim.stop();

    return {
      backfill: {
        rows: bRows,
        seconds: round(bSeconds),
        rowsPerSecond: Math.round(bRows / bSeconds),
        fanvueCalls: bCalls,
        ddbWritesPerRow: round(d.writes / Math.max(1, bRows)),
        ddbReadsPerRow: round(d.reads / Math.max(1, bRows)),
      },
      cycle: {
        models: opts.models,
        newRows,
        seconds: round(cSeconds),
        fanvueCallsPerModel: round(cCalls / opts.models),
        ddbWritesPerNewRow: round(cd.writes / newRows),
        ddbReadsPerNewRow: round(cd.reads / newRows),
      },
      idle: { fanvueCallsPerModel: round(iCalls / opts.models), ddbWritesPerModel: round(idle.writes / opts.models) },
    };
  } finally {
    await ddb.stop();
  }
}

const round = (n: number) => Math.round(n * 100) / 100;

/** Human-readable summary. */
export function formatSyncBench(r: SyncBenchResult): string {
  return [
    `sync backfill: ${r.backfill.rows} rows in ${r.backfill.seconds} s = ${r.backfill.rowsPerSecond} rows/s, ${r.backfill.fanvueCalls} Fanvue calls, ` +
      `${r.backfill.ddbWritesPerRow} DynamoDB writes and ${r.backfill.ddbReadsPerRow} reads per row`,
    `sync cycle: ${r.cycle.models} models x ${r.cycle.newRows / r.cycle.models} new rows in ${r.cycle.seconds} s, ${r.cycle.fanvueCallsPerModel} Fanvue calls per model, ` +
      `${r.cycle.ddbWritesPerNewRow} DynamoDB writes and ${r.cycle.ddbReadsPerNewRow} reads per new row`,
    `idle cycle: ${r.idle.fanvueCallsPerModel} Fanvue calls per model, ${r.idle.ddbWritesPerModel} DynamoDB writes per model`,
  ].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  quietSdkNodeNotice();
  const arg = (name: string, def: number) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? Number(process.argv[i + 1]) : def;
  };
  const result = await runSyncBench({
    historyRows: arg('history', 20_000),
    models: arg('models', 200),
    newRows: arg('new', 10),
    concurrency: arg('concurrency', 10),
  });
  console.log(formatSyncBench(result));
}
