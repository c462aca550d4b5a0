import { mkdirSync, rmSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type DashboardResponse, DashboardResponseSchema } from '../../lambdas/domain/dashboard';
import { consoleLogger } from '../../local/console-logger';
import { type LocalStack, startLocalStack } from '../../local/stack';
import { launchChromium, REPO_ROOT, usd } from '../support/browser';
import { sharedDynamoDb } from '../support/ddb';

/** Demo schedule of the local stack: short, so the test sees a scheduled cycle pick the sale up. */
const INTERVAL_MS = 5_000;
/** The app's production poll period (queries.ts). */
const POLL_MS = 60_000;
const SALE = { gross: 123_456, net: 98_765, source: 'tip' } as const;
const SCREENSHOT = resolve(REPO_ROOT, 'test-results', 'dashboard.png');

let stack: LocalStack | undefined;
let browser: Browser | undefined;
let page: Page;
const cycles: string[] = [];
const dashboardRequests: string[] = [];

function live(): LocalStack {
  if (!stack) throw new Error('local stack not started');
  return stack;
}

/** GET /api/dashboard as the app calls it, parsed with the shared contract. */
async function apiDashboard(): Promise<DashboardResponse> {
  const s = live();
  const res = await fetch(`${s.url}/api/key/dashboard?period=30d`, {
    headers: { authorization: `Bearer ${s.apiKey}` },
  });
  expect(res.status).toBe(200);
  return DashboardResponseSchema.parse(await res.json());
}

/** Resolves once a scheduled cycle has finished (the next one starts a whole interval later). */
async function scheduledCycleDone(timeoutMs = 3 * INTERVAL_MS): Promise<void> {
  const before = cycles.filter((c) => c.includes('(schedule)')).length;
  await expect
    .poll(() => cycles.filter((c) => c.includes('(schedule)')).length, { timeout: timeoutMs, interval: 20 })
    .toBeGreaterThan(before);
}

const kpi = () => page.getByRole('region', { name: 'Gross revenue, last 30 days' });
const modelCard = (displayName: string) => page.getByRole('article', { name: displayName, exact: true });

describe('dashboard in Chromium against the local stack', () => {
  beforeAll(async () => {
    mkdirSync(resolve(REPO_ROOT, 'test-results'), { recursive: true });
    rmSync(SCREENSHOT, { force: true });
    stack = await startLocalStack({
      ...sharedDynamoDb('dash'),
      staticRoot: inject('frontendDist'),
      intervalMs: INTERVAL_MS,
      liveEveryMs: 0,
      simulator: { creators: 4, history: 60 },
      logger: consoleLogger(false),
      onCycle: (line) => cycles.push(line),
    });
    await stack.cycle('e2e');
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
    page = await context.newPage();
    page.on('request', (req) => {
      if (new URL(req.url()).pathname === '/api/key/dashboard') dashboardRequests.push(req.url());
    });
    // The app's own timers under Playwright's clock: time flows normally, and a 60 s poll can be fast-forwarded.
    await page.clock.install();
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('shows the demo agency, its 4 models and a gross total equal to the stored rows, Live', async () => {
    const s = live();
    const stored = s.sim.creators.flatMap((c) => s.sim.rows(c.uuid)).reduce((sum, r) => sum + r.gross, 0);
    // Load right after a scheduled cycle, so the first poll never lands inside one (it would show Syncing).
    await scheduledCycleDone();
    await page.goto(`${s.url}/#key=${s.apiKey}`);
    await page.getByRole('heading', { level: 1 }).waitFor();
    const api = await apiDashboard();

    expect(api.agency.name).toBe('Northstar Talent');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Northstar Talent');
    // Nothing lost or doubled on the way from the simulator to the totals the page shows.
    expect(api.totals.gross).toBe(stored);
    expect(api.totals.gross).toBe(api.models.reduce((sum, m) => sum + m.totals.gross, 0));
    expect(await kpi().locator('.kpi__value').textContent()).toBe(usd(api.current.gross));
    expect(await kpi().getByText('All time').locator('xpath=..').locator('dd').textContent()).toBe(
      usd(api.totals.gross),
    );
    expect(page.url()).not.toContain(s.apiKey);

    expect(await page.getByRole('article').count()).toBe(4);
    const names = s.sim.creators.map((c) => c.displayName);
    expect(api.models.map((m) => m.displayName).sort()).toEqual([...names].sort());
    for (const m of api.models) {
      const card = modelCard(m.displayName);
      expect(await card.getByRole('heading').textContent()).toBe(m.displayName);
      expect(await card.locator('.model__value').textContent()).toBe(usd(m.period.gross));
      expect(await card.locator('[data-state]').getAttribute('data-state')).toBe('live');
    }

    // The badge is visible; the live region next to it announces the state only (not the ticking "synced 2m ago").
    const indicator = kpi().locator('.kpi__state [data-state]');
    expect(await indicator.getAttribute('data-state')).toBe('live');
    expect(await indicator.locator('.live__label').textContent()).toBe('Live');
    expect(await indicator.isVisible()).toBe(true);
    expect(await kpi().getByRole('status').textContent()).toBe('Revenue data live');
  });

  it('shows a new Fanvue sale on the model card and the gross total after the next scheduled sync, without a reload', async () => {
    const s = live();
    const modelId = 'model-01';
    const creatorUuid = s.creatorOf[modelId];
    if (!creatorUuid) throw new Error(`no creator for ${modelId}`);
    const before = await apiDashboard();
    const model = before.models.find((m) => m.modelId === modelId);
    if (!model) throw new Error(`${modelId} missing from the dashboard`);
    const tipsRow = page.getByRole('listitem').filter({ hasText: 'Tips' });
    const tipsBefore = before.current.bySource.tip?.gross ?? 0;
    await page.evaluate(() => Object.assign(window, { heartbeatSameDocument: true }));
    expect(await modelCard(model.displayName).locator('.model__value').textContent()).toBe(usd(model.period.gross));

    s.sim.addRow(creatorUuid, SALE);
    // The data path: a scheduled cycle (no manual trigger) syncs it, the stream aggregator adds it up.
    await expect
      .poll(async () => (await apiDashboard()).totals.gross, { timeout: 3 * INTERVAL_MS, interval: 100 })
      .toBe(before.totals.gross + SALE.gross);
    const after = await apiDashboard();
    expect(after.models.find((m) => m.modelId === modelId)?.totals).toMatchObject({
      gross: model.totals.gross + SALE.gross,
      net: model.totals.net + SALE.net,
      count: model.totals.count + 1,
    });
    expect(after.current.bySource.tip?.gross).toBe(tipsBefore + SALE.gross);

    // Nothing on the page changes until the app polls; then its 60 s poll (fast-forwarded) brings the sale in.
    expect(await kpi().locator('.kpi__value').textContent()).toBe(usd(before.current.gross));
    const requestsBefore = dashboardRequests.length;
    await page.clock.fastForward(POLL_MS);
    await expect
      .poll(() => kpi().locator('.kpi__value').textContent(), { timeout: 10_000, interval: 100 })
      .toBe(usd(before.current.gross + SALE.gross));
    expect(await modelCard(model.displayName).locator('.model__value').textContent()).toBe(
      usd(model.period.gross + SALE.gross),
    );
    expect(await tipsRow.locator('.sources__value').textContent()).toBe(usd(tipsBefore + SALE.gross));
    expect(dashboardRequests.length).toBeGreaterThan(requestsBefore);
    expect(await page.evaluate(() => 'heartbeatSameDocument' in window)).toBe(true);

    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(statSync(SCREENSHOT).size).toBeGreaterThan(0);
  });
});
