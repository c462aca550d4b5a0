import { pathToFileURL } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { TotalsStore } from '../lambdas/adapters/dynamo/totals-store';
import { noopMetrics } from '../lambdas/adapters/metrics';
import { diffTotals, totalsFromTransactions, type ZoneLookup } from '../lambdas/domain/aggregate';
import { legacyColumns } from '../lambdas/domain/totals';
import { categorize, type StoredTransaction } from '../lambdas/domain/transaction';
import { makeAggregateHandler } from '../lambdas/handlers/aggregate-handler';
import { silentLogger } from '../lambdas/shared/logger';
import { AGENCY_SHARDS, keys } from '../lambdas/shared/tables';
import { createTables } from '../local/bootstrap';
import { startDynamoDbLocal } from '../local/dynamodb-local';
import { quietSdkNodeNotice } from '../local/sdk-notice';
import { createConflictModel } from './support/conflict-model';
import { readTotalsTable } from './support/totals';

/**
 * Concurrent aggregators on one agency, with the transaction conflict model:
 * in AWS every stream shard has its own aggregator invocation, all adding to
 * the same agency items. N aggregators (each its own client and TotalsStore,
 * like separate Lambda instances) apply disjoint record streams (models split
 * across shards, as DynamoDB partitions them), each in batches of 100 with
 * Lambda's retry of the first failed record (3 retries, then the on-failure
 * destination). Run: `npx tsx bench/concurrency.ts [--records N --models N]`.
 */
export interface ConcurrencyBenchOptions {
  /** Stream records in all. @default 4000 */
  records: number;
  /** Models of the one agency. @default 40 */
  models: number;
  /** Days the records spread over. @default 30 */
  days: number;
  /** Aggregator counts to measure. @default [1, 2, 4, 8] */
  writers: number[];
}

export interface ConcurrencyRun {
  /** Shards of the agency items the aggregators spread over (1 = the layout before sharding). */
  agencyShards: number;
  writers: number;
  records: number;
  seconds: number;
  recordsPerSecond: number;
  transactions: number;
  /** Transactions cancelled with TransactionConflict, per record. */
  conflictRetriesPerRecord: number;
  /** Batches the handler reported failed records in (Lambda retries them). */
  batchRetries: number;
  /** Records given up on after the retries (they would land in the on-failure destination). */
  exhausted: number;
  /** Counters that differ from the sum over the records (0 = exact). */
  differences: number;
}

const BATCH = 100;
const MAX_RETRIES = 3;
const SOURCES = ['subscription', 'renewal', 'tip', 'message', 'post', 'referral', 'refund'];

function records(o: ConcurrencyBenchOptions): { tx: StoredTransaction; record: DynamoDBRecord }[] {
  return Array.from({ length: o.records }, (_, n) => {
    const source = SOURCES[n % SOURCES.length] ?? 'tip';
    const gross = source === 'refund' ? -((n % 700) + 100) : (n % 4_000) + 100;
    const day = new Date(Date.UTC(2026, 0, 1) + (n % o.days) * 86_400_000).toISOString().slice(0, 10);
    const tx: StoredTransaction = {
      modelId: `m${n % o.models}`,
      agencyId: 'agency-1',
      txKey: `oid#t${n}`,
      date: `${day}T10:00:00.000Z`,
      day,
      gross,
      net: source === 'refund' ? gross : Math.floor(gross * 0.8),
      source,
      category: categorize(source),
    };
    const image = marshall({ pk: keys.modelPk(tx.modelId), sk: keys.txSk(tx.txKey), ...tx });
    const record: DynamoDBRecord = {
      eventID: `ev-${n}`,
      eventName: 'INSERT',
      eventSource: 'aws:dynamodb',
      dynamodb: { SequenceNumber: String(1_000_000 + n), NewImage: image as never },
    };
    return { tx, record };
  });
}

/** One shard's aggregator: batches in order, retrying from the first failed record like Lambda. */
async function drainShard(
  handler: ReturnType<typeof makeAggregateHandler>,
  stream: DynamoDBRecord[],
  counts: { batchRetries: number; exhausted: number },
): Promise<void> {
  let pos = 0;
  let failing = { seq: '', tries: 0 };
  while (pos < stream.length) {
    const batch = stream.slice(pos, pos + BATCH);
    const failed = (await handler({ Records: batch })).batchItemFailures[0]?.itemIdentifier;
    const at = failed === undefined ? batch.length : batch.findIndex((r) => r.dynamodb?.SequenceNumber === failed);
    pos += at;
    if (failed === undefined) continue;
    counts.batchRetries += 1;
    failing = failing.seq === failed ? { seq: failed, tries: failing.tries + 1 } : { seq: failed, tries: 1 };
    if (failing.tries > MAX_RETRIES) {
      counts.exhausted += 1;
      pos += 1;
    }
  }
}

