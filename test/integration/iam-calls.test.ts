import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, dynamoZoneLookup, putAgency } from '../../lambdas/adapters/dynamo/agencies';
import { dynamoColumnLookup } from '../../lambdas/adapters/dynamo/model-columns';
import { dynamoModelStore } from '../../lambdas/adapters/dynamo/model-store';
import { TotalsReader } from '../../lambdas/adapters/dynamo/totals-reader';
import { TotalsStore } from '../../lambdas/adapters/dynamo/totals-store';
import { noopMetrics } from '../../lambdas/adapters/metrics';
import { systemClock } from '../../lambdas/domain/ports';
import { makeAggregateHandler } from '../../lambdas/handlers/aggregate-handler';
import { makeApiHandler } from '../../lambdas/handlers/api';
import { makeExportHandler } from '../../lambdas/handlers/export/export-handler';
import { makeFanoutHandler } from '../../lambdas/handlers/fanout-handler';
import { makeReconcileHandler } from '../../lambdas/handlers/reconcile-handler';
import { buildSyncDeps } from '../../lambdas/handlers/sync-deps';
import { makeSyncHandler } from '../../lambdas/handlers/sync-handler';
import { EXPORT_TICKETS_PATH, ORIGIN_VERIFY_HEADER, VIEWER_AUTHORIZATION_HEADER } from '../../lambdas/shared/edge';
import { silentLogger } from '../../lambdas/shared/logger';
import { transactionsStreamArn } from '../../local/bootstrap';
import { signWebhook } from '../../local/fanvue-simulator';
import { startStreamPoller } from '../../local/stream-poller';
import { type SynthesizedStack, synthStack } from '../infra/stack-fixture';
import { flat, logicalIdOf, referencedIds, roleStatements, type Statement } from '../infra/template-queries';
import { localStreamsClient } from '../support/aggregate-fixtures';
import { type DynamoCall, recordingDoc } from '../support/dynamo-calls';
import { type SyncHarness, startSyncHarness } from '../support/sync-harness';
import { apiEvent, memorySecrets, recordingTrigger } from './api-fixtures';

/**
 * Every DynamoDB request the real handlers make against DynamoDB Local, checked against the
 * IAM policy the stack gives that function: the least-privilege grants are proven sufficient
 * offline (a missing action would otherwise only show as AccessDenied after a deploy).
 */

let s: SynthesizedStack;
let h: SyncHarness;
const calls: Record<'sync' | 'fanout' | 'aggregate' | 'reconcile' | 'api' | 'export', DynamoCall[]> = {
  sync: [],
  fanout: [],
  aggregate: [],
  reconcile: [],
  api: [],
  export: [],
};

