import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { activatePendingZone, dynamoZoneLookup, getAgency, putAgency } from '../../lambdas/adapters/dynamo/agencies';
import { dynamoColumnLookup } from '../../lambdas/adapters/dynamo/model-columns';
import { dynamoModelStore } from '../../lambdas/adapters/dynamo/model-store';
import { TotalsReader } from '../../lambdas/adapters/dynamo/totals-reader';
import { TotalsStore } from '../../lambdas/adapters/dynamo/totals-store';
import { noopMetrics } from '../../lambdas/adapters/metrics';
import { contribution } from '../../lambdas/domain/aggregate';
import { type ReconcileDeps, type ReconcileReport, reconcileTotals } from '../../lambdas/domain/reconcile';
import type { SplitReconcileReport } from '../../lambdas/domain/reconcile-split';
import { makeAggregateHandler } from '../../lambdas/handlers/aggregate-handler';
import { makeReconcileHandler } from '../../lambdas/handlers/reconcile-handler';
import { silentLogger } from '../../lambdas/shared/logger';
import { keys } from '../../lambdas/shared/tables';
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
import { freshTables, type TestTables } from '../support/ddb';

let t: TestTables;
let poller: StreamPoller;
let warnings: unknown[];
let repairedMetric: number;
const clock = { now: () => Date.now() };

function deps(settleMs = 0, sleep?: ReconcileDeps['sleep']): ReconcileDeps {
  return {
    ...(sleep && { sleep }),
    listModels: () => dynamoModelStore(t.doc, t.names.control).listAll(),
    reader: new TotalsReader(t.doc, { transactions: t.names.transactions, totals: t.names.totals }),
    store: new TotalsStore(t.doc, t.names.totals, clock),
    zones: dynamoZoneLookup(t.doc, t.names.control),
    logger: { ...silentLogger, warn: (...a: unknown[]) => void warnings.push(a) },
    metrics: {
      count: (n, v) => {
        if (n === 'TotalsDriftRepaired') repairedMetric += v;
      },
      flush: () => undefined,
    },
    settleMs,
  };
}

beforeEach(async () => {
  t = await freshTables();
  warnings = [];
  repairedMetric = 0;
  for (const [modelId, agencyId] of [
    ['m1', 'a1'],
    ['m2', 'a1'],
    ['m3', 'a2'],
  ] as const) {
    await t.doc.send(
      new PutCommand({
        TableName: t.names.control,
        Item: {
          pk: keys.modelPk(modelId),
          sk: keys.modelSk,
          modelId,
          agencyId,
          displayName: modelId,
          creatorUuid: `u-${modelId}`,
          connectionId: `c-${agencyId}`,
        },
      }),
    );
  }
  await putTx(t.doc, t.names.transactions, tx({ txKey: 'a', modelId: 'm1', gross: 1000, net: 800, day: '2026-04-01' }));
  await putTx(
    t.doc,
    t.names.transactions,
    tx({ txKey: 'b', modelId: 'm2', gross: 2500, net: 2000, source: 'subscription', day: '2026-04-02' }),
  );
  await putTx(
    t.doc,
    t.names.transactions,
    tx({ txKey: 'c', modelId: 'm3', agencyId: 'a2', gross: -400, net: -400, source: 'chargeback', day: '2026-04-02' }),
  );
  const aggregate = makeAggregateHandler({
    store: new TotalsStore(t.doc, t.names.totals, clock),
    zones: dynamoZoneLookup(t.doc, t.names.control),
    columns: dynamoColumnLookup(t.doc, t.names.control),
    logger: silentLogger,
    metrics: noopMetrics,
  });
  poller = startStreamPoller({
    streamsClient: localStreamsClient(),
    streamArn: await transactionsStreamArn(t.client, t.names.transactions),
    handler: aggregate,
    pollIntervalMs: 20,
  });
  await poller.drain();
});
afterEach(() => poller.stop());

