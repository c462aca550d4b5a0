import { afterEach, describe, expect, it } from 'vitest';
import { dynamoZoneLookup } from '../../lambdas/adapters/dynamo/agencies';
import { dynamoColumnLookup } from '../../lambdas/adapters/dynamo/model-columns';
import { TotalsStore } from '../../lambdas/adapters/dynamo/totals-store';
import { noopMetrics } from '../../lambdas/adapters/metrics';
import type { AuditOutcome } from '../../lambdas/domain/audit';
import { makeAggregateHandler } from '../../lambdas/handlers/aggregate-handler';
import { makeAuditHandler } from '../../lambdas/handlers/audit-handler';
import { makeFanoutHandler } from '../../lambdas/handlers/fanout-handler';
import { buildAuditDeps } from '../../lambdas/handlers/sync-deps';
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
import { rowIdentities, type SyncHarness, startSyncHarness, storedIdentities } from '../support/sync-harness';

const DAY = 86_400_000;
const MIN = 60_000;

let h: SyncHarness | undefined;
let poller: StreamPoller | undefined;
afterEach(async () => {
  await poller?.stop();
  await h?.stop();
  poller = undefined;
  h = undefined;
});

/** The harness plus the audit handler on the same parts and the aggregator fed by the real stream. */
async function world(withIds: boolean) {
  h = await startSyncHarness({ seed: 7, creators: 1, history: 200, historyDays: 30, withIds, identicalRows: !withIds });
  const harness = h;
  const audit = makeAuditHandler(
    buildAuditDeps(
      harness.env,
      { doc: harness.tables.doc, secrets: harness.secrets, logger: silentLogger },
      {
        ...harness.deps,
      },
    ),
  );
  const aggregate = makeAggregateHandler({
    store: new TotalsStore(harness.tables.doc, harness.tables.names.totals, { now: () => Date.now() }),
    zones: dynamoZoneLookup(harness.tables.doc, harness.tables.names.control),
    columns: dynamoColumnLookup(harness.tables.doc, harness.tables.names.control),
    logger: silentLogger,
    metrics: noopMetrics,
  });
  poller = startStreamPoller({
    streamsClient: localStreamsClient(),
    streamArn: await transactionsStreamArn(harness.tables.client, harness.tables.names.transactions),
    handler: aggregate,
    pollIntervalMs: 20,
    onFailure: () => undefined,
  });
  const creator = harness.creatorOf.m0 ?? '';
  const totalsFollow = async () => {
    await poller?.drain();
    // Registered models have column ordinals: the agency's day items name their columns by them.
    const columns = new Map<string, Record<string, number>>();
    for await (const m of harness.models.listAll()) columns.set(m.modelId, m.columns ?? {});
    return mismatches(
      await expectedFromTable(
        harness.tables.doc,
        harness.tables.names.transactions,
        undefined,
        (m, a) => columns.get(m)?.[a],
      ),
      await actualTotals(harness.tables.doc, harness.tables.names.totals),
    );
  };
  return { h: harness, audit, creator, totalsFollow };
}

