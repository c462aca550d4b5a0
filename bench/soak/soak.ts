import { dynamoZoneLookup } from '../../lambdas/adapters/dynamo/agencies';
import { TotalsReader } from '../../lambdas/adapters/dynamo/totals-reader';
import { TotalsStore } from '../../lambdas/adapters/dynamo/totals-store';
import { noopMetrics } from '../../lambdas/adapters/metrics';
import type { ModelRecord } from '../../lambdas/domain/model';
import { reconcileTotals } from '../../lambdas/domain/reconcile';
import { silentLogger } from '../../lambdas/shared/logger';
import { deriveSeed, Rng } from '../../local/fanvue-simulator/prng';
import { caughtUp, compareRows, storedRows, totalsDrift } from './check';
import { injectFaults, sell, stopFaults } from './plan';
import { startSoakStack } from './stack';

export interface SoakOptions {
  seed: number;
  /** Cycles with faults (then clean cycles until every recoverable model has caught up, at most two). */
  cycles: number;
  models: number;
  /** @default 2 */
  agencies?: number;
  /** History rows per model before the first cycle. @default 200 */
  historyRows?: number;
  /** Aggregators at once (stream shards) under the conflict model. @default 4 */
  aggregators?: number;
  /** Syncs the fan-out keeps in flight. @default 10 */
  syncConcurrency?: number;
  /** A running DynamoDB Local (the test suite's); the soak starts its own when absent. */
  endpoint?: string;
  /** One line per cycle. */
  log?: (line: string) => void;
}

/** Every figure the soak must end with at zero. */
export interface SoakFigures {
  rowsLost: number;
  rowsDoubled: number;
  modelDriftCents: number;
  agencyDriftCents: number;
  countDrift: number;
  cursorsBackwards: number;
  modelsStuck: number;
  revokedNotShowingError: number;
  revokedNotCaughtUpAfterReauthorization: number;
  driftRepairedByReconciliation: number;
  unexpectedSyncErrors: number;
}

export interface SoakReport {
  seed: number;
  cycles: number;
  models: number;
  agencies: number;
  rows: number;
  faults: Record<string, number>;
  revoked: number;
  figures: SoakFigures;
  details: string[];
  seconds: number;
}

const CYCLE_MS = 600_000;

