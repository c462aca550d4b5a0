import type { DynamoDBRecord } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { dynamoZoneLookup } from '../../lambdas/adapters/dynamo/agencies';
import { dynamoColumnLookup } from '../../lambdas/adapters/dynamo/model-columns';
import { TotalsStore } from '../../lambdas/adapters/dynamo/totals-store';
import { noopMetrics } from '../../lambdas/adapters/metrics';
import { makeAggregateHandler } from '../../lambdas/handlers/aggregate-handler';
import { silentLogger } from '../../lambdas/shared/logger';
import { keys } from '../../lambdas/shared/tables';
import { transactionsStreamArn } from '../../local/bootstrap';
import { type StreamPoller, startStreamPoller } from '../../local/stream-poller';
import {
  actualTotals,
  expectedFromTable,
  localStreamsClient,
  markerCount,
  mismatches,
  putTx,
  tx,
} from '../support/aggregate-fixtures';
import { freshTables } from '../support/ddb';

// Real time: DynamoDB Local enforces the markers' TTL, so a clock in the past would expire them at once.
const clock = { now: () => Date.now() };
let poller: StreamPoller | undefined;
afterEach(async () => {
  await poller?.stop();
  poller = undefined;
});

/** Collects the real stream records of the transactions table (through the poller, with a handler that only records). */
async function realRecords(t: Awaited<ReturnType<typeof freshTables>>): Promise<DynamoDBRecord[]> {
  const seen: DynamoDBRecord[] = [];
  poller = startStreamPoller({
    streamsClient: localStreamsClient(),
    streamArn: await transactionsStreamArn(t.client, t.names.transactions),
    handler: async (e) => void seen.push(...e.Records),
    pollIntervalMs: 20,
  });
  await poller.drain();
  return seen;
}

describe('aggregator on DynamoDB Local', () => {
  it('applies a redelivered batch and a batch retried from a middle record exactly once', async () => {
    const t = await freshTables();
    await putTx(t.doc, t.names.transactions, tx({ txKey: 'a', gross: 1000, net: 800 }));
    await putTx(t.doc, t.names.transactions, tx({ txKey: 'b', gross: -300, net: -300, source: 'refund' }));
    await putTx(t.doc, t.names.transactions, tx({ txKey: 'a', gross: 1200, net: 900, status: 'availableForPayout' }));
    const records = await realRecords(t);
    expect(records.map((r) => r.eventName)).toEqual(['INSERT', 'INSERT', 'MODIFY']);
    const handler = makeAggregateHandler({
      store: new TotalsStore(t.doc, t.names.totals, clock),
      zones: dynamoZoneLookup(t.doc, t.names.control),
      columns: dynamoColumnLookup(t.doc, t.names.control),
      logger: silentLogger,
      metrics: noopMetrics,
    });

    expect(await handler({ Records: records.slice(0, 2) })).toEqual({ batchItemFailures: [] });
    // Lambda redelivers the whole batch, then a batch retried from its second record, then the same record twice in one batch.
    expect(await handler({ Records: records })).toEqual({ batchItemFailures: [] });
    expect(await handler({ Records: records.slice(1) })).toEqual({ batchItemFailures: [] });
    expect(await handler({ Records: [records[2]!, records[2]!] })).toEqual({ batchItemFailures: [] });

    expect(
      mismatches(await expectedFromTable(t.doc, t.names.transactions), await actualTotals(t.doc, t.names.totals)),
    ).toEqual([]);
    const all = await actualTotals(t.doc, t.names.totals);
    expect(all.get('AGENCY#a1|TOTAL')).toMatchObject({
      gross: 900,
      net: 600,
      count: 2,
      src_refund_gross: -300,
      src_tip_count: 1,
    });
    expect(await markerCount(t.doc, t.names.totals)).toBe(3);
  });

  it('groups a batch per totals item and keeps every transaction within 100 items', async () => {
    const t = await freshTables();
    for (let i = 0; i < 150; i += 1)
      await putTx(t.doc, t.names.transactions, tx({ txKey: `k${i}`, modelId: `m${i % 3}`, gross: i + 1, net: i }));
    const records = await realRecords(t);
    const sizes: number[] = [];
    const agencyWrites: number[] = [];
    t.doc.middlewareStack.add(
      (next) => async (args) => {
        const input = args.input as { TransactItems?: { Update?: { Key?: Record<string, unknown> } }[] };
        if (input.TransactItems) {
          sizes.push(input.TransactItems.length);
          agencyWrites.push(
            input.TransactItems.filter(
              (i) => keys.logicalTotalsPk(String(i.Update?.Key?.pk)) === 'AGENCY#a1' && i.Update?.Key?.sk === 'TOTAL',
            ).length,
          );
        }
        return next(args);
      },
      { step: 'initialize', name: 'countTransactItems' },
    );
    const handler = makeAggregateHandler({
      store: new TotalsStore(t.doc, t.names.totals, clock),
      zones: dynamoZoneLookup(t.doc, t.names.control),
      columns: dynamoColumnLookup(t.doc, t.names.control),
      logger: silentLogger,
      metrics: noopMetrics,
    });
    expect(await handler({ Records: records })).toEqual({ batchItemFailures: [] });
    expect(sizes.length).toBe(2);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(100);
    expect(agencyWrites).toEqual([1, 1]);
    expect(
      mismatches(await expectedFromTable(t.doc, t.names.transactions), await actualTotals(t.doc, t.names.totals)),
    ).toEqual([]);
    const item = (await actualTotals(t.doc, t.names.totals)).get('AGENCY#a1|ZDAY#UTC#2026-01-01');
    expect(item).toMatchObject({ count: 150, gross: (150 * 151) / 2 });
  });

  it('drops records whose marker already exists and applies the rest of the transaction', async () => {
    const t = await freshTables();
    await putTx(t.doc, t.names.transactions, tx({ txKey: 'a', gross: 100, net: 90 }));
    await putTx(t.doc, t.names.transactions, tx({ txKey: 'b', gross: 200, net: 180 }));
    const records = await realRecords(t);
    // The first record's transaction committed earlier (say its response was lost): only its marker and deltas exist.
    const store = new TotalsStore(t.doc, t.names.totals, clock);
    const first = await store.applyRecords([
      {
        eventID: records[0]!.eventID!,
        deltas: [{ key: { pk: 'MODEL#m1', sk: 'TOTAL' }, counters: { gross: 100, net: 90, count: 1 } }],
      },
    ]);
    expect(first.applied).toEqual([0]);
    const outcome = await store.applyRecords([
      {
        eventID: records[0]!.eventID!,
        deltas: [{ key: { pk: 'MODEL#m1', sk: 'TOTAL' }, counters: { gross: 100, net: 90, count: 1 } }],
      },
      {
        eventID: records[1]!.eventID!,
        deltas: [{ key: { pk: 'MODEL#m1', sk: 'TOTAL' }, counters: { gross: 200, net: 180, count: 1 } }],
      },
    ]);
    expect(outcome).toMatchObject({ applied: [1], duplicates: [0] });
    expect((await actualTotals(t.doc, t.names.totals)).get('MODEL#m1|TOTAL')).toMatchObject({
      gross: 300,
      net: 270,
      count: 2,
    });
  });
});