beforeAll(async () => {
  s = synthStack();
  h = await startSyncHarness({ creators: 2, history: 20, accessTokenTtlSeconds: 3600 });
  const names = h.tables.names;
  await putAgency(h.tables.doc, names.control, { agencyId: 'agency-1', name: 'Agency One' });
  const key = await createApiKey(h.tables.doc, names.control, 'agency-1');

  // Sync: first run, then a token refresh (the refresh lock) and new rows.
  const sync = recordingDoc();
  const run = makeSyncHandler(
    buildSyncDeps(h.env, { doc: sync.doc, secrets: h.secrets, logger: silentLogger, clock: h.clock }),
  );
  await run({ modelId: 'm0' });
  await run({ modelId: 'm1' });
  h.sim.expireAccessTokens();
  h.sim.addRow(h.creatorOf.m0!);
  await run({ modelId: 'm0' });
  calls.sync = sync.calls;

  // Fan-out: lists every model.
  const fanout = recordingDoc();
  const models = dynamoModelStore(fanout.doc, names.control);
  await makeFanoutHandler({
    listModels: () => models.listAll(),
    invoker: { invokeSync: async () => undefined },
    logger: silentLogger,
    concurrency: 2,
    metrics: noopMetrics,
  })({});
  calls.fanout = fanout.calls;

  // Aggregator: the transactions stream into the totals, reading agency zones.
  const agg = recordingDoc();
  const streams = localStreamsClient();
  const poller = startStreamPoller({
    streamsClient: streams,
    streamArn: await transactionsStreamArn(h.tables.client, names.transactions),
    handler: makeAggregateHandler({
      store: new TotalsStore(agg.doc, names.totals, systemClock),
      zones: dynamoZoneLookup(agg.doc, names.control),
      columns: dynamoColumnLookup(agg.doc, names.control),
      logger: silentLogger,
      metrics: noopMetrics,
    }),
    batchSize: 100,
    pollIntervalMs: 50,
    onFailure: () => undefined,
    logger: silentLogger,
  });
  await poller.drain();
  await poller.stop();
  streams.destroy();
  calls.aggregate = agg.calls;

  // Reconciliation: everything, and one model.
  const rec = recordingDoc();
  const recModels = dynamoModelStore(rec.doc, names.control);
  const reconcile = makeReconcileHandler({
    listModels: () => recModels.listAll(),
    reader: new TotalsReader(rec.doc, { transactions: names.transactions, totals: names.totals }),
    store: new TotalsStore(rec.doc, names.totals, systemClock),
    zones: dynamoZoneLookup(rec.doc, names.control),
    activateZone: async () => false,
    logger: silentLogger,
    metrics: noopMetrics,
    settleMs: 0,
  });
  await reconcile({});
  await reconcile({ modelId: 'm0', repair: true });
  calls.reconcile = rec.calls;

  // API: the access-key dashboard, a manual sync of one model, a webhook and its replay.
  const api = recordingDoc();
  const handler = makeApiHandler({
    doc: api.doc,
    tables: names,
    clock: systemClock,
    logger: silentLogger,
    config: {
      syncIntervalMs: 600_000,
      liveWithinMs: 1_320_000,
      cronSecretId: 'cron',
      webhookSecretId: 'hook',
      originSecretId: 'origin',
    },
    secrets: memorySecrets({ cron: 'c', hook: 'w', origin: 'o' }),
    trigger: recordingTrigger(),
  });
  const edge = { [ORIGIN_VERIFY_HEADER]: 'o' };
  const answers = [
    await handler(apiEvent('GET', '/api/key/dashboard', { headers: { ...edge, authorization: `Bearer ${key}` } })),
    await handler(
      apiEvent('POST', '/api/sync', { headers: { ...edge, 'x-cron-secret': 'c' }, body: '{"modelId":"m0"}' }),
    ),
  ];
  // The model page's sync history: one Query on the model's key for its run records.
  const runs = await handler(
    apiEvent('GET', '/api/key/models/m0/runs', { headers: { ...edge, authorization: `Bearer ${key}` } }),
  );
  expect(typeof runs !== 'string' && runs.statusCode).toBe(200);
  const body = JSON.stringify({ event: 'tip.received', recipientUuid: h.creatorOf.m0 });
  const signature = signWebhook('w', body, Math.floor(Date.now() / 1000));
  for (let i = 0; i < 2; i++)
    answers.push(
      await handler(
        apiEvent('POST', '/api/webhooks/fanvue', { headers: { ...edge, 'x-fanvue-signature': signature }, body }),
      ),
    );
  expect(answers.map((a) => (typeof a === 'string' ? 200 : a.statusCode))).toEqual([200, 202, 202, 202]);
  calls.api = api.calls;

  // Export: both CSVs with an access key, each streamed to the end; then a download ticket the API
  // issues (its PutItem is the API's) redeemed by the export function (its DeleteItem), twice.
  const exp = recordingDoc();
  const exportHandler = makeExportHandler({ doc: exp.doc, tables: names, clock: systemClock, logger: silentLogger });
  for (const path of ['/api/export/daily.csv', '/api/export/models/m0/transactions.csv']) {
    const res = await exportHandler(
      apiEvent('GET', path, { headers: { [VIEWER_AUTHORIZATION_HEADER]: `Bearer ${key}` } }),
    );
    if (!('stream' in res)) throw new Error(`export refused: ${res.statusCode} ${res.body}`);
    await res.stream({ write: async () => undefined });
  }
  const issued = await handler(
    apiEvent('POST', EXPORT_TICKETS_PATH, {
      headers: { ...edge, authorization: `Bearer ${key}` },
      body: JSON.stringify({ path: '/api/export/models/m0/transactions.csv', query: { period: '7d' } }),
    }),
  );
  if (typeof issued === 'string' || issued.statusCode !== 201) throw new Error('no ticket issued');
  const link = new URL(JSON.parse(issued.body ?? '{}').url, 'https://dashboard.example');
  const redeemed = [];
  for (let i = 0; i < 2; i++)
    redeemed.push(
      await exportHandler(apiEvent('GET', link.pathname, { query: Object.fromEntries(link.searchParams) })),
    );
  expect(redeemed.map((r) => r.statusCode)).toEqual([200, 401]);
  calls.export = exp.calls;
}, 240_000);
afterAll(async () => h?.stop());

/** True when one statement allows the call: action, table or named index, and any LeadingKeys condition. */
function allowed(statements: Statement[], call: DynamoCall, tableId: string): boolean {
  return statements.some((st) => {
    if (!st.actions.includes(call.action) && !st.actions.includes('dynamodb:*')) return false;
    const onResource = st.resources.some((r) => {
      if (!referencedIds(r).includes(tableId)) return false;
      const text = flat(r);
      if (text.includes('StreamArn')) return false;
      return call.index
        ? text.includes(`/index/${call.index}`) || text.includes('/index/*')
        : !text.includes('/index/');
    });
    if (!onResource) return false;
    const conditions = st.conditions ?? {};
    for (const [operator, clause] of Object.entries(conditions)) {
      const patterns = clause['dynamodb:LeadingKeys'];
      if (operator !== 'ForAllValues:StringLike' || !Array.isArray(patterns)) return false;
      const match = (k: string) =>
        patterns.some((p) => (String(p).endsWith('*') ? k.startsWith(String(p).slice(0, -1)) : k === p));
      if (!call.leadingKeys.every(match)) return false;
    }
    return true;
  });
}

