import { pathToFileURL } from 'node:url';
import { quietSdkNodeNotice } from '../local/sdk-notice';
import { startSoakStack } from './soak/stack';

/**
 * A large agency on the local stack: one fan-out over every model (sync runs
 * at most `concurrency` at a time, as the sync Lambda's concurrency allows),
 * the stream drained through the aggregator, then the dashboard API's latency
 * for that agency. Run: `npx tsx bench/scale.ts [--models N]`.
 */
export interface ScaleBenchOptions {
  /** @default 1000 */
  models: number;
  /** History rows per model, read by the first (unmeasured) cycle. @default 10 */
  historyRows: number;
  /** New rows per model before the measured cycle. @default 2 */
  newRows: number;
  /** Sync runs at once. @default 10 */
  concurrency: number;
  /** Measured dashboard requests (after 5 warm-ups). @default 30 */
  apiRequests: number;
}

export interface ScaleBenchResult {
  models: number;
  first: { seconds: number; fanvueCalls: number; ddbOperations: number };
  cycle: {
    seconds: number;
    /** Until the last sync finished (the rest is the stream draining through the aggregator). */
    syncSeconds: number;
    newRows: number;
    fanvueCalls: number;
    fanvueCallsPerModel: number;
    ddbOperations: number;
    ddbOperationsPerModel: number;
    byOperation: Record<string, number>;
    runs: Record<string, number>;
  };
  api: { p50Ms: number; p95Ms: number; payloadBytes: number; requests: number };
}

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;

export async function runScaleBench(opts: Partial<ScaleBenchOptions> = {}): Promise<ScaleBenchResult> {
  const o: ScaleBenchOptions = {
    models: 1_000,
    historyRows: 10,
    newRows: 2,
    concurrency: 10,
    apiRequests: 30,
    ...opts,
  };
  const s = await startSoakStack({
    seed: 5,
    models: o.models,
    agencies: 1,
    historyRows: o.historyRows,
    aggregators: 1,
    syncConcurrency: o.concurrency,
  });
  try {
    // Sales here come from the schedule only (webhooks would start syncs of their own).
    s.sim.setWebhook(undefined);
    const measure = async () => {
      s.sim.resetStats();
      s.ops.reset();
      const first = s.outcomes.length;
      const t0 = performance.now();
      await s.fanout('schedule');
      await s.syncsIdle();
      const syncSeconds = (performance.now() - t0) / 1000;
      await s.settle();
      return {
        seconds: (performance.now() - t0) / 1000,
        syncSeconds,
        fanvueCalls: s.sim.stats().total,
        ddbOperations: s.ops.total(),
        byOperation: { ...s.ops.counts },
        outcomes: s.outcomes.slice(first).map((x) => x.outcome.status),
      };
    };
    const backfill = await measure();
    s.clock.advance(600_000);
    for (const m of s.roster) for (let i = 0; i < o.newRows; i++) s.sim.addRow(m.creatorUuid);
    const cycle = await measure();
    const runs: Record<string, number> = {};
    for (const st of cycle.outcomes) runs[st] = (runs[st] ?? 0) + 1;

    const key = Object.values(s.apiKeys)[0] ?? '';
    const times: number[] = [];
    let payloadBytes = 0;
    for (let i = 0; i < o.apiRequests + 5; i++) {
      const t0 = performance.now();
      const res = await fetch(`${s.url}/api/dashboard`, { headers: { authorization: `Bearer ${key}` } });
      const body = await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`dashboard answered ${res.status}`);
      if (i >= 5) times.push(performance.now() - t0);
      payloadBytes = body.byteLength;
    }
    times.sort((a, b) => a - b);
    return {
      models: o.models,
      first: { seconds: backfill.seconds, fanvueCalls: backfill.fanvueCalls, ddbOperations: backfill.ddbOperations },
      cycle: {
        seconds: cycle.seconds,
        syncSeconds: cycle.syncSeconds,
        newRows: o.models * o.newRows,
        fanvueCalls: cycle.fanvueCalls,
        fanvueCallsPerModel: cycle.fanvueCalls / o.models,
        ddbOperations: cycle.ddbOperations,
        ddbOperationsPerModel: cycle.ddbOperations / o.models,
        byOperation: cycle.byOperation,
        runs,
      },
      api: { p50Ms: pct(times, 50), p95Ms: pct(times, 95), payloadBytes, requests: times.length },
    };
  } finally {
    await s.stop();
  }
}

export function formatScale(r: ScaleBenchResult): string {
  const c = r.cycle;
  return [
    `first cycle (backfill) of ${r.models} models: ${r.first.seconds.toFixed(1)} s, ${r.first.fanvueCalls} Fanvue calls, ${r.first.ddbOperations} DynamoDB operations`,
    `cycle of ${r.models} models with ${c.newRows} new rows: ${c.seconds.toFixed(1)} s (syncs done at ${c.syncSeconds.toFixed(1)} s; interval 600 s), runs ${JSON.stringify(c.runs)}; ` +
      `${c.fanvueCalls} Fanvue calls (${c.fanvueCallsPerModel.toFixed(2)} per model); ${c.ddbOperations} DynamoDB operations (${c.ddbOperationsPerModel.toFixed(1)} per model): ${JSON.stringify(c.byOperation)}`,
    `dashboard API for that agency: p50 ${r.api.p50Ms.toFixed(0)} ms, p95 ${r.api.p95Ms.toFixed(0)} ms over ${r.api.requests} requests, ${r.api.payloadBytes} B uncompressed`,
  ].join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  quietSdkNodeNotice();
  const i = process.argv.indexOf('--models');
  console.log(formatScale(await runScaleBench(i > 0 ? { models: Number(process.argv[i + 1]) } : {})));
}
