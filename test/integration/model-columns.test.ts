import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, dynamoZoneLookup, putAgency } from '../../lambdas/adapters/dynamo/agencies';
import { dynamoColumnLookup } from '../../lambdas/adapters/dynamo/model-columns';
import { dynamoModelStore, putModelRecord } from '../../lambdas/adapters/dynamo/model-store';
import { TotalsReader } from '../../lambdas/adapters/dynamo/totals-reader';
import { TotalsStore } from '../../lambdas/adapters/dynamo/totals-store';
import { noopMetrics } from '../../lambdas/adapters/metrics';
import type { DashboardResponse } from '../../lambdas/domain/dashboard';
import { ModelRecordSchema } from '../../lambdas/domain/model';
import type { SplitReconcileReport } from '../../lambdas/domain/reconcile-split';
import type { StoredTransaction } from '../../lambdas/domain/transaction';
import { makeAggregateHandler } from '../../lambdas/handlers/aggregate-handler';
import { makeApiHandler } from '../../lambdas/handlers/api';
import { makeReconcileHandler, type ReconcileReport } from '../../lambdas/handlers/reconcile-handler';
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
import { apiEvent, memorySecrets, recordingTrigger } from './api-fixtures';

/**
 * The compact per-model columns end to end on DynamoDB Local: registration allocates ordinals,
 * the aggregator (stream poller) writes `G|N|C<n>` for models with one and the legacy names for
 * a model without, the dashboard's leaderboard reads both right, and reconciliation moves
 * legacy figures of a model that got an ordinal later into its compact columns.
 */

const NOW = Date.parse('2026-04-03T12:00:00.000Z');
const UUID = (n: number) => `6f1c2a9e-3b7d-4c1e-9a55-${String(n).padStart(12, '0')}`;
const LEGACY = UUID(0); // registered before ordinals existed, never registered again
const LATE = UUID(1); // had sales under legacy names, then got an ordinal
const FRESH = UUID(2); // connected with an ordinal from the start

let t: TestTables;
let poller: StreamPoller;
let key: string;
let reconcile: ReturnType<typeof makeReconcileHandler>;
const rows: StoredTransaction[] = [];

async function sell(over: Partial<StoredTransaction> & { txKey: string; modelId: string }): Promise<void> {
  const row = tx({ agencyId: 'a1', ...over });
  rows.push(row);
  await putTx(t.doc, t.names.transactions, row);
}

async function dashboard(): Promise<DashboardResponse> {
  const res = (await makeApiHandler({
    doc: t.doc,
    tables: { control: t.names.control, totals: t.names.totals, transactions: t.names.transactions },
    clock: { now: () => NOW },
    logger: silentLogger,
    config: { syncIntervalMs: 600_000, liveWithinMs: 1_320_000, cronSecretId: 'cron' },
    secrets: memorySecrets({ cron: 'unused' }),
    trigger: recordingTrigger(),
  })(
    apiEvent('GET', '/api/key/dashboard', {
      headers: { authorization: `Bearer ${key}` },
      query: { period: 'custom', from: '2026-04-01', to: '2026-04-03' },
    }),
  )) as APIGatewayProxyStructuredResultV2;
  expect(res.statusCode).toBe(200);
  return JSON.parse(String(res.body)) as DashboardResponse;
}

/** Each model's gross, net and count over the period, straight from the rows written. */
function expectedPerModel(): Record<string, { gross: number; net: number; count: number }> {
  const out: Record<string, { gross: number; net: number; count: number }> = {};
  for (const r of rows) {
    const m = out[r.modelId] ?? { gross: 0, net: 0, count: 0 };
    m.gross += r.gross;
    m.net += r.net;
    m.count += 1;
    out[r.modelId] = m;
  }
  return out;
}

/** The agency's day item as stored, its shards summed. */
async function agencyDay(day: string): Promise<Record<string, number>> {
  const sum: Record<string, number> = {};
  for (const pk of keys.agencyShardPks(keys.agencyPk('a1'))) {
    const item = (
      await t.doc.send(new GetCommand({ TableName: t.names.totals, Key: { pk, sk: keys.zoneDaySk('UTC', day) } }))
    ).Item;
    for (const [name, v] of Object.entries(item ?? {})) if (typeof v === 'number') sum[name] = (sum[name] ?? 0) + v;
  }
  return sum;
}

const models = () => dynamoModelStore(t.doc, t.names.control);
const columnsOf = async () => {
  const out = new Map<string, Record<string, number>>();
  for await (const m of models().listAll()) out.set(m.modelId, m.columns ?? {});
  return (modelId: string, agencyId: string) => out.get(modelId)?.[agencyId];
};

beforeAll(async () => {
  t = await freshTables();
  await putAgency(t.doc, t.names.control, { agencyId: 'a1', name: 'Agency One' });
  key = await createApiKey(t.doc, t.names.control, 'a1');
  // Two model records as written before ordinals existed (no `columns`).
  for (const [modelId, name] of [
    [LEGACY, 'Legacy'],
    [LATE, 'Late'],
  ] as const)
    await putModelRecord(
      t.doc,
      t.names.control,
      ModelRecordSchema.parse({ modelId, agencyId: 'a1', displayName: name, creatorUuid: modelId, connectionId: 'c' }),
    );
  poller = startStreamPoller({
    streamsClient: localStreamsClient(),
    streamArn: await transactionsStreamArn(t.client, t.names.transactions),
    handler: makeAggregateHandler({
      store: new TotalsStore(t.doc, t.names.totals, { now: () => NOW }),
      zones: dynamoZoneLookup(t.doc, t.names.control),
      columns: dynamoColumnLookup(t.doc, t.names.control),
      logger: silentLogger,
      metrics: noopMetrics,
    }),
    pollIntervalMs: 20,
  });
}, 60_000);
afterAll(async () => poller?.stop());

