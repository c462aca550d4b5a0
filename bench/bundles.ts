import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import {
  BUNDLE_TARGET,
  ESM_REQUIRE_BANNER,
  EXTERNAL_MODULES,
  type HandlerName,
  handlerEntry,
  PROJECT_ROOT,
} from '../infra/constructs/heartbeat-function';
import { quietSdkNodeNotice } from '../local/sdk-notice';

/**
 * Where a bundle's AWS SDK comes from: `external` leaves `@aws-sdk/*` to the Lambda runtime's
 * copy (here loaded from node_modules, as the runtime loads its own), `bundled` puts the
 * pinned SDK inside the bundle (tree-shaken and minified with the rest).
 */
export type SdkMode = 'external' | 'bundled';

/** Size and cold import time of one handler bundle. */
export interface BundleResult {
  readonly handler: HandlerName;
  readonly sdk: SdkMode;
  readonly bytes: number;
  /** Median of {@link RUNS} cold imports, each in a fresh Node process. */
  readonly importMs: number;
  /** Largest packages in the bundle, bytes of output each. */
  readonly topPackages: readonly (readonly [string, number])[];
}

const HANDLERS: readonly HandlerName[] = ['sync', 'fanout', 'aggregate', 'reconcile', 'api', 'export'];
const RUNS = 5;
/** Goals from the design card; the bench reports against them and fails nothing. */
export const GOALS = { bytes: 150 * 1024, importMs: 150 } as const;

/** Environment the handlers validate at import time (values are placeholders; nothing is called). */
const DUMMY_ENV: Record<string, string> = {
  TRANSACTIONS_TABLE: 'bench-transactions',
  CONTROL_TABLE: 'bench-control',
  TOTALS_TABLE: 'bench-totals',
  FANVUE_CLIENT_SECRET_ID: 'bench/client',
  FANVUE_CONNECTION_SECRET_PREFIX: 'bench/connection/',
  SYNC_FUNCTION_NAME: 'bench-sync',
  FANOUT_FUNCTION_NAME: 'bench-fanout',
  CRON_SECRET_ID: 'bench/cron',
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  POWERTOOLS_SERVICE_NAME: 'revenue-heartbeat',
  LOG_LEVEL: 'ERROR',
};

/** Bundles one handler exactly as HeartbeatFunction does (ESM, minified, tree-shaken, node target, SDK external). */
async function bundle(
  handler: HandlerName,
  sdk: SdkMode,
  outdir: string,
): Promise<{ file: string; bytes: number; topPackages: [string, number][] }> {
  const file = join(outdir, `${handler}-${sdk}.mjs`);
  const result = await build({
    entryPoints: [handlerEntry(handler)],
    outfile: file,
    bundle: true,
    minify: true,
    treeShaking: true,
    format: 'esm',
    platform: 'node',
    target: BUNDLE_TARGET,
    mainFields: ['module', 'main'],
    banner: { js: ESM_REQUIRE_BANNER },
    external: sdk === 'external' ? [...EXTERNAL_MODULES, '@aws-sdk/*'] : EXTERNAL_MODULES,
    sourcemap: false,
    metafile: true,
    logLevel: 'error',
    absWorkingDir: PROJECT_ROOT,
  });
  const output = Object.values(result.metafile.outputs)[0];
  const byPackage = new Map<string, number>();
  for (const [input, info] of Object.entries(output?.inputs ?? {})) {
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1] ?? '(project)';
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + info.bytesInOutput);
  }
  const topPackages = [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, 3);
  return { file, bytes: output?.bytes ?? 0, topPackages };
}

/** Cold import of the bundle in a fresh Node process; returns milliseconds. */
function coldImportMs(file: string, probeDir: string): number {
  const probe = join(probeDir, 'probe.mjs');
  writeFileSync(
    probe,
    // The Node.js runtime gives response-streaming handlers (the export function) the `awslambda` global.
    'globalThis.awslambda ??= { streamifyResponse: (f) => f, HttpResponseStream: { from: (s) => s } };\n' +
      `const t = performance.now(); const m = await import(${JSON.stringify(pathToFileURL(file).href)});\n` +
      `if (typeof m.handler !== 'function') throw new Error('no handler export');\nprocess.stdout.write(String(performance.now() - t));\n`,
  );
  const run = spawnSync(process.execPath, [probe], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, ...DUMMY_ENV },
    encoding: 'utf8',
  });
  if (run.status !== 0)
    throw new Error(`import of ${file} failed: ${run.stderr.trim().split('\n').slice(-3).join(' ')}`);
  return Number(run.stdout);
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

/**
 * Bundles every handler like the CDK construct does, once per SDK mode, and measures each
 * bundle's size and cold import time in Node. Reports against {@link GOALS}; it fails nothing.
 */
export async function runBundleBench(modes: readonly SdkMode[] = ['bundled', 'external']): Promise<BundleResult[]> {
  // Bundles go inside the project (git-ignored .cache) so their bare @aws-sdk imports resolve like the runtime's.
  mkdirSync(join(PROJECT_ROOT, '.cache'), { recursive: true });
  const dir = mkdtempSync(join(PROJECT_ROOT, '.cache', 'bundle-bench-'));
  const probeDir = mkdtempSync(join(tmpdir(), 'bundle-bench-probe-'));
  try {
    const built = [];
    for (const sdk of modes)
      for (const handler of HANDLERS) built.push({ handler, sdk, ...(await bundle(handler, sdk, dir)) });
    // Runs interleave the bundles, so a change in the machine's load hits every bundle alike.
    const times = built.map(() => [] as number[]);
    for (let run = 0; run < RUNS; run++)
      for (const [i, b] of built.entries()) times[i]?.push(coldImportMs(b.file, probeDir));
    return built.map(({ handler, sdk, bytes, topPackages }, i) => ({
      handler,
      sdk,
      bytes,
      importMs: median(times[i] ?? []),
      topPackages,
    }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(probeDir, { recursive: true, force: true });
  }
}

/** One line per handler, flagging what misses a goal. */
export function formatBundleReport(results: readonly BundleResult[]): string {
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
  const lines = results.map((r) => {
    const size = `${kb(r.bytes)}${r.bytes > GOALS.bytes ? ' (over goal)' : ''}`;
    const time = `${r.importMs.toFixed(1)} ms${r.importMs > GOALS.importMs ? ' (over goal)' : ''}`;
    const top = r.topPackages.map(([p, b]) => `${p} ${kb(b)}`).join(', ');
    return `${r.handler.padEnd(10)} SDK ${r.sdk.padEnd(9)} ${size.padEnd(24)} cold import ${time.padEnd(22)} largest: ${top}`;
  });
  return [`bundle goals: < ${kb(GOALS.bytes)} and < ${GOALS.importMs} ms cold import each`, ...lines].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  quietSdkNodeNotice();
  const results = await runBundleBench();
  console.log(formatBundleReport(results));
}