describe('reconciliation', () => {
  it('reports zero differences on a clean run and repairs nothing', async () => {
    const report = (await makeReconcileHandler(deps())({
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
    })) as ReconcileReport;
    expect(report).toMatchObject({ models: 3, agencies: 2, differences: [], repaired: 0 });
    // Models: 3 x TOTAL + 3 local (UTC zone) days; agencies: 2 x TOTAL + a1 on two days + a2 on one (no UTC-day items).
    expect(report.itemsChecked).toBe(11);
    expect(warnings).toEqual([]);
  });

  it('leaves a UTC-day item written before they were retired alone: never compared, never repaired', async () => {
    const old = { pk: 'MODEL#m1', sk: 'DAY#2026-04-01' };
    await t.doc.send(new PutCommand({ TableName: t.names.totals, Item: { ...old, gross: 1000, net: 800, count: 1 } }));
    const report = await reconcileTotals(deps(), { repair: true });
    expect(report).toMatchObject({ differences: [], repaired: 0 });
    const split = (await makeReconcileHandler(deps())({ scope: 'model', modelId: 'm1' })) as SplitReconcileReport;
    expect(split.differences).toEqual([]);
    expect((await t.doc.send(new GetCommand({ TableName: t.names.totals, Key: old }))).Item).toMatchObject({
      gross: 1000,
    });
  });

  it('finds deliberately corrupted totals, repairs them with an ADD of the difference, loudly, and then is clean', async () => {
    await t.doc.send(
      new UpdateCommand({
        TableName: t.names.totals,
        Key: { pk: 'MODEL#m1', sk: 'TOTAL' },
        UpdateExpression: 'ADD gross :g, src_tip_count :c',
        ExpressionAttributeValues: { ':g': 123, ':c': -1 },
      }),
    );
    // The aggregator wrote this agency day to one of its shards: lose every shard of it.
    for (const pk of keys.agencyShardPks('AGENCY#a2'))
      await t.doc.send(new DeleteCommand({ TableName: t.names.totals, Key: { pk, sk: 'ZDAY#UTC#2026-04-02' } }));

    const dry = await reconcileTotals(deps(), { repair: false });
    expect(dry.differences).toEqual(
      expect.arrayContaining([
        { key: 'MODEL#m1|TOTAL', field: 'gross', expected: 1000, actual: 1123 },
        { key: 'MODEL#m1|TOTAL', field: 'src_tip_count', expected: 1, actual: 0 },
        { key: 'AGENCY#a2|ZDAY#UTC#2026-04-02', field: 'gross', expected: -400, actual: 0 },
        { key: 'AGENCY#a2|ZDAY#UTC#2026-04-02', field: 'src_refund_count', expected: 1, actual: 0 },
        { key: 'AGENCY#a2|ZDAY#UTC#2026-04-02', field: 'm#m3#g', expected: -400, actual: 0 },
      ]),
    );
    // The agency day's 6 counters and its model's 3 columns.
    expect(dry.differences).toHaveLength(2 + 9);
    expect(
      mismatches(await expectedFromTable(t.doc, t.names.transactions), await actualTotals(t.doc, t.names.totals)),
    ).toHaveLength(11);

    const fixed = (await makeReconcileHandler(deps())({})) as ReconcileReport;
    expect(fixed.repaired).toBe(11);
    expect(repairedMetric).toBe(11);
    expect(JSON.stringify(warnings)).toContain('totals drift repaired');
    expect(
      mismatches(await expectedFromTable(t.doc, t.names.transactions), await actualTotals(t.doc, t.names.totals)),
    ).toEqual([]);
    expect((await reconcileTotals(deps(), { repair: true })).differences).toEqual([]);
  });

  it('rebuilds the local-day totals of a new agency zone from the transactions, then makes the zone active', async () => {
    await putAgency(t.doc, t.names.control, { agencyId: 'a1', name: 'A1', pendingTimeZone: 'Asia/Kathmandu' });
    const report = await reconcileTotals(
      { ...deps(), activateZone: (id, zone) => activatePendingZone(t.doc, t.names.control, id, zone) },
      { repair: true },
    );
    expect(report.zonesActivated).toEqual({ a1: 'Asia/Kathmandu' });
    expect(report.differences.every((d) => d.key.includes('ZDAY#Asia/Kathmandu#'))).toBe(true);
    expect(report.differences.length).toBeGreaterThan(0);
    expect(await getAgency(t.doc, t.names.control, 'a1')).toMatchObject({ timeZone: 'Asia/Kathmandu' });
    expect((await getAgency(t.doc, t.names.control, 'a1'))?.pendingTimeZone).toBeUndefined();
    // Old-zone (UTC) local days stay as they were; the new zone's are exact.
    const zones = (agencyId: string) => (agencyId === 'a1' ? ['UTC', 'Asia/Kathmandu'] : ['UTC']);
    expect(
      mismatches(
        await expectedFromTable(t.doc, t.names.transactions, zones),
        await actualTotals(t.doc, t.names.totals),
      ),
    ).toEqual([]);
    // Once active, a clean run finds nothing, and the old zone's items are not "repaired" away.
    expect((await reconcileTotals(deps(), { repair: true })).differences).toEqual([]);
  });

  it('for one model checks that model and its agency, not the other models', async () => {
    await t.doc.send(
      new UpdateCommand({
        TableName: t.names.totals,
        Key: { pk: 'MODEL#m2', sk: 'TOTAL' },
        UpdateExpression: 'ADD net :n',
        ExpressionAttributeValues: { ':n': 1 },
      }),
    );
    await t.doc.send(
      new UpdateCommand({
        TableName: t.names.totals,
        Key: { pk: 'AGENCY#a1', sk: 'TOTAL' },
        UpdateExpression: 'ADD net :n',
        ExpressionAttributeValues: { ':n': 5 },
      }),
    );
    const report = (await makeReconcileHandler(deps())({ modelId: 'm1', repair: false })) as ReconcileReport;
    expect(report.differences).toEqual([{ key: 'AGENCY#a1|TOTAL', field: 'net', expected: 2800, actual: 2805 }]);
    await expect(makeReconcileHandler(deps())({ modelId: 'nope' })).rejects.toThrow(/unknown model/);
  });

  it('does not repair a difference that the stream resolves before the second look', async () => {
    await poller.stop();
    await putTx(
      t.doc,
      t.names.transactions,
      tx({ txKey: 'd', modelId: 'm3', agencyId: 'a2', gross: 50, net: 40, day: '2026-04-02' }),
    );
    // The settle wait is held open until the aggregator has applied the in-flight record: no real wait, no race.
    let firstLookDone!: (ms: number) => void;
    const settling = new Promise<number>((r) => (firstLookDone = r));
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    const sleep = (ms: number) => {
      firstLookDone(ms);
      return released;
    };
    const running = reconcileTotals(deps(3_000, sleep), { repair: true });
    // The record is still in flight when reconciliation first looks; the aggregator applies it during the settle wait.
    expect(await settling).toBe(3_000);
    const aggregate = makeAggregateHandler({
      store: new TotalsStore(t.doc, t.names.totals, clock),
      zones: dynamoZoneLookup(t.doc, t.names.control),
      columns: dynamoColumnLookup(t.doc, t.names.control),
      logger: silentLogger,
      metrics: noopMetrics,
    });
    poller = startStreamPoller({
      streamsClient: localStreamsClient(),
      streamArn: await transactionsStreamArn(t.client, t.names.transactions),
      handler: aggregate,
      pollIntervalMs: 20,
    });
    await poller.drain();
    release();
    const report = await running;
    expect(report.differences.length).toBeGreaterThan(0);
    expect(report.repaired).toBe(0);
    expect(
      mismatches(await expectedFromTable(t.doc, t.names.transactions), await actualTotals(t.doc, t.names.totals)),
    ).toEqual([]);
  });
});

