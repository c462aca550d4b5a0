import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { dynamoZoneLookup } from '../../lambdas/adapters/dynamo/agencies';
import { dynamoColumnLookup } from '../../lambdas/adapters/dynamo/model-columns';
import { TotalsStore } from '../../lambdas/adapters/dynamo/totals-store';
import { noopMetrics } from '../../lambdas/adapters/metrics';
import { makeAggregateHandler } from '../../lambdas/handlers/aggregate-handler';
import { silentLogger } from '../../lambdas/shared/logger';
import { transactionsStreamArn } from '../../local/bootstrap';
import { type StreamPoller, startStreamPoller } from '../../local/stream-poller';
import {
  actualTotals,
  expectedFromTable,
  localStreamsClient,
  mismatches,
  putTx,
  tx,
} from '../support/aggregate-fixtures';
import { freshTables } from '../support/ddb';

let poller: StreamPoller | undefined;
afterEach(async () => {
  await poller?.stop();
  poller = undefined;
});

describe('local stream poller', () => {
  it('sends a poison record to the failure sink after maxRetries and applies the records before and after it', async () => {
    const t = await freshTables();
    await putTx(t.doc, t.names.transactions, tx({ txKey: 'before', gross: 500, net: 400 }));
    // A row the aggregator cannot parse: gross is not integer cents.
    await t.doc.send(
      new PutCommand({
        TableName: t.names.transactions,
        Item: { ...tx({ txKey: 'poison' }), pk: 'MODEL#m1', sk: 'TX#poison', gross: 12.5 },
      }),
    );
    await putTx(t.doc, t.names.transactions, tx({ txKey: 'after', gross: 700, net: 600 }));

    const failures: { record: DynamoDBRecord; reason: string }[] = [];
    const errors: unknown[] = [];
    const logger = { ...silentLogger, error: (...args: unknown[]) => void errors.push(args) };
    const invocations: number[] = [];
    const handler = makeAggregateHandler({
      store: new TotalsStore(t.doc, t.names.totals, { now: () => Date.now() }),
      zones: dynamoZoneLookup(t.doc, t.names.control),
      columns: dynamoColumnLookup(t.doc, t.names.control),
      logger,
      metrics: noopMetrics,
    });
    poller = startStreamPoller({
      streamsClient: localStreamsClient(),
      streamArn: await transactionsStreamArn(t.client, t.names.transactions),
      handler: async (event) => {
        invocations.push(event.Records.length);
        return handler(event);
      },
      maxRetries: 2,
      pollIntervalMs: 20,
      retryDelayMs: 1,
      onFailure: (record, reason) => void failures.push({ record, reason }),
    });
    await poller.drain();

    expect(failures).toHaveLength(1);
    expect(failures[0]!.record.dynamodb?.Keys).toEqual({ pk: { S: 'MODEL#m1' }, sk: { S: 'TX#poison' } });
    expect(failures[0]!.record.eventSourceARN).toContain('stream');
    expect(failures[0]!.reason).toMatch(/batchItemFailures.*3 attempts/);
    // The handler logged why: the image failed validation on `gross`.
    expect(JSON.stringify(errors)).toMatch(/poison stream record.*gross/);
    // First delivery of all three, two retries from the poison record, then the record after it alone.
    expect(invocations).toEqual([3, 2, 2, 1]);
    const totals = await actualTotals(t.doc, t.names.totals);
    expect(totals.get('MODEL#m1|TOTAL')).toMatchObject({ gross: 1200, net: 1000, count: 2 });
    expect(poller.stats()).toMatchObject({ sentToFailure: 1, retries: 2, recordsReceived: 3 });
  });

  it('retries a batch whose handler throws and stays exact when the thrown batch had been applied', async () => {
    const t = await freshTables();
    for (let i = 0; i < 5; i += 1)
      await putTx(t.doc, t.names.transactions, tx({ txKey: `k${i}`, gross: 100 * (i + 1), net: 90 * (i + 1) }));
    const handler = makeAggregateHandler({
      store: new TotalsStore(t.doc, t.names.totals, { now: () => Date.now() }),
      zones: dynamoZoneLookup(t.doc, t.names.control),
      columns: dynamoColumnLookup(t.doc, t.names.control),
      logger: silentLogger,
      metrics: noopMetrics,
    });
    let calls = 0;
    poller = startStreamPoller({
      streamsClient: localStreamsClient(),
      streamArn: await transactionsStreamArn(t.client, t.names.transactions),
      // Applies the batch, then fails like a Lambda timing out after its writes: the whole batch comes again.
      handler: async (event) => {
        calls += 1;
        const out = await handler(event);
        if (calls === 1) throw new Error('timed out');
        return out;
      },
      batchSize: 2,
      pollIntervalMs: 20,
      retryDelayMs: 1,
    });
    await poller.drain();
    await putTx(t.doc, t.names.transactions, tx({ txKey: 'late', gross: 1, net: 1 }));
    await poller.drain();
    expect(
      mismatches(await expectedFromTable(t.doc, t.names.transactions), await actualTotals(t.doc, t.names.totals)),
    ).toEqual([]);
    expect((await actualTotals(t.doc, t.names.totals)).get('AGENCY#a1|TOTAL')).toMatchObject({ gross: 1501, count: 6 });
    expect(poller.stats()).toMatchObject({ retries: 1, sentToFailure: 0, recordsSucceeded: 6 });
  });
});
