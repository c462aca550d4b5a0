import { pathToFileURL } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { BatchWriteCommand, DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoZoneLookup } from '../lambdas/adapters/dynamo/agencies';
import { dynamoColumnLookup } from '../lambdas/adapters/dynamo/model-columns';
import { TotalsReader } from '../lambdas/adapters/dynamo/totals-reader';
import { TotalsStore } from '../lambdas/adapters/dynamo/totals-store';
import { noopMetrics } from '../lambdas/adapters/metrics';
import { totalsFromTransactions } from '../lambdas/domain/aggregate';
import { categorize, type StoredTransaction } from '../lambdas/domain/transaction';
import { makeAggregateHandler } from '../lambdas/handlers/aggregate-handler';
import { silentLogger } from '../lambdas/shared/logger';
import { keys } from '../lambdas/shared/tables';
import { createTables, transactionsStreamArn } from '../local/bootstrap';
import { startDynamoDbLocal } from '../local/dynamodb-local';
import { quietSdkNodeNotice } from '../local/sdk-notice';
import { startStreamPoller } from '../local/stream-poller';

/**
 * Aggregator benchmark on DynamoDB Local: delta application (ours) against the
 * replaced system's recompute-from-scratch after every sync, on the same data.
 *
 * Run: `npx tsx bench/aggregate.ts` (reduced size), `--full` (200 x 5,000 x 10),
 * or `--models N --history N --new N --throughput N`. Figures are in the README.
 */
export interface AggregateBenchOptions {
  models: number;
  /** Stored rows per model before the measured cycle. */
  historyRows: number;
  /** New rows per model in the measured sync cycle. */
  newRows: number;
  /** Stream records for the separate throughput run. @default 2000 */
  throughputRecords?: number;
}

/** The issue's full size: 200 models x 5,000 history rows x 10 new rows (about 8 min of loading on DynamoDB Local). */
export const FULL_SIZE: AggregateBenchOptions = { models: 200, historyRows: 5_000, newRows: 10 };
/** Default reduced size (loads in seconds). */
export const REDUCED_SIZE: AggregateBenchOptions = { models: 20, historyRows: 1_000, newRows: 10 };

export interface AggregateBenchResult {
  size: Required<AggregateBenchOptions>;
  load: { rows: number; seconds: number; itemsPerSecond: number };
  throughput: {
    records: number;
    seconds: number;
    recordsPerSecond: number;
    writeItemsPerRecord: number;
    transactionsPerRecord: number;
  };
  cycle: {
    seed: { itemsRead: number; wallMs: number };
    ours: { streamRecordsRead: number; tableItemsRead: number; writeItems: number; wallMs: number };
    ratio: { itemsRead: number; wallTime: number };
  };
}

const AGENCIES = 5;
const SOURCES = ['subscription', 'renewal', 'tip', 'message', 'post', 'referral'];

function row(model: number, n: number, tag: string): StoredTransaction {
  const day = `2026-0${1 + (n % 9)}-${String(1 + (n % 28)).padStart(2, '0')}`;
  const source = n % 37 === 0 ? 'refund' : SOURCES[n % SOURCES.length]!;
  const gross = source === 'refund' ? -((n % 900) + 100) : (n % 5_000) + 100;
  return {
    modelId: `m${model}`,
    agencyId: `a${model % AGENCIES}`,
    txKey: `${tag}${n}`,
    date: `${day}T12:00:00.000Z`,
    day,
    gross,
    net: source === 'refund' ? gross : Math.floor(gross * 0.8),
    source,
    category: categorize(source),
  };
}

