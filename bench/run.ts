import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { quietSdkNodeNotice } from '../local/sdk-notice';

/**
 * `npm run bench`: every benchmark in turn, each on its own fresh parts
 * (DynamoDB Local, simulator, Chromium). Prints a summary and writes
 * test-results/bench.json. `--quick` runs reduced sizes; `--only a,b` picks.
 * Figures are measurements, not assertions: nothing here fails a build.
 */
quietSdkNodeNotice();
const quick = process.argv.includes('--quick');
const onlyIdx = process.argv.indexOf('--only');
const only = onlyIdx > 0 ? new Set((process.argv[onlyIdx + 1] ?? '').split(',')) : undefined;
const want = (name: string) => !only || only.has(name);
const results: Record<string, unknown> = { measuredAt: new Date().toISOString(), quick };

async function section(name: string, run: () => Promise<string>): Promise<void> {
  if (!want(name)) return;
  const started = performance.now();
  console.log(`\n== ${name} ==`);
  try {
    console.log(await run());
  } catch (err) {
    console.log(`(${name} did not run: ${err instanceof Error ? err.message : String(err)})`);
    results[name] = { error: err instanceof Error ? err.message : String(err) };
  }
  console.log(`(${((performance.now() - started) / 1000).toFixed(1)} s)`);
}

await section('sync', async () => {
  const { runSyncBench, formatSyncBench } = await import('./sync');
  const r = await runSyncBench(
    quick
      ? { historyRows: 2_000, models: 20, newRows: 10, concurrency: 10 }
      : { historyRows: 20_000, models: 200, newRows: 10, concurrency: 10 },
  );
  results.sync = r;
  return formatSyncBench(r);
});

await section('aggregate', async () => {
  const { runAggregateBench, REDUCED_SIZE, FULL_SIZE } = await import('./aggregate');
  const r = await runAggregateBench(process.argv.includes('--full') ? FULL_SIZE : REDUCED_SIZE);
  results.aggregate = r;
  return JSON.stringify(r, null, 2);
});

await section('concurrency', async () => {
  const { runConcurrencyBench, formatConcurrency } = await import('./concurrency');
  const r = await runConcurrencyBench(quick ? { records: 600, writers: [1, 4] } : {});
  results.concurrency = r;
  return formatConcurrency(r);
});

await section('scale', async () => {
  const { runScaleBench, formatScale } = await import('./scale');
  const r = await runScaleBench(quick ? { models: 50 } : {});
  results.scale = r;
  return formatScale(r);
});

await section('reconcile', async () => {
  const { runReconcileScale, formatReconcileScale } = await import('./reconcile-scale');
  const r = await runReconcileScale(quick ? { models: 5, rowsPerModel: 1_000 } : { models: 20, rowsPerModel: 2_000 });
  results.reconcile = r;
  return formatReconcileScale(r);
});

await section('freshness', async () => {
  const { runFreshnessBench, formatFreshness } = await import('./freshness');
  const r = await runFreshnessBench(quick ? { intervalMs: 4_000, sales: 4, burst: 20 } : {});
  results.freshness = r;
  return formatFreshness(r);
});

await section('api', async () => {
  const { runApiBench } = await import('./api');
  const { formatFrontendJs } = await import('./support/frontend-size');
  const r = await runApiBench(quick ? { models: 100, requests: 30 } : {});
  results.api = r;
  return (
    `dashboard API, ${r.models} models: p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms, payload ${r.payloadBytes} B (${r.payloadGzipBytes} B gzipped); ` +
    `idle polls answered 304: ${r.notModified}/${r.idlePolls} (${Math.round(r.notModifiedRatio * 100)}%); ${formatFrontendJs(r.frontendJs)}; ` +
    `agency day item ${r.agencyDayItemBytes} B; ` +
    `periods: ${r.periods.map((p) => `${p.period} p50 ${p.p50Ms} ms / p99 ${p.p99Ms} ms, ${p.payloadBytes} B, read ${p.itemBytes} B / ${p.readUnits} RCU in ${p.calls} calls`).join('; ')}`
  );
});

await section('bundles', async () => {
  const { runBundleBench, formatBundleReport } = await import('./bundles');
  const r = await runBundleBench();
  results.bundles = r;
  return formatBundleReport(r);
});

await section('browser', async () => {
  if (!existsSync(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'))
    throw new Error('Chromium not installed (apt-get install -y chromium)');
  const mod = (await import('./browser')) as { runBrowserBench: () => Promise<unknown> };
  const r = await mod.runBrowserBench();
  results.browser = r;
  return JSON.stringify(r, null, 2);
});

const out = resolve(import.meta.dirname, '..', 'test-results');
mkdirSync(out, { recursive: true });
writeFileSync(resolve(out, 'bench.json'), `${JSON.stringify(results, null, 2)}\n`);
console.log(`\nwrote test-results/bench.json`);
