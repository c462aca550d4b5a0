import { rmSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { z } from 'zod';
import { POLL_INTERVAL_MS } from '../frontend/src/queries';
import { DashboardResponseSchema } from '../lambdas/domain/dashboard';
import { consoleLogger } from '../local/console-logger';
import { quietSdkNodeNotice } from '../local/sdk-notice';
import { type LocalStack, startLocalStack } from '../local/stack';
import { buildFrontendFresh, launchChromium, parseUsd } from '../test/support/browser';
import { type FrontendJsSizes, formatFrontendJs, frontendJsSizes } from './support/frontend-size';

/** Options of {@link runBrowserBench}. */
export interface BrowserBenchOptions {
  /** Demo schedule of the local stack. @default 5000 */
  intervalMs?: number;
  /** Cold page loads for the first-render time. @default 5 */
  loads?: number;
  /** Sales are injected during this long after the observed page opened. @default 110000 */
  injectForMs?: number;
  /** How long the observed page stays open (two of the app's 60 s polls fit). @default 125000 */
  observeMs?: number;
  /** Gross of each injected sale, in cents. @default 10000 */
  saleCents?: number;
}

/** Spread of a set of durations, in ms. */
export interface Durations {
  samples: number;
  meanMs: number;
  medianMs: number;
  maxMs: number;
}

export interface BrowserBenchResult {
  /** The dashboard's JS: what its first load fetches (index.html's scripts and preloads), and all of it. */
  frontendJs: FrontendJsSizes | null;
  /** Navigation start to the gross revenue figure on screen, cold (new context each load). */
  firstRender: { loads: number; medianMs: number; samplesMs: number[] };
  freshness: {
    intervalMs: number;
    pollMs: number;
    /** Sale injected in the simulator -> in GET /api/dashboard: the part the backend controls. */
    dataPath: Durations;
    /** Sale injected -> on screen of a page left open, polling as in production. */
    dashboard: Durations & { notShownByEnd: number; expectedMeanMs: number; pollsSeen: number };
    /** The same expectation on the production schedule (rate(10 minutes)). */
    productionExpectedMeanMs: number;
  };
}

function durations(values: number[]): Durations {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length === 0 ? 0 : sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  const round = (n: number) => Math.round(n);
  return {
    samples: values.length,
    meanMs: round(values.reduce((a, b) => a + b, 0) / Math.max(1, values.length)),
    medianMs: round(median),
    maxMs: round(sorted[sorted.length - 1] ?? 0),
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A small seeded generator, so the injection phases are the same from run to run. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1_664_525) + 1_013_904_223) >>> 0;
    return s / 2 ** 32;
  };
}

async function agencyGross(stack: LocalStack): Promise<number> {
  const res = await fetch(`${stack.url}/api/key/dashboard?days=30`, {
    headers: { authorization: `Bearer ${stack.apiKey}` },
  });
  if (res.status !== 200) throw new Error(`dashboard answered ${res.status}`);
  return DashboardResponseSchema.parse(await res.json()).totals.gross;
}

// In-page scripts are plain strings: a transpiler's helpers (e.g. `__name`) do not exist in the page.
/** In the page: navigation start -> first animation frame with the gross revenue figure shown. */
const KPI_SHOWN_AT = `(() => {
  const el = document.querySelector('.kpi__value');
  return el !== null && el.getBoundingClientRect().height > 0 && /\\$\\d/.test(el.textContent ?? '') ? performance.now() : false;
})()`;

async function measureFirstRender(browser: Browser, stack: LocalStack, loads: number): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < loads; i++) {
    const context = await browser.newContext({ locale: 'en-US' });
    try {
      const page = await context.newPage();
      await page.goto(`${stack.url}/#key=${stack.apiKey}`, { waitUntil: 'commit' });
      const shown = await page.waitForFunction(KPI_SHOWN_AT, undefined, { polling: 'raf', timeout: 30_000 });
      samples.push(Math.round(Number(await shown.jsonValue())));
    } finally {
      await context.close();
    }
  }
  return samples;
}

/** In the page: records [epoch ms, text] in `window.heartbeatKpiLog` whenever the gross figure's text changes. */
const RECORD_KPI_CHANGES = `(() => {
  const log = [];
  let last = '';
  const check = () => {
    const text = document.querySelector('.kpi__value')?.textContent ?? '';
    if (text !== last) log.push([Date.now(), (last = text)]);
  };
  check();
  new MutationObserver(check).observe(document.body, { subtree: true, childList: true, characterData: true });
  window.heartbeatKpiLog = log;
})()`;
const KpiLogSchema = z.array(z.tuple([z.number(), z.string()]));