/** Every bench agency counts in UTC (no agency records in these tables). */
const utcZones: ZoneLookup = async (ids) => new Map(ids.map((id) => [id, ['UTC']]));

/** Runs every writer count, before and after sharding the agency items, on one DynamoDB Local (fresh tables per run). */
export async function runConcurrencyBench(opts: Partial<ConcurrencyBenchOptions> = {}): Promise<ConcurrencyRun[]> {
  const o: ConcurrencyBenchOptions = { records: 4_000, models: 40, days: 30, writers: [1, 2, 4, 8], ...opts };
  const all = records(o);
  const expected = totalsFromTransactions(
    all.map((r) => r.tx),
    () => ['UTC'],
  );
  const ddb = await startDynamoDbLocal();
  const config = {
    endpoint: ddb.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  };
  const admin = new DynamoDBClient(config);
  const clock = { now: () => Date.now() };
  const runs: ConcurrencyRun[] = [];
  try {
    // A first, unreported pass warms the JVM and the JIT, so N = 1 is not measured cold.
    const plan = [
      { n: 0, agencyShards: 1 },
      ...[1, AGENCY_SHARDS].flatMap((agencyShards) => o.writers.map((n) => ({ n, agencyShards }))),
    ];
    for (const { n, agencyShards } of plan) {
      const tables = await createTables(admin, `conc${n}s${agencyShards}`);
      const model = createConflictModel();
      const counts = { batchRetries: 0, exhausted: 0 };
      const writers = Math.max(1, n);
      const streams = Array.from({ length: writers }, (_, i) =>
        all.filter((r) => Number(r.tx.modelId.slice(1)) % writers === i).map((r) => r.record),
      );
      const clients = streams.map(() => new DynamoDBClient(config));
      const started = performance.now();
      await Promise.all(
        streams.map((stream, i) => {
          const client = clients[i] as DynamoDBClient;
          model.attach(client);
          const store = new TotalsStore(DynamoDBDocumentClient.from(client), tables.totals, clock, { agencyShards });
          return drainShard(
            makeAggregateHandler({
              store,
              zones: utcZones,
              columns: async () => legacyColumns,
              logger: silentLogger,
              metrics: noopMetrics,
            }),
            stream,
            counts,
          );
        }),
      );
      const seconds = (performance.now() - started) / 1000;
      for (const c of clients) c.destroy();
      const actual = await readTotalsTable(DynamoDBDocumentClient.from(admin), tables.totals);
      const stats = model.stats();
      if (n === 0) continue;
      runs.push({
        agencyShards,
        writers: n,
        records: all.length,
        seconds,
        recordsPerSecond: all.length / seconds,
        transactions: stats.transactions,
        conflictRetriesPerRecord: stats.cancelled / all.length,
        batchRetries: counts.batchRetries,
        exhausted: counts.exhausted,
        differences: diffTotals(expected, actual).length,
      });
    }
  } finally {
    admin.destroy();
    await ddb.stop();
  }
  return runs;
}

/** One line per writer count. */
export function formatConcurrency(runs: ConcurrencyRun[]): string {
  return runs
    .map(
      (r) =>
        `${r.agencyShards === 1 ? 'unsharded agency items' : `agency items in ${r.agencyShards} shards`}, ${r.writers} aggregator(s): ${r.records} records in ${r.seconds.toFixed(1)} s = ${r.recordsPerSecond.toFixed(0)} records/s; ` +
        `${r.conflictRetriesPerRecord.toFixed(3)} conflict retries per record (${r.transactions} transactions); ` +
        `${r.batchRetries} batch retries, ${r.exhausted} records exhausted their retries; ${r.differences} counters off`,
    )
    .join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  quietSdkNodeNotice();
  const flag = (name: string) => {
    const i = process.argv.indexOf(`--${name}`);
    return i >= 0 ? Number(process.argv[i + 1]) : undefined;
  };
  const runs = await runConcurrencyBench({
    ...(flag('records') && { records: flag('records') }),
    ...(flag('models') && { models: flag('models') }),
  });
  console.log(formatConcurrency(runs));
}
