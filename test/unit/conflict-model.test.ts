import { DynamoDBClient, TransactionCanceledException, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { createConflictModel } from '../../bench/support/conflict-model';

/** A client whose HTTP layer is a queue of requests the test answers by hand: no network. */
function heldClient() {
  const pending: { target: string; release: () => void }[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  /** Resolves once `count` requests have reached the HTTP layer (no timing assumptions). */
  const untilPending = (count: number) =>
    new Promise<void>((resolve) => {
      if (pending.length >= count) resolve();
      else waiters.push({ count, resolve });
    });
  const client = new DynamoDBClient({
    region: 'us-east-1',
    endpoint: 'http://dynamodb.test',
    credentials: { accessKeyId: 'k', secretAccessKey: 's' },
    maxAttempts: 1,
    requestHandler: {
      handle: (request: { headers: Record<string, string> }) =>
        new Promise((resolve) => {
          pending.push({
            target: request.headers['x-amz-target'] ?? '',
            release: () =>
              resolve({
                response: {
                  statusCode: 200,
                  headers: { 'content-type': 'application/x-amz-json-1.0' },
                  body: new TextEncoder().encode('{}'),
                },
              }),
          });
          for (const w of waiters.splice(0)) {
            if (pending.length >= w.count) w.resolve();
            else waiters.push(w);
          }
        }),
    },
  });
  return { client, doc: DynamoDBDocumentClient.from(client), pending, untilPending };
}

const add = (pk: string, sk = 'TOTAL') => ({
  Update: {
    TableName: 'totals',
    Key: { pk, sk },
    UpdateExpression: 'ADD gross :g',
    ExpressionAttributeValues: { ':g': 1 },
  },
});
const marker = (id: string) => ({
  Put: {
    TableName: 'totals',
    Item: { pk: `MARKER#${id}`, sk: 'MARKER' },
    ConditionExpression: 'attribute_not_exists(pk)',
  },
});

describe('transaction conflict model', () => {
  it('cancels a transaction touching an item another in-flight transaction holds, with the reasons AWS returns', async () => {
    const model = createConflictModel();
    const a = heldClient();
    const b = heldClient();
    model.attach(a.client);
    model.attach(b.client);

    const first = a.doc.send(new TransactWriteCommand({ TransactItems: [marker('e1'), add('AGENCY#x')] }));
    await a.untilPending(1);
    expect(a.pending).toHaveLength(1);

    const second = b.doc.send(
      new TransactWriteCommand({ TransactItems: [marker('e2'), add('MODEL#m2'), add('AGENCY#x')] }),
    );
    const error = await second.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TransactionCanceledException);
    const cancelled = error as TransactionCanceledException;
    expect(cancelled.name).toBe('TransactionCanceledException');
    expect(cancelled.CancellationReasons?.map((r) => r.Code)).toEqual(['None', 'None', 'TransactionConflict']);
    expect(cancelled.message).toContain('[None, None, TransactionConflict]');
    expect(b.pending).toHaveLength(0);

    // A transaction on other items goes through while the first is still in flight.
    const disjoint = b.doc.send(new TransactWriteCommand({ TransactItems: [marker('e3'), add('MODEL#m3')] }));
    await b.untilPending(1);
    expect(b.pending).toHaveLength(1);
    b.pending.shift()?.release();
    await disjoint;

    a.pending.shift()?.release();
    await first;
    // Once the holder finished, the same transaction is accepted.
    const retried = b.doc.send(
      new TransactWriteCommand({ TransactItems: [marker('e2'), add('MODEL#m2'), add('AGENCY#x')] }),
    );
    await b.untilPending(1);
    b.pending.shift()?.release();
    await retried;
    expect(model.stats()).toMatchObject({ transactions: 4, cancelled: 1, maxInFlight: 2 });
  });

  it('sees the same item through a plain client and a document client', async () => {
    const model = createConflictModel();
    const a = heldClient();
    model.attach(a.client);
    const held = a.client.send(
      new TransactWriteItemsCommand({
        TransactItems: [
          {
            Update: {
              TableName: 'totals',
              Key: { pk: { S: 'AGENCY#x' }, sk: { S: 'TOTAL' } },
              UpdateExpression: 'ADD gross :g',
              ExpressionAttributeValues: { ':g': { N: '1' } },
            },
          },
        ],
      }),
    );
    await a.untilPending(1);
    await expect(a.doc.send(new TransactWriteCommand({ TransactItems: [add('AGENCY#x')] }))).rejects.toMatchObject({
      name: 'TransactionCanceledException',
      CancellationReasons: [{ Code: 'TransactionConflict' }],
    });
    // A single-item write on the held item is refused the way DynamoDB refuses it.
    await expect(
      a.doc.send(
        new UpdateCommand({
          TableName: 'totals',
          Key: { pk: 'AGENCY#x', sk: 'TOTAL' },
          UpdateExpression: 'ADD gross :g',
          ExpressionAttributeValues: { ':g': 1 },
        }),
      ),
    ).rejects.toMatchObject({ name: 'TransactionConflictException' });
    // Another sort key of the same partition is another item: no conflict.
    const otherDay = a.doc.send(new TransactWriteCommand({ TransactItems: [add('AGENCY#x', 'DAY#2026-01-01')] }));
    await a.untilPending(2);
    for (const p of a.pending.splice(0)) p.release();
    await Promise.all([held, otherDay]);
    expect(model.stats()).toMatchObject({ transactions: 3, cancelled: 1, singleWritesRefused: 1 });
  });
});
