import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { deriveSeed, Rng } from '../local/fanvue-simulator/prng';
import { startScheduler } from '../local/scheduler';
import { quietSdkNodeNotice } from '../local/sdk-notice';
import { type SoakStack, startSoakStack } from './soak/stack';

/**
 * Webhook freshness on the local stack: sale -> visible in GET /api/dashboard,
 * with the simulator's signed webhooks and without them (schedule only), side
 * by side on the same stack and schedule; then a burst of 50 sales for one
 * model with webhooks on, counting the syncs it starts.
 * Run: `npx tsx bench/freshness.ts [--interval-ms N --sales N]`.
 */
export interface FreshnessBenchOptions {
  /** Schedule of the fan-out (scaled down from 10 minutes; without webhooks p50 is about half of it). @default 10000 */
  intervalMs: number;
  /** Sales measured per mode. @default 20 */
  sales: number;
  /** Sales in the burst for one model. @default 50 */
  burst: number;
}

export interface Distribution {
  samples: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
}

export interface FreshnessBenchResult {
  intervalMs: number;
  withWebhooks: Distribution;
  withoutWebhooks: Distribution;
  burst: {
    sales: number;
    webhooksDelivered: number;
    syncInvocations: number;
    /** Runs that took the lease (the others found it held and left a rerun request). */
    syncRunsStarted: number;
    fanvueCalls: number;
    allVisibleMs: number;
  };
}

const TotalsSchema = z.object({ totals: z.object({ gross: z.number() }) });
const SALE_CENTS = 1_000;

function distribution(ms: number[]): Distribution {
  const s = [...ms].sort((a, b) => a - b);
  const at = (p: number) => Math.round(s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)] ?? 0);
  return { samples: s.length, p50Ms: at(0.5), p95Ms: at(0.95), maxMs: Math.round(s.at(-1) ?? 0) };
}

async function agencyGross(s: SoakStack): Promise<number> {
  const res = await fetch(`${s.url}/api/dashboard`, {
    headers: { authorization: `Bearer ${Object.values(s.apiKeys)[0] ?? ''}` },
  });
  if (res.status !== 200) throw new Error(`dashboard answered ${res.status}`);
  return TotalsSchema.parse(await res.json()).totals.gross;
}

/** Polls the API until the agency's gross reaches `expected`; returns when it did. */
async function visible(s: SoakStack, expected: number, since: number, limitMs: number): Promise<number> {
  while ((await agencyGross(s)) < expected) {
    if (performance.now() - since > limitMs) throw new Error(`a sale was not visible within ${limitMs} ms`);
    await sleep(50);
  }
  return performance.now() - since;
}

async function measure(s: SoakStack, rng: Rng, o: FreshnessBenchOptions): Promise<number[]> {
  let expected = await agencyGross(s);
  const out: number[] = [];
  for (let i = 0; i < o.sales; i++) {
    await sleep(rng.next() * o.intervalMs);
    const at = performance.now();
    s.sim.addRow(rng.pick(s.roster).creatorUuid, { gross: SALE_CENTS, net: 800, source: 'tip' });
    expected += SALE_CENTS;
    out.push(await visible(s, expected, at, 4 * o.intervalMs + 30_000));
  }
  return out;
}

export async function runFreshnessBench(opts: Partial<FreshnessBenchOptions> = {}): Promise<FreshnessBenchResult> {
  const o: FreshnessBenchOptions = { intervalMs: 10_000, sales: 20, burst: 50, ...opts };
  const s = await startSoakStack({
    seed: 9,
    models: 12,
    agencies: 1,
    historyRows: 100,
    aggregators: 1,
    syncConcurrency: 10,
  });
  const rng = new Rng(deriveSeed(9, 'freshness'));
  const scheduler = startScheduler(
    o.intervalMs,
    async () => {
      await s.fanout('schedule');
      await s.syncsIdle();
    },
    () => {},
  );
  try {
    await s.fanout('schedule');
    await s.settle();
    const withWebhooks = distribution(await measure(s, rng, o));
    s.sim.setWebhook(undefined);
    const withoutWebhooks = distribution(await measure(s, rng, o));

    // The burst: webhooks on again, the schedule out of the way, 50 sales of one model at once.
    scheduler.stop();
    await s.settle();
    s.sim.setWebhook(s.webhook);
    const model = s.roster[0];
    if (!model) throw new Error('no model');
    const first = s.outcomes.length;
    const sent = s.sim.webhookStats().sent;
    s.sim.resetStats();
    let expected = await agencyGross(s);
    const t0 = performance.now();
    for (let i = 0; i < o.burst; i++) {
      s.sim.addRow(model.creatorUuid, { gross: SALE_CENTS, net: 800, source: 'tip' });
      expected += SALE_CENTS;
    }
    const allVisibleMs = await visible(s, expected, t0, 60_000);
    await s.settle();
    const mine = s.outcomes.slice(first).filter((x) => x.outcome.modelId === model.modelId);
    return {
      intervalMs: o.intervalMs,
      withWebhooks,
      withoutWebhooks,
      burst: {
        sales: o.burst,
        webhooksDelivered: s.sim.webhookStats().sent - sent,
        syncInvocations: mine.length,
        syncRunsStarted: mine.filter((x) => x.outcome.status !== 'already_running').length,
        fanvueCalls: s.sim.stats().byRoute.creatorEarnings,
        allVisibleMs: Math.round(allVisibleMs),
      },
    };
  } finally {
    scheduler.stop();
    await s.stop();
  }
}

export function formatFreshness(r: FreshnessBenchResult): string {
  const d = (x: Distribution) => `p50 ${x.p50Ms} ms, p95 ${x.p95Ms} ms, max ${x.maxMs} ms (${x.samples} sales)`;
  const b = r.burst;
  return [
    `sale -> GET /api/dashboard, schedule every ${r.intervalMs / 1000} s: with webhooks ${d(r.withWebhooks)}; without webhooks ${d(r.withoutWebhooks)}`,
    `burst of ${b.sales} sales for one model: ${b.webhooksDelivered} webhooks, ${b.syncInvocations} sync invocations, ` +
      `${b.syncRunsStarted} sync runs started (goal <= 2), ${b.fanvueCalls} Fanvue calls, all visible after ${b.allVisibleMs} ms`,
  ].join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  quietSdkNodeNotice();
  const flag = (name: string) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? Number(process.argv[i + 1]) : undefined;
  };
  const intervalMs = flag('interval-ms');
  const sales = flag('sales');
  console.log(formatFreshness(await runFreshnessBench({ ...(intervalMs && { intervalMs }), ...(sales && { sales }) })));
}