describe('compact per-model columns on DynamoDB Local', () => {
  it('legacy data, then ordinals: the leaderboard is right throughout, and reconciliation moves legacy figures over', async () => {
    await sell({ txKey: 'l1', modelId: LEGACY, day: '2026-04-01', gross: 1000, net: 800 });
    await sell({ txKey: 't1', modelId: LATE, day: '2026-04-01', gross: 700, net: 560 });
    await poller.drain();
    expect(Object.keys(await agencyDay('2026-04-01')).filter((k) => k.startsWith('m#'))).toHaveLength(6);

    // LATE is connected again (gets an ordinal), FRESH is connected for the first time.
    for (const [modelId, name] of [
      [LATE, 'Late'],
      [FRESH, 'Fresh'],
    ] as const)
      await models().register({ modelId, agencyId: 'a1', displayName: name, creatorUuid: modelId, connectionId: 'c' });
    expect((await models().get(LATE))?.columns).toEqual({ a1: 0 });
    expect((await models().get(FRESH))?.columns).toEqual({ a1: 1 });
    expect((await models().get(LEGACY))?.columns).toBeUndefined();

    await sell({ txKey: 't2', modelId: LATE, day: '2026-04-01', gross: 300, net: 240, source: 'subscription' });
    await sell({ txKey: 'f1', modelId: FRESH, day: '2026-04-02', gross: 5000, net: 4000 });
    await sell({ txKey: 'f2', modelId: FRESH, day: '2026-04-03', gross: -1000, net: -1000, source: 'refund' });
    await sell({ txKey: 'l2', modelId: LEGACY, day: '2026-04-03', gross: 250, net: 200 });
    await poller.drain();

    // LATE's day now holds its earlier sale under legacy names and the new one under its ordinal.
    const day1 = await agencyDay('2026-04-01');
    expect(day1).toMatchObject({ [`m#${LATE}#g`]: 700, G0: 300, N0: 240, C0: 1, [`m#${LEGACY}#g`]: 1000 });
    expect(await agencyDay('2026-04-02')).toMatchObject({ G1: 5000, N1: 4000, C1: 1 });
    expect(Object.keys(await agencyDay('2026-04-02')).some((k) => k.includes(FRESH))).toBe(false);

    const expected = expectedPerModel();
    const leaderboard = async () => Object.fromEntries((await dashboard()).models.map((m) => [m.modelId, m.period]));
    expect(await leaderboard()).toEqual(expected);
    expect(expected[LATE]).toEqual({ gross: 1000, net: 800, count: 2 });

    // Reconciliation: LATE's legacy columns are drift (its ordinal's are expected); LEGACY's are not.
    reconcile = makeReconcileHandler({
      listModels: () => models().listAll(),
      reader: new TotalsReader(t.doc, { transactions: t.names.transactions, totals: t.names.totals }),
      store: new TotalsStore(t.doc, t.names.totals, { now: () => NOW }),
      zones: dynamoZoneLookup(t.doc, t.names.control),
      logger: silentLogger,
      metrics: noopMetrics,
      settleMs: 0,
    });
    const first = (await reconcile({ repair: true })) as ReconcileReport;
    const drift = first.differences.map((d) => `${d.field}:${d.expected - d.actual}`).sort();
    expect(drift).toEqual(
      [`G0:700`, `N0:560`, `C0:1`, `m#${LATE}#g:-700`, `m#${LATE}#n:-560`, `m#${LATE}#c:-1`].sort(),
    );
    expect(new Set(first.differences.map((d) => d.key))).toEqual(
      new Set([`${keys.agencyPk('a1')}|${keys.zoneDaySk('UTC', '2026-04-01')}`]),
    );
    expect(await agencyDay('2026-04-01')).toMatchObject({ [`m#${LATE}#g`]: 0, G0: 1000, N0: 800, C0: 2 });
    expect(await leaderboard()).toEqual(expected);
    expect(((await reconcile({ repair: true })) as ReconcileReport).differences).toEqual([]);

    // The test's own oracle agrees to the cent (legacy names for LEGACY, ordinals for the others).
    expect(
      mismatches(
        await expectedFromTable(t.doc, t.names.transactions, undefined, await columnsOf()),
        await actualTotals(t.doc, t.names.totals),
      ),
    ).toEqual([]);
  }, 120_000);

  it('the split passes name the same columns: clean, then an agency column lost is found and repaired from totals alone', async () => {
    for (const modelId of [LEGACY, LATE, FRESH])
      expect(((await reconcile({ scope: 'model', modelId })) as SplitReconcileReport).differences).toEqual([]);
    expect(((await reconcile({ scope: 'agency', agencyId: 'a1' })) as SplitReconcileReport).differences).toEqual([]);
    // FRESH's figures vanish from one agency day (every shard).
    for (const pk of keys.agencyShardPks(keys.agencyPk('a1')))
      await t.doc.send(
        new UpdateCommand({
          TableName: t.names.totals,
          Key: { pk, sk: keys.zoneDaySk('UTC', '2026-04-02') },
          UpdateExpression: 'REMOVE G1, N1, C1',
        }),
      );
    const found = (await reconcile({ scope: 'agency', agencyId: 'a1' })) as SplitReconcileReport;
    expect(found.differences.map((d) => `${d.field}:${d.expected - d.actual}`).sort()).toEqual(
      ['C1:1', 'G1:5000', 'N1:4000'].sort(),
    );
    expect(await agencyDay('2026-04-02')).toMatchObject({ G1: 5000, N1: 4000, C1: 1 });
    expect((await dashboard()).models.find((m) => m.modelId === FRESH)?.period).toEqual(expectedPerModel()[FRESH]);
  }, 120_000);
});