describe('the IAM policies allow every DynamoDB request the handlers make (and the test sees them make some)', () => {
  const tableIds = () => ({
    [h.tables.names.transactions]: logicalIdOf(s.stack.tables.transactions),
    [h.tables.names.control]: logicalIdOf(s.stack.tables.control),
    [h.tables.names.totals]: logicalIdOf(s.stack.tables.totals),
  });
  const fns = () => ({
    sync: s.stack.pipeline.syncFunction,
    fanout: s.stack.pipeline.fanoutFunction,
    aggregate: s.stack.aggregator.aggregateFunction,
    reconcile: s.stack.reconciliation.reconcileFunction,
    api: s.stack.api.apiFunction,
    export: s.stack.csvExport.exportFunction,
  });

  for (const name of ['sync', 'fanout', 'aggregate', 'reconcile', 'api', 'export'] as const) {
    it(name, () => {
      const statements = roleStatements(s.template, logicalIdOf(fns()[name]));
      expect(calls[name].length).toBeGreaterThan(0);
      const denied = calls[name]
        .filter((c) => !allowed(statements, c, tableIds()[c.table] ?? '?'))
        .map((c) => `${c.action} ${c.table}${c.index ? `/${c.index}` : ''} ${c.leadingKeys.join(',')}`);
      expect([...new Set(denied)]).toEqual([]);
    });
  }

  it('the API puts a download ticket and the export function deletes it, under TICKET# (the check sees both calls)', () => {
    const control = h.tables.names.control;
    const onTicket = (c: DynamoCall, action: string) =>
      c.action === action && c.table === control && c.leadingKeys.every((k) => k.startsWith('TICKET#'));
    expect(calls.api.filter((c) => onTicket(c, 'dynamodb:PutItem'))).toHaveLength(1);
    expect(calls.export.filter((c) => onTicket(c, 'dynamodb:DeleteItem'))).toHaveLength(2);
    const exportFn = roleStatements(s.template, logicalIdOf(s.stack.csvExport.exportFunction));
    const t = h.tables.names.control;
    const control2 = logicalIdOf(s.stack.tables.control);
    expect(allowed(exportFn, { action: 'dynamodb:DeleteItem', table: t, leadingKeys: ['TICKET#x'] }, control2)).toBe(
      true,
    );
    expect(allowed(exportFn, { action: 'dynamodb:DeleteItem', table: t, leadingKeys: ['MODEL#m0'] }, control2)).toBe(
      false,
    );
    expect(allowed(exportFn, { action: 'dynamodb:PutItem', table: t, leadingKeys: ['TICKET#x'] }, control2)).toBe(
      false,
    );
  });

  it('the sync writes its run records and the API reads them, under the model key (the check sees both calls)', () => {
    const control = h.tables.names.control;
    const onModel = (c: DynamoCall, action: string) =>
      c.action === action && c.table === control && c.leadingKeys.length === 1 && c.leadingKeys[0] === 'MODEL#m0';
    expect(calls.sync.some((c) => onModel(c, 'dynamodb:PutItem'))).toBe(true);
    expect(calls.api.some((c) => onModel(c, 'dynamodb:Query'))).toBe(true);
  });

  it('the evaluator refuses what the policies do not grant (the check can fail)', () => {
    const control = logicalIdOf(s.stack.tables.control);
    const sync = roleStatements(s.template, logicalIdOf(s.stack.pipeline.syncFunction));
    const api = roleStatements(s.template, logicalIdOf(s.stack.api.apiFunction));
    const t = h.tables.names.control;
    expect(allowed(sync, { action: 'dynamodb:PutItem', table: t, leadingKeys: ['APIKEY#x'] }, control)).toBe(false);
    expect(allowed(sync, { action: 'dynamodb:UpdateItem', table: t, leadingKeys: ['MODEL#m0'] }, control)).toBe(true);
    expect(allowed(api, { action: 'dynamodb:Scan', table: t, leadingKeys: [] }, control)).toBe(false);
    // The API writes model records (the dashboard's connect flow) but nothing outside its named prefixes.
    expect(allowed(api, { action: 'dynamodb:PutItem', table: t, leadingKeys: ['MARKER#m0'] }, control)).toBe(false);
    expect(allowed(api, { action: 'dynamodb:BatchWriteItem', table: t, leadingKeys: ['MODEL#m0'] }, control)).toBe(
      false,
    );
  });
});