async function measureFreshness(browser: Browser, stack: LocalStack, o: Required<BrowserBenchOptions>) {
  const context = await browser.newContext({ locale: 'en-US' });
  try {
    const page = await context.newPage();
    const polls: number[] = [];
    page.on('request', (req) => {
      if (new URL(req.url()).pathname === '/api/key/dashboard') polls.push(Date.now());
    });
    await page.goto(`${stack.url}/#key=${stack.apiKey}`);
    await page.waitForFunction(KPI_SHOWN_AT, undefined, { polling: 'raf', timeout: 30_000 });
    const opened = Date.now();
    await page.evaluate(RECORD_KPI_CHANGES);

    const creators = Object.values(stack.creatorOf);
    const rand = lcg(42);
    let expected = await agencyGross(stack);
    const sales: { at: number; total: number }[] = [];
    const dataPath: number[] = [];
    while (Date.now() - opened < o.injectForMs) {
      await sleep(rand() * o.intervalMs);
      const at = Date.now();
      stack.sim.addRow(creators[sales.length % creators.length]!, {
        gross: o.saleCents,
        net: Math.trunc((o.saleCents * 8) / 10),
        source: 'tip',
      });
      expected += o.saleCents;
      sales.push({ at, total: expected });
      while ((await agencyGross(stack)) < expected) {
        if (Date.now() - at > 4 * o.intervalMs + 30_000)
          throw new Error('a sale did not reach the API within four intervals');
        await sleep(50);
      }
      dataPath.push(Date.now() - at);
    }
    await sleep(Math.max(0, o.observeMs - (Date.now() - opened)));

    const log = KpiLogSchema.parse(await page.evaluate('window.heartbeatKpiLog'));
    const shown = log.map(([t, text]) => ({ t, cents: parseUsd(text) }));
    const onScreen: number[] = [];
    for (const sale of sales) {
      const first = shown.find((s) => s.t >= sale.at && s.cents !== undefined && s.cents >= sale.total);
      if (first) onScreen.push(first.t - sale.at);
    }
    return { dataPath, onScreen, notShownByEnd: sales.length - onScreen.length, pollsSeen: polls.length };
  } finally {
    await context.close();
  }
}

/**
 * Browser benchmarks on the real local stack: the dashboard's JS (first
 * load against its goal, and total), the cold first-render time in headless Chromium, and the
 * end-to-end freshness of a new sale (data path to the API, and to the screen
 * of a page left open that polls as in production).
 */
export async function runBrowserBench(options: BrowserBenchOptions = {}): Promise<BrowserBenchResult> {
  const o: Required<BrowserBenchOptions> = {
    intervalMs: 5_000,
    loads: 5,
    injectForMs: 110_000,
    observeMs: 125_000,
    saleCents: 10_000,
    ...options,
  };
  // Measured and served from a build of the current sources, never an old frontend/dist.
  const dist = await buildFrontendFresh();
  const frontendJs = frontendJsSizes(dist);

  let stack: LocalStack | undefined;
  let browser: Browser | undefined;
  try {
    stack = await startLocalStack({
      intervalMs: o.intervalMs,
      liveEveryMs: 0,
      staticRoot: dist,
      logger: consoleLogger(false),
    });
    await stack.cycle('bench');
    browser = await launchChromium();
    const firstRender = await measureFirstRender(browser, stack, o.loads);
    const fresh = await measureFreshness(browser, stack, o);
    const dataPath = durations(fresh.dataPath);
    return {
      frontendJs,
      firstRender: { loads: o.loads, medianMs: durations(firstRender).medianMs, samplesMs: firstRender },
      freshness: {
        intervalMs: o.intervalMs,
        pollMs: POLL_INTERVAL_MS,
        dataPath,
        dashboard: {
          ...durations(fresh.onScreen),
          notShownByEnd: fresh.notShownByEnd,
          expectedMeanMs: Math.round(o.intervalMs / 2 + POLL_INTERVAL_MS / 2),
          pollsSeen: fresh.pollsSeen,
        },
        productionExpectedMeanMs: 600_000 / 2 + POLL_INTERVAL_MS / 2,
      },
    };
  } finally {
    await browser?.close();
    await stack?.stop();
    rmSync(dist, { recursive: true, force: true });
  }
}

/** A readable summary of {@link runBrowserBench}'s figures. */
export function formatBrowserBench(r: BrowserBenchResult): string {
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const f = r.freshness;
  return [
    formatFrontendJs(r.frontendJs),
    `first render (navigation start -> gross revenue shown), ${r.firstRender.loads} cold loads: median ${r.firstRender.medianMs} ms [${r.firstRender.samplesMs.join(', ')}]`,
    `data path, ${s(f.intervalMs)} schedule (sale -> GET /api/dashboard), ${f.dataPath.samples} sales: mean ${s(f.dataPath.meanMs)}, median ${s(f.dataPath.medianMs)}, max ${s(f.dataPath.maxMs)}`,
    `on screen with the app's ${s(f.pollMs)} polling, ${f.dashboard.samples} sales (${f.dashboard.pollsSeen} requests seen, ${f.dashboard.notShownByEnd} not shown by the end): ` +
      `mean ${s(f.dashboard.meanMs)}, median ${s(f.dashboard.medianMs)}, max ${s(f.dashboard.maxMs)}; expected mean ≈ ${s(f.dashboard.expectedMeanMs)}`,
    `on the production schedule, expected mean ≈ ${s(f.productionExpectedMeanMs)} (interval/2 + poll/2)`,
  ].join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  quietSdkNodeNotice();
  const r = await runBrowserBench();
  console.log(formatBrowserBench(r));
  console.log(JSON.stringify(r, null, 2));
}