describe('split reconciliation (one pass per model, one per agency)', () => {
  it('repairs a record the aggregator lost on the model and its agency from that model alone; the agency pass then agrees', async () => {
    // What a record sent to the on-failure destination leaves: its contribution missing from every bucket.
    const lost = tx({ txKey: 'lost', modelId: 'm1', gross: 700, net: 560, day: '2026-04-03' });
    await putTx(t.doc, t.names.transactions, lost);
    await poller.drain();
    const store = new TotalsStore(t.doc, t.names.totals, clock);
    for (const d of contribution(lost, -1, () => ['UTC'])) await store.addCounters(d);
    expect(
      mismatches(await expectedFromTable(t.doc, t.names.transactions), await actualTotals(t.doc, t.names.totals)),
    ).not.toHaveLength(0);

    const handler = makeReconcileHandler(deps());
    const model = (await handler({ scope: 'model', modelId: 'm1' })) as SplitReconcileReport;
    expect(model).toMatchObject({ scope: 'model', id: 'm1', itemsRead: 2 });
    expect(model.differences.map((d) => d.key)).toContain('MODEL#m1|ZDAY#UTC#2026-04-03');
    expect(model.repaired).toBeGreaterThan(0);
    const agency = (await handler({ scope: 'agency', agencyId: 'a1' })) as SplitReconcileReport;
    expect(agency.differences).toEqual([]);
    expect(
      mismatches(await expectedFromTable(t.doc, t.names.transactions), await actualTotals(t.doc, t.names.totals)),
    ).toEqual([]);
    expect((await reconcileTotals(deps(), { repair: false })).differences).toEqual([]);
  });

  it('finds drift of an agency item alone in the agency pass, from totals items only', async () => {
    await t.doc.send(
      new UpdateCommand({
        TableName: t.names.totals,
        Key: { pk: 'AGENCY#a1', sk: 'TOTAL' },
        UpdateExpression: 'ADD net :n',
        ExpressionAttributeValues: { ':n': 5 },
      }),
    );
    const handler = makeReconcileHandler(deps());
    expect(((await handler({ scope: 'model', modelId: 'm1' })) as SplitReconcileReport).differences).toEqual([]);
    const agency = (await handler({ scope: 'agency', agencyId: 'a1' })) as SplitReconcileReport;
    expect(agency.differences).toEqual([{ key: 'AGENCY#a1|TOTAL', field: 'net', expected: 2800, actual: 2805 }]);
    expect(agency.repaired).toBe(1);
    expect((await reconcileTotals(deps(), { repair: false })).differences).toEqual([]);
  });

  it('fans the scheduled run out: one invocation per model and one per agency', async () => {
    const invoked: unknown[] = [];
    const handler = makeReconcileHandler({ ...deps(), invoke: async (p) => void invoked.push(p) });
    expect(await handler({ 'detail-type': 'Scheduled Event', source: 'aws.events' })).toEqual({
      fannedOut: { models: 3, agencies: 2 },
    });
    expect(invoked).toEqual(
      expect.arrayContaining([
        { scope: 'model', modelId: 'm1' },
        { scope: 'model', modelId: 'm2' },
        { scope: 'model', modelId: 'm3' },
        { scope: 'agency', agencyId: 'a1' },
        { scope: 'agency', agencyId: 'a2' },
      ]),
    );
    expect(invoked).toHaveLength(5);
  });
});