/** Runs the soak on a fresh local stack and returns its figures (never throws for a non-zero figure). */
export async function runSoak(o: SoakOptions): Promise<SoakReport> {
  const started = performance.now();
  const log = o.log ?? (() => {});
  const agencies = o.agencies ?? 2;
  const s = await startSoakStack({
    seed: o.seed,
    models: o.models,
    agencies,
    historyRows: o.historyRows ?? 200,
    aggregators: o.aggregators ?? 4,
    syncConcurrency: o.syncConcurrency ?? 10,
    endpoint: o.endpoint,
  });
  const rng = new Rng(deriveSeed(o.seed, 'soak-plan'));
  const faults: Record<string, number> = {};
  const details: string[] = [];
  const cursors = new Map<string, number>();
  let cursorsBackwards = 0;
  const records = async () => {
    const out = new Map<string, ModelRecord>();
    for await (const m of s.models.listAll()) out.set(m.modelId, m);
    return out;
  };
  const watchCursors = async () => {
    for (const [id, m] of await records()) {
      const now = m.cursor ? Date.parse(m.cursor) : Number.NEGATIVE_INFINITY;
      if (now < (cursors.get(id) ?? Number.NEGATIVE_INFINITY)) {
        cursorsBackwards += 1;
        details.push(`cursor of ${id} went back to ${m.cursor}`);
      }
      cursors.set(id, Math.max(now, cursors.get(id) ?? now));
    }
  };
  const cycle = async (label: string, salesDuring: number, overlap: boolean) => {
    const t0 = performance.now();
    const first = s.outcomes.length;
    const fan = s.fanout('schedule');
    if (overlap) {
      for (let n = rng.int(1, 5); n > 0; n--) void s.trigger(rng.pick(s.roster).modelId, 'manual');
      faults['overlapping manual triggers'] = (faults['overlapping manual triggers'] ?? 0) + 1;
    }
    sell(s, rng, salesDuring);
    await fan;
    await s.settle();
    await watchCursors();
    const done = s.outcomes.slice(first).map((x) => x.outcome.status);
    const n = (st: string) => done.filter((d) => d === st).length;
    log(
      `${label}: ${done.length} runs (${n('ok')} ok, ${n('partial')} partial, ${n('error')} error, ${n('already_running')} already running), ` +
        `${s.counts.syncCrashes} sync crashes so far, ${Math.round(performance.now() - t0)} ms`,
    );
    s.clock.advance(CYCLE_MS);
  };

  try {
    const revokeAt = Math.max(1, Math.ceil(o.cycles / 2));
    const revoked = new Set<string>();
    for (let c = 1; c <= o.cycles; c++) {
      s.relay.replayKept();
      const on = injectFaults(s, rng, faults, c);
      if (c === revokeAt) {
        for (const m of s.roster.filter((_, i) => i % 10 === 3 % s.roster.length)) {
          s.sim.revokeConnection(m.refreshToken);
          revoked.add(m.modelId);
          on.push(`revoked ${m.modelId}`);
        }
      }
      sell(s, rng, rng.int(0, Math.ceil(o.models / 4)));
      await cycle(
        `cycle ${c} [${on.join(', ') || 'stream/webhook/crash faults only'}]`,
        rng.int(0, 6),
        rng.chance(0.6),
      );
      stopFaults(s);
    }
    faults['revoked connections'] = revoked.size;

    // Faults stop; the source stops changing, so its rows are the ground truth from here on.
    s.relay.replayKept();
    const truth = new Map(s.roster.map((m) => [m.modelId, s.sim.rows(m.creatorUuid)]));
    const pending = async (ids: Iterable<string>) => {
      const recs = await records();
      const out: string[] = [];
      for (const id of ids) {
        const stored = await storedRows(s.doc, s.tables.transactions, id);
        if (!caughtUp(truth.get(id) ?? [], stored, recs.get(id))) out.push(id);
      }
      return out;
    };
    const recoverable = s.roster.map((m) => m.modelId).filter((id) => !revoked.has(id));
    let behind = await pending(recoverable);
    for (let clean = 1; clean <= 2 && behind.length > 0; clean++) {
      await cycle(`clean cycle ${clean}`, 0, false);
      behind = await pending(recoverable);
    }
    for (const id of behind) details.push(`stuck: ${id}`);

    // Revoked connections: the model shows the error, then catches up once re-authorized.
    const recs = await records();
    const notShowing = [...revoked].filter((id) => recs.get(id)?.status !== 'error' || !recs.get(id)?.lastError);
    for (const id of notShowing)
      details.push(`revoked ${id} shows ${recs.get(id)?.status} (${recs.get(id)?.lastError})`);
    for (const m of s.roster.filter((x) => revoked.has(x.modelId))) {
      const conn = s.sim.createConnection({ creatorUuids: [m.creatorUuid] });
      await s.secrets.put(`fanvue/connection/${m.modelId}`, JSON.stringify({ refreshToken: conn.refreshToken }));
    }
    if (revoked.size > 0) await cycle('after re-authorization', 0, false);
    const revokedBehind = revoked.size > 0 ? await pending(revoked) : [];
    const after = await records();
    for (const id of revokedBehind)
      details.push(`re-authorized ${id} did not catch up: ${after.get(id)?.status} (${after.get(id)?.lastError})`);

    await s.settle();
    const stats = s.poller.stats();
    const reconcile = await reconcileTotals(
      {
        listModels: () => s.models.listAll(),
        reader: new TotalsReader(s.doc, { transactions: s.tables.transactions, totals: s.tables.totals }),
        store: new TotalsStore(s.doc, s.tables.totals, { now: () => Date.now() }),
        zones: dynamoZoneLookup(s.doc, s.tables.control),
        logger: silentLogger,
        metrics: noopMetrics,
      },
      { repair: true },
    );
    for (const d of reconcile.differences.slice(0, 5))
      details.push(`reconciliation: ${d.key} ${d.field} expected ${d.expected}, was ${d.actual}`);

    let rowsLost = 0;
    let rowsDoubled = 0;
    let rows = 0;
    for (const m of s.roster) {
      const t = truth.get(m.modelId) ?? [];
      rows += t.length;
      const r = compareRows(t, await storedRows(s.doc, s.tables.transactions, m.modelId));
      rowsLost += r.lost;
      rowsDoubled += r.doubled;
    }
    const drift = await totalsDrift(s.doc, s.tables.totals, s.roster, (uuid) => s.sim.rows(uuid));
    details.push(...drift.examples);

    const sim = s.sim.stats();
    const conflicts = s.conflicts.stats();
    Object.assign(faults, {
      '429 responses': sim.byStatus['429'] ?? 0,
      '5xx responses': (sim.byStatus['500'] ?? 0) + (sim.byStatus['502'] ?? 0) + (sim.byStatus['503'] ?? 0),
      'sync crashes between pages': s.counts.syncCrashes,
      'aggregator crashes mid-batch': s.counts.aggregatorCrashes,
      'stream records delivered twice': s.counts.duplicatedRecords,
      'stream batches reordered': s.counts.reorderedBatches,
      'stream batches with replayed records': s.counts.replayedRecords,
      'transaction conflicts (cancelled)': conflicts.cancelled,
      // A batch that keeps failing goes to the on-failure destination even if some attempt applied it: loss shows as drift.
      'stream records sent to the on-failure destination': stats.sentToFailure,
      'webhooks dropped': s.relay.counts.dropped,
      'webhooks delivered twice': s.relay.counts.duplicated,
      'webhooks replayed later': s.relay.counts.replayed,
      'webhooks refused by the API (stale signature)': s.relay.counts.byStatus['401'] ?? 0,
    });
    return {
      seed: o.seed,
      cycles: o.cycles,
      models: o.models,
      agencies,
      rows,
      faults,
      revoked: revoked.size,
      figures: {
        rowsLost,
        rowsDoubled,
        modelDriftCents: drift.modelCents,
        agencyDriftCents: drift.agencyCents,
        countDrift: drift.countOff,
        cursorsBackwards,
        modelsStuck: behind.length,
        revokedNotShowingError: notShowing.length,
        revokedNotCaughtUpAfterReauthorization: revokedBehind.length,
        driftRepairedByReconciliation: reconcile.repaired,
        unexpectedSyncErrors: s.counts.unexpectedSyncErrors.length,
      },
      details: [...details, ...s.counts.unexpectedSyncErrors.slice(0, 5)],
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    await s.stop();
  }
}