describe('source audit (simulator over HTTP + DynamoDB Local + stream aggregator)', () => {
  it('a row that appears in Fanvue older than the look-back is found by the audit, stored exactly once, and the totals follow', async () => {
    const { h, audit, creator, totalsFollow } = await world(true);
    expect((await h.sync({ modelId: 'm0' })).status).toBe('ok');
    const modelTotal = async () =>
      (await actualTotals(h.tables.doc, h.tables.names.totals)).get(`${keys.modelPk('m0')}|TOTAL`)?.gross ?? 0;

    // Fanvue backdates a sale by three days: beyond the cursor's look-back, so no sync reads it again.
    const late = h.sim.addRow(creator, { date: new Date(h.clock.now() - 3 * DAY).toISOString(), gross: 4321 });
    h.clock.advance(10 * MIN);
    await h.sync({ modelId: 'm0' });
    expect((await h.stored('m0')).some((t) => t.transactionOrderId === late.transactionOrderId)).toBe(false);
    expect(await totalsFollow()).toEqual([]);
    const before = await modelTotal();

    const auditStarted = h.clock.now();
    const found = (await audit({ modelId: 'm0', audit: true })) as Extract<AuditOutcome, { rowsChecked: number }>;
    expect(found).toMatchObject({ status: 'ok', missing: 1, gone: 0 });
    expect(found.rowsChecked).toBeGreaterThan(0);
    // Its cost: one day at a time, one page per 50 rows of that day, at least one page per day.
    const from = Date.parse(found.from);
    const to = Date.parse(found.to);
    let pages = 0;
    for (let day = from; day < to; day += DAY) {
      const end = Math.min(day + DAY, to);
      const rows = h.sim.rows(creator).filter((r) => Date.parse(r.date) >= day - 1 && Date.parse(r.date) < end).length;
      pages += Math.max(1, Math.ceil(rows / 50));
    }
    expect(found.pages).toBe(pages);
    expect(to - from).toBeGreaterThan(6 * DAY);
    const stored = await h.stored('m0');
    expect(stored.filter((t) => t.transactionOrderId === late.transactionOrderId)).toHaveLength(1);
    expect(storedIdentities(stored)).toEqual(rowIdentities(h.sim.rows(creator)));
    const rec = await h.models.get('m0');
    expect(rec).toMatchObject({ differences: 1, lastAudit: { complete: true, missing: 1, gone: 0 } });
    const verifiedAt = Date.parse(rec?.lastVerifiedAt ?? '');
    expect(verifiedAt).toBeGreaterThanOrEqual(auditStarted);
    expect(verifiedAt).toBeLessThanOrEqual(h.clock.now());
    // The audit kept the sync's own status and released the lease.
    expect(rec).toMatchObject({ status: 'ok' });
    expect(rec?.leaseOwner).toBeUndefined();
    expect(await totalsFollow()).toEqual([]);
    expect(await modelTotal()).toBe(before + 4321);
    // The model page's history shows the audit next to the syncs, with what it found.
    const [latest, ...older] = await h.deps.runs.recent('m0', 20);
    expect(latest).toMatchObject({
      kind: 'audit',
      outcome: 'ok',
      pages: found.pages,
      rowsFetched: found.rowsChecked,
      rowsStored: 1,
      differences: 1,
    });
    expect(older.map((r) => [r.kind, r.outcome])).toEqual([
      ['sync', 'ok'],
      ['sync', 'ok'],
    ]);

    // Audited again: nothing differs, nothing is written twice.
    h.clock.advance(DAY);
    await h.sync({ modelId: 'm0' });
    const again = await audit({ modelId: 'm0', audit: true });
    expect(again).toMatchObject({ status: 'ok', missing: 0, gone: 0 });
    expect(storedIdentities(await h.stored('m0'))).toEqual(rowIdentities(h.sim.rows(creator)));
    expect(await h.models.get('m0')).toMatchObject({ differences: 0 });
    expect(await modelTotal()).toBe(before + 4321);
  });

  it('id-less rows: a late identical copy of an old row is stored once, as its next ordinal', async () => {
    const { h, audit, creator, totalsFollow } = await world(false);
    await h.sync({ modelId: 'm0' });
    const cursor = Date.parse((await h.models.get('m0'))?.cursor ?? '');
    const old = h.sim
      .rows(creator)
      .find((r) => Date.parse(r.date) < cursor - 2 * DAY && Date.parse(r.date) > cursor - 5 * DAY);
    expect(old).toBeDefined();
    if (!old) return;
    const { transactionOrderId: _none, ...copy } = old;
    h.sim.addRow(creator, copy);
    h.clock.advance(10 * MIN);
    await h.sync({ modelId: 'm0' });
    expect(storedIdentities(await h.stored('m0'))).not.toEqual(rowIdentities(h.sim.rows(creator)));

    expect(await audit({ modelId: 'm0', audit: true })).toMatchObject({ status: 'ok', missing: 1, gone: 0 });
    expect(storedIdentities(await h.stored('m0'))).toEqual(rowIdentities(h.sim.rows(creator)));
    expect(await audit({ modelId: 'm0', audit: true })).toMatchObject({ status: 'ok', missing: 0, gone: 0 });
    expect(await totalsFollow()).toEqual([]);
  });

  it('a stored row Fanvue no longer returns is reported, never deleted', async () => {
    const { h, audit } = await world(true);
    await h.sync({ modelId: 'm0' });
    const ghost = tx({
      txKey: 'oid#not-in-fanvue',
      modelId: 'm0',
      agencyId: 'agency-1',
      date: new Date(h.clock.now() - 2 * DAY).toISOString(),
    });
    await putTx(h.tables.doc, h.tables.names.transactions, ghost);
    const out = await audit({ modelId: 'm0', audit: true });
    expect(out).toMatchObject({ status: 'ok', missing: 0, gone: 1 });
    expect((await h.stored('m0')).some((t) => t.txKey === 'oid#not-in-fanvue')).toBe(true);
    expect(await h.models.get('m0')).toMatchObject({ differences: 1, lastAudit: { gone: 1 } });
  });

  it('runs inside the model lease: a model that is syncing is not audited, and the fan-out starts one audit per model', async () => {
    const { h, audit } = await world(true);
    await h.sync({ modelId: 'm0' });
    await h.models.acquireLease('m0', 'a-running-sync', h.clock.now(), 60_000);
    expect(await audit({ modelId: 'm0', audit: true })).toEqual({ status: 'already_running', modelId: 'm0' });
    expect((await h.models.get('m0'))?.lastVerifiedAt).toBeUndefined();

    const invoked: unknown[] = [];
    const fanout = makeFanoutHandler({
      listModels: () => h.models.listAll(),
      invoker: { invokeSync: async (p) => void invoked.push(p) },
      logger: silentLogger,
      concurrency: 2,
    });
    await fanout({ reason: 'audit', audit: true });
    expect(invoked).toEqual([{ modelId: 'm0', reason: 'audit', audit: true }]);
  });
});
