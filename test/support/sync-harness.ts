import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { inject } from 'vitest';
import { dynamoModelStore } from '../../lambdas/adapters/dynamo/model-store';
import type { EarningRow } from '../../lambdas/adapters/fanvue/schema';
import { localSecretStore } from '../../lambdas/adapters/secrets';
import type { VersionedSecretStore } from '../../lambdas/domain/ports';
import { fingerprint } from '../../lambdas/domain/row-key';
import type { SyncDeps } from '../../lambdas/domain/sync';
import { type StoredTransaction, StoredTransactionSchema } from '../../lambdas/domain/transaction';
import { buildSyncDeps } from '../../lambdas/handlers/sync-deps';
import { makeSyncHandler } from '../../lambdas/handlers/sync-handler';
import { silentLogger } from '../../lambdas/shared/logger';
import { keys } from '../../lambdas/shared/tables';
import { transactionsStreamArn } from '../../local/bootstrap';
import { createFanvueSimulator, type FanvueSimulator, type FanvueSimulatorOptions } from '../../local/fanvue-simulator';
import { freshTables, type TestTables } from './ddb';

const runFile = promisify(execFile);

/** Real time plus an offset the test moves: "time passes" is a call, never a sleep. */
export interface SteppingClock {
  now(): number;
  /** Moves this clock (and only this clock) forward. */
  advance(ms: number): void;
}

/** A {@link SteppingClock} starting at the real time. */
export function steppingClock(): SteppingClock {
  let offset = 0;
  return {
    now: () => Date.now() + offset,
    advance: (ms) => {
      offset += ms;
    },
  };
}

export interface SyncHarness {
  sim: FanvueSimulator;
  /** The one clock the simulator and the sync read. */
  clock: SteppingClock;
  tables: TestTables;
  secrets: VersionedSecretStore;
  deps: SyncDeps;
  env: Record<string, string>;
  models: ReturnType<typeof dynamoModelStore>;
  /** modelId -> creator uuid (model ids are `m0`, `m1`, ...). */
  creatorOf: Record<string, string>;
  refreshTokens: Record<string, string>;
  sync: ReturnType<typeof makeSyncHandler>;
  stored(modelId: string): Promise<StoredTransaction[]>;
  stop(): Promise<void>;
}

/**
 * The real sync against real parts: the Fanvue simulator over HTTP, the real
 * client, DynamoDB Local tables, the local secret store. One model per
 * creator, each with its own OAuth connection.
 */
export async function startSyncHarness(
  simOptions: FanvueSimulatorOptions = {},
  envOverrides: Record<string, string> = {},
): Promise<SyncHarness> {
  const clock = steppingClock();
  const sim = await createFanvueSimulator({ now: clock.now, ...simOptions });
  const tables = await freshTables();
  const secrets = localSecretStore({
    initial: { 'fanvue/client': JSON.stringify({ clientId: sim.clientId, clientSecret: sim.clientSecret }) },
  });
  const env: Record<string, string> = {
    TRANSACTIONS_TABLE: tables.names.transactions,
    CONTROL_TABLE: tables.names.control,
    TOTALS_TABLE: tables.names.totals,
    FANVUE_API_BASE_URL: sim.baseUrl,
    FANVUE_AUTH_BASE_URL: sim.authBaseUrl,
    FANVUE_CLIENT_SECRET_ID: 'fanvue/client',
    FANVUE_CONNECTION_SECRET_PREFIX: 'fanvue/connection/',
    FANVUE_MAX_WAIT_MS: '2000',
    SYNC_BUDGET_MS: '30000',
    ...envOverrides,
  };
  const models = dynamoModelStore(tables.doc, tables.names.control);
  const creatorOf: Record<string, string> = {};
  const refreshTokens: Record<string, string> = {};
  for (const [i, creator] of sim.creators.entries()) {
    const modelId = `m${i}`;
    const conn = sim.createConnection({ creatorUuids: [creator.uuid] });
    await secrets.put(`fanvue/connection/${modelId}`, JSON.stringify({ refreshToken: conn.refreshToken }));
    await models.register({
      modelId,
      agencyId: 'agency-1',
      displayName: creator.displayName,
      creatorUuid: creator.uuid,
      connectionId: modelId,
    });
    creatorOf[modelId] = creator.uuid;
    refreshTokens[modelId] = conn.refreshToken;
  }
  const deps = buildSyncDeps(env, { doc: tables.doc, secrets, logger: silentLogger, clock });
  return {
    sim,
    clock,
    tables,
    secrets,
    deps,
    env,
    models,
    creatorOf,
    refreshTokens,
    sync: makeSyncHandler(deps),
    async stored(modelId) {
      const items: StoredTransaction[] = [];
      let ExclusiveStartKey: Record<string, unknown> | undefined;
      do {
        const out = await tables.doc.send(
          new QueryCommand({
            TableName: tables.names.transactions,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': keys.modelPk(modelId) },
            ExclusiveStartKey,
          }),
        );
        for (const item of out.Items ?? []) items.push(StoredTransactionSchema.parse(item));
        ExclusiveStartKey = out.LastEvaluatedKey;
      } while (ExclusiveStartKey);
      return items;
    },
    stop: () => sim.stop(),
  };
}

/** Identity multiset of Fanvue rows: the order id, or the fingerprint for id-less rows. */
export function rowIdentities(rows: readonly EarningRow[]): string[] {
  return rows.map((r) => r.transactionOrderId ?? fingerprint(r)).sort();
}

/** Identity multiset of stored rows (drops the ordinal: identical rows must appear as often as Fanvue has them). */
export function storedIdentities(items: readonly StoredTransaction[]): string[] {
  return items.map((t) => (t.txKey.startsWith('oid#') ? t.txKey.slice(4) : t.txKey.split('#')[1]!)).sort();
}

/** Counts every record currently in the transactions table's stream (DynamoDB Local's real Streams API). */
export async function countStreamRecords(tables: TestTables): Promise<number> {
  const streams = new DynamoDBStreamsClient({
    endpoint: inject('ddbEndpoint'),
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const arn = await transactionsStreamArn(tables.client, tables.names.transactions);
  const desc = await streams.send(new DescribeStreamCommand({ StreamArn: arn }));
  let count = 0;
  for (const shard of desc.StreamDescription?.Shards ?? []) {
    let iterator = (
      await streams.send(
        new GetShardIteratorCommand({ StreamArn: arn, ShardId: shard.ShardId!, ShardIteratorType: 'TRIM_HORIZON' }),
      )
    ).ShardIterator;
    for (let i = 0; iterator && i < 1000; i++) {
      const out = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
      count += out.Records?.length ?? 0;
      if (!out.Records?.length) break;
      iterator = out.NextShardIterator;
    }
  }
  return count;
}

/**
 * Runs a CLI of `local/cli/` as a child process against the harness: the harness's env,
 * DynamoDB Local through AWS_ENDPOINT_URL_DYNAMODB, and a local secret file.
 */
export function cliRunner(h: SyncHarness, secretsFile: string) {
  const env = {
    ...process.env,
    ...h.env,
    LOCAL_SECRETS_FILE: secretsFile,
    AWS_ENDPOINT_URL_DYNAMODB: inject('ddbEndpoint'),
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
  };
  return (script: string, args: string[]) =>
    runFile('npx', ['tsx', resolve(import.meta.dirname, '../../local/cli', script), ...args], { env });
}

/** The JSON a CLI printed after its log lines. */
export function printedJson<T>(stdout: string): T {
  return JSON.parse(stdout.slice(stdout.indexOf('{\n'))) as T;
}