/** BatchWriteItem in 25s with a few requests in flight; retries unprocessed items. */
async function load(
  doc: DynamoDBDocumentClient,
  table: string,
  rows: StoredTransaction[],
  inFlight = 8,
): Promise<void> {
  const batches: StoredTransaction[][] = [];
  for (let i = 0; i < rows.length; i += 25) batches.push(rows.slice(i, i + 25));
  let next = 0;
  const worker = async () => {
    while (next < batches.length) {
      let requests = batches[next++]!.map((t) => ({
        PutRequest: { Item: { pk: keys.modelPk(t.modelId), sk: keys.txSk(t.txKey), ...t } },
      }));
      for (let attempt = 0; requests.length > 0 && attempt < 10; attempt += 1) {
        const out = await doc.send(new BatchWriteCommand({ RequestItems: { [table]: requests } }));
        requests = (out.UnprocessedItems?.[table] ?? []) as typeof requests;
      }
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
}

/** Runs the benchmark on its own DynamoDB Local (started and stopped here). */
export async function runAggregateBench(opts: AggregateBenchOptions = REDUCED_SIZE): Promise<AggregateBenchResult> {
  const size = { throughputRecords: 2_000, ...opts };
  const ddb = await startDynamoDbLocal();
  const config = {
    endpoint: ddb.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  };
  const client = new DynamoDBClient(config);
  const streams = new DynamoDBStreamsClient(config);
  const doc = DynamoDBDocumentClient.from(client);
  const writes = { items: 0, transactions: 0 };
  // A separate client for the aggregator so its TransactWriteItems can be counted.
  const storeDoc = DynamoDBDocumentClient.from(new DynamoDBClient(config));
  storeDoc.middlewareStack.add(
    (next) => async (args) => {
      const items = (args.input as { TransactItems?: unknown[] }).TransactItems;
      if (items) {
        writes.items += items.length;
        writes.transactions += 1;
      }
      return next(args);
    },
    { step: 'initialize', name: 'countWrites' },
  );
  const clock = { now: () => Date.now() };
  try {
    // 1. Throughput: a backlog of stream records, applied from TRIM_HORIZON.
    const tp = await createTables(client, 'throughput');
    const tpRows = Array.from({ length: size.throughputRecords }, (_, n) => row(n % size.models, n, 'tp'));
    await load(doc, tp.transactions, tpRows);
    const tpHandler = makeAggregateHandler({
      store: new TotalsStore(storeDoc, tp.totals, clock),
      zones: dynamoZoneLookup(storeDoc, tp.control),
      columns: dynamoColumnLookup(storeDoc, tp.control),
      logger: silentLogger,
      metrics: noopMetrics,
    });
    let started = performance.now();
    const tpPoller = startStreamPoller({
      streamsClient: streams,
      streamArn: await transactionsStreamArn(client, tp.transactions),
      handler: tpHandler,
      batchSize: 100,
      pollIntervalMs: 10,
    });
    await tpPoller.drain(600_000);
    const tpSeconds = (performance.now() - started) / 1000;
    const tpRecords = tpPoller.stats().recordsSucceeded;
    await tpPoller.stop();
    const throughput = {
      records: tpRecords,
      seconds: tpSeconds,
      recordsPerSecond: tpRecords / tpSeconds,
      writeItemsPerRecord: writes.items / tpRecords,
      transactionsPerRecord: writes.transactions / tpRecords,
    };

    // 2. History for the cycle comparison.
    const names = await createTables(client, 'cycle');
    const history = Array.from({ length: size.models * size.historyRows }, (_, n) =>
      row(n % size.models, Math.floor(n / size.models), 'h'),
    );
    started = performance.now();
    await load(doc, names.transactions, history);
    const loadSeconds = (performance.now() - started) / 1000;

    // 3. The aggregator listens from LATEST (history is what earlier cycles already applied).
    const handler = makeAggregateHandler({
      store: new TotalsStore(storeDoc, names.totals, clock),
      zones: dynamoZoneLookup(storeDoc, names.control),
      columns: dynamoColumnLookup(storeDoc, names.control),
      logger: silentLogger,
      metrics: noopMetrics,
    });
    const poller = startStreamPoller({
      streamsClient: streams,
      streamArn: await transactionsStreamArn(client, names.transactions),
      handler,
      startingPosition: 'LATEST',
      pollIntervalMs: 10,
    });
    await poller.drain();
    const before = { ...writes, received: poller.stats().recordsReceived };

    // 4. One sync cycle: newRows per model land in the table (the sync's own writes are not timed).
    await load(
      doc,
      names.transactions,
      Array.from({ length: size.models * size.newRows }, (_, n) => row(n % size.models, n, 'new')),
    );
    started = performance.now();
    await poller.drain(600_000);
    const oursMs = performance.now() - started;
    const ours = {
      streamRecordsRead: poller.stats().recordsReceived - before.received,
      tableItemsRead: 0,
      writeItems: writes.items - before.items,
      wallMs: oursMs,
    };
    await poller.stop();

    // 5. The replaced system: after the sync, read every transaction of every model and write its total.
    const reader = new TotalsReader(doc, { transactions: names.transactions, totals: names.totals });
    started = performance.now();
    for (let m = 0; m < size.models; m += 1) {
      const txs = await reader.transactionsOf(`m${m}`);
      const total = totalsFromTransactions(txs, () => ['UTC']).get(`${keys.modelPk(`m${m}`)}|${keys.totalSk}`);
      await doc.send(
        new PutCommand({ TableName: names.totals, Item: { pk: `SEED#m${m}`, sk: keys.totalSk, ...total?.counters } }),
      );
    }
    const seed = { itemsRead: reader.itemsRead, wallMs: performance.now() - started };

    return {
      size,
      load: { rows: history.length, seconds: loadSeconds, itemsPerSecond: history.length / loadSeconds },
      throughput,
      cycle: {
        seed,
        ours,
        ratio: { itemsRead: seed.itemsRead / Math.max(1, ours.streamRecordsRead), wallTime: seed.wallMs / ours.wallMs },
      },
    };
  } finally {
    await ddb.stop();
  }
}

function parseArgs(argv: string[]): AggregateBenchOptions {
  const flag = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 && argv[i + 1] ? Number.parseInt(argv[i + 1]!, 10) : undefined;
  };
  const base = argv.includes('--full') ? FULL_SIZE : REDUCED_SIZE;
  return {
    models: flag('models') ?? base.models,
    historyRows: flag('history') ?? base.historyRows,
    newRows: flag('new') ?? base.newRows,
    throughputRecords: flag('throughput') ?? 2_000,
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  quietSdkNodeNotice();
  const result = await runAggregateBench(parseArgs(process.argv.slice(2)));
  const r = (n: number, d = 1) => n.toFixed(d);
  const { size, load: l, throughput: t, cycle: c } = result;
  console.log(
    `size: ${size.models} models x ${size.historyRows} history rows x ${size.newRows} new rows; throughput run ${size.throughputRecords} records`,
  );
  console.log(`history load: ${l.rows} rows in ${r(l.seconds)} s (${r(l.itemsPerSecond, 0)} items/s)`);
  console.log(
    `aggregator: ${t.records} stream records in ${r(t.seconds, 2)} s = ${r(t.recordsPerSecond, 0)} records/s; ${r(t.writeItemsPerRecord, 2)} write items and ${r(t.transactionsPerRecord, 3)} transactions per record`,
  );
  console.log(`cycle, seed (recompute each model): ${c.seed.itemsRead} items read, ${r(c.seed.wallMs, 0)} ms`);
  console.log(
    `cycle, ours (apply deltas): ${c.ours.streamRecordsRead} stream records read, ${c.ours.tableItemsRead} table items read, ${c.ours.writeItems} write items, ${r(c.ours.wallMs, 0)} ms`,
  );
  console.log(`ratio seed/ours: items read x${r(c.ratio.itemsRead)}, wall time x${r(c.ratio.wallTime)}`);
}
