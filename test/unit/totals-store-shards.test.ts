import { DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { TotalsStore } from '../../lambdas/adapters/dynamo/totals-store';
import { AGENCY_SHARDS, keys } from '../../lambdas/shared/tables';

const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
const ddb = mockClient(doc);
afterEach(() => ddb.reset());

const record = (eventID: string) => ({
  eventID,
  deltas: [
    { key: { pk: keys.modelPk('m1'), sk: keys.totalSk }, modelId: 'm1', agencyId: 'a1', counters: { gross: 100 } },
    { key: { pk: keys.agencyPk('a1'), sk: keys.totalSk }, counters: { gross: 100 } },
  ],
});

const conflict = () =>
  new TransactionCanceledException({
    message:
      'Transaction cancelled, please refer cancellation reasons for specific reasons [None, None, TransactionConflict]',
    $metadata: {},
    CancellationReasons: [{ Code: 'None' }, { Code: 'None' }, { Code: 'TransactionConflict' }],
  });

/** The pk of every Update in each TransactWriteItems sent. */
function updatedPks(): string[][] {
  return ddb
    .commandCalls(TransactWriteCommand)
    .map((c) => (c.args[0].input.TransactItems ?? []).flatMap((i) => (i.Update ? [String(i.Update.Key?.pk)] : [])));
}

describe('TotalsStore agency shards', () => {
  it('writes agency items to its shard and moves to another shard after a TransactionConflict; model items never move', async () => {
    ddb.on(TransactWriteCommand).rejectsOnce(conflict()).resolves({});
    const draws = [0.3, 0.5];
    const store = new TotalsStore(doc, 'totals', { now: () => 0 }, { backoffMs: 0, random: () => draws.shift() ?? 0 });

    const outcome = await store.applyRecords([record('e1')]);

    expect(outcome).toEqual({ applied: [0], duplicates: [] });
    const [first, second] = updatedPks();
    // Start shard floor(0.3 * 8) = 2; after the conflict (2 + 1 + floor(0.5 * 7)) % 8 = 6.
    expect(first).toEqual(['MODEL#m1', 'AGENCY#a1#S2']);
    expect(second).toEqual(['MODEL#m1', 'AGENCY#a1#S6']);
  });

  it('with one shard writes the logical key (the layout before sharding), and repairs always go to shard 0', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    ddb.on(UpdateCommand).resolves({});
    const store = new TotalsStore(doc, 'totals', { now: () => 0 }, { agencyShards: 1, random: () => 0.99 });
    await store.applyRecords([record('e1')]);
    expect(updatedPks()).toEqual([['MODEL#m1', 'AGENCY#a1']]);

    const sharded = new TotalsStore(doc, 'totals', { now: () => 0 }, { random: () => 0.99 });
    await sharded.addCounters({ key: { pk: keys.agencyPk('a1'), sk: keys.totalSk }, counters: { net: 5 } });
    expect(ddb.commandCalls(UpdateCommand).map((c) => c.args[0].input.Key)).toEqual([{ pk: 'AGENCY#a1', sk: 'TOTAL' }]);
  });

  it('names every shard of an agency pk and maps each back to the logical pk', () => {
    const pks = keys.agencyShardPks('AGENCY#a1');
    expect(pks).toHaveLength(AGENCY_SHARDS);
    expect(new Set(pks.map(keys.logicalTotalsPk))).toEqual(new Set(['AGENCY#a1']));
    expect(keys.logicalTotalsPk('MODEL#m#S1')).toBe('MODEL#m#S1');
  });
});
