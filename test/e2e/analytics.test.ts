import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type DashboardResponse, DashboardResponseSchema } from '../../lambdas/domain/dashboard';
import { addDays, comparisonLabel, localDay, type PeriodKey, periodLabel } from '../../lambdas/domain/period';
import { consoleLogger } from '../../local/console-logger';
import { type LocalStack, startLocalStack } from '../../local/stack';
import { launchChromium, parseUsd, REPO_ROOT } from '../support/browser';
import { sharedDynamoDb } from '../support/ddb';

/** The agency counts its days in Kathmandu (UTC+05:45), so every period boundary differs from UTC's. */
const ZONE = 'Asia/Kathmandu';

let stack: LocalStack | undefined;
let browser: Browser | undefined;
let context: BrowserContext;
let page: Page;
/** Paths of the scripts the page has fetched. */
const scripts: string[] = [];

function live(): LocalStack {
  if (!stack) throw new Error('local stack not started');
  return stack;
}

async function api(period: string): Promise<DashboardResponse> {
  const s = live();
  const res = await fetch(`${s.url}/api/key/dashboard?period=${period}`, {
    headers: { authorization: `Bearer ${s.apiKey}` },
  });
  expect(res.status).toBe(200);
  return DashboardResponseSchema.parse(await res.json());
}

/** Ground truth from the simulator: gross of every row whose local day (in ZONE) is in range. */
function truth(range: { from: string; to: string }, modelId?: string): number {
  const s = live();
  const uuids = modelId ? [s.creatorOf[modelId] ?? ''] : s.sim.creators.map((c) => c.uuid);
  return uuids
    .flatMap((u) => s.sim.rows(u))
    .filter((r) => {
      const d = localDay(Date.parse(r.date), ZONE);
      return d >= range.from && d <= range.to;
    })
    .reduce((sum, r) => sum + r.gross, 0);
}

const kpi = () => page.getByRole('region', { name: /^Gross revenue, / });

async function noHorizontalOverflow(p: Page): Promise<number> {
  return p.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

async function seriousViolations(p: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page: p }).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

describe('dashboard analytics in Chromium: periods, comparison, model pages, export', () => {
  beforeAll(async () => {
    mkdirSync(resolve(REPO_ROOT, 'test-results'), { recursive: true });
    stack = await startLocalStack({
      ...sharedDynamoDb('analytics'),
      staticRoot: inject('frontendDist'),
      liveEveryMs: 0,
      timeZone: ZONE,
      simulator: { creators: 5, history: 80, historyDays: 70 },
      logger: consoleLogger(false),
    });
    await stack.cycle('e2e');
    browser = await launchChromium();
    context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      locale: 'en-US',
      acceptDownloads: true,
    });
    page = await context.newPage();
    page.on('request', (req) => {
      if (req.resourceType() === 'script') scripts.push(new URL(req.url()).pathname);
    });
    await page.goto(`${stack.url}/#key=${stack.apiKey}`);
    await kpi().waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('switches periods and every figure follows the API, which matches the simulator ground truth', async () => {
    for (const key of ['7d', 'today', 'yesterday', 'this-month', 'last-month', '30d'] as PeriodKey[]) {
      await page.getByLabel('Period').selectOption(key);
      const data = await api(key);
      const label = periodLabel(data.period);
      await kpi().filter({ hasText: label }).waitFor();
      expect(await kpi().getByRole('heading').textContent()).toBe(`Gross revenue, ${label}`);
      expect(data.period.timeZone).toBe(ZONE);
      // Month over month: last month against the whole month before it, this month against the same days of it.
      const monthBefore = addDays(`${data.period.from.slice(0, 8)}01`, -1);
      if (key === 'last-month')
        expect(data.period.previous).toEqual({ from: `${monthBefore.slice(0, 8)}01`, to: monthBefore });
      if (key === 'this-month') {
        const sameDay = `${monthBefore.slice(0, 8)}${data.period.to.slice(8, 10)}`;
        expect(data.period.previous).toEqual({
          from: `${monthBefore.slice(0, 8)}01`,
          to: sameDay < monthBefore ? sameDay : monthBefore,
        });
      }
      expect(await kpi().locator('.change__against').textContent()).toBe(` vs ${comparisonLabel(data.period)}`);
      // The comparison figures against the simulator's own rows, counted in the agency's zone.
      expect(data.current.gross, key).toBe(truth(data.period));
      expect(data.previous.gross, key).toBe(truth(data.period.previous));
      expect(parseUsd(await kpi().locator('.kpi__value').textContent())).toBe(data.current.gross);
      const delta = data.current.gross - data.previous.gross;
      expect(await kpi().locator('.change').getAttribute('data-delta')).toBe(String(delta));
      expect(await kpi().locator('.change').textContent()).toContain(delta > 0 ? '▲' : delta < 0 ? '▼' : '■');
      // Chart total, each model row, and the sum of the rows: all the same period.
      expect(parseUsd(await page.locator('.chart__total').textContent())).toBe(data.current.gross);
      for (const m of data.models) {
        const row = page.getByRole('article', { name: m.displayName, exact: true });
        expect(parseUsd(await row.locator('.model__value').textContent()), `${key} ${m.modelId}`).toBe(m.period.gross);
        expect(m.period.gross).toBe(truth(data.period, m.modelId));
      }
      expect(data.models.reduce((s, m) => s + m.period.gross, 0)).toBe(data.current.gross);
      expect(page.url()).toContain(`period=${key}`);
    }
  });

  it('opens a model page from the leaderboard, shows its figures and transactions, and Back returns', async () => {
    const data = await api('30d');
    const top = [...data.models].sort((a, b) => b.period.gross - a.period.gross)[0];
    if (!top) throw new Error('no models');
    // The model page is its own chunk: not part of the dashboard's load, fetched when first opened.
    expect(scripts.filter((s) => s.includes('/ModelPage-'))).toEqual([]);
    await page.getByRole('link', { name: top.displayName, exact: true }).click();
    await page.getByRole('heading', { level: 1, name: top.displayName }).waitFor();
    expect(scripts.filter((s) => s.includes('/ModelPage-'))).toHaveLength(1);
    expect(new URL(page.url()).pathname).toBe(`/models/${top.modelId}`);
    const modelKpi = page.getByRole('region', { name: 'Gross revenue, last 30 days' });
    expect(parseUsd(await modelKpi.locator('.kpi__value').textContent())).toBe(truth(data.period, top.modelId));
    await page.getByRole('region', { name: 'Recent transactions', exact: true }).locator('tbody tr').first().waitFor();
    expect(
      await page.getByRole('region', { name: 'Recent transactions', exact: true }).locator('tbody tr').count(),
    ).toBeGreaterThan(0);
    // Its sync history: the runs that filled it, as a table with headers, in words.
    const history = page.getByRole('table', { name: /^Latest syncs of / });
    await history.locator('tbody tr').first().waitFor();
    expect(await history.getByRole('columnheader').allTextContents()).toEqual(['When', 'Started by', 'Result', 'Rows']);
    expect(await history.locator('tbody tr').first().textContent()).toMatch(/Caught up|Stopped for time/);
    // A read-only access key sees no Sync now (only signed-in members may start syncs).
    expect(await page.getByText('Read-only access: syncs are started by signed-in members.').isVisible()).toBe(true);
    expect(await seriousViolations(page)).toEqual([]);
    // A reload of the model's own URL lands on the same page (the server answers index.html for it).
    await page.reload();
    await page.getByRole('heading', { level: 1, name: top.displayName }).waitFor();
    await page.goBack();
    await kpi().waitFor();
    expect(new URL(page.url()).pathname).toBe('/');
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('exports the per-model, per-day CSV of the period with totals equal to the page', async () => {
    const ticketRequests: string[] = [];
    const onRequest = (r: { method(): string; url(): string }) => {
      if (r.url().includes('/api/export/')) ticketRequests.push(`${r.method()} ${new URL(r.url()).pathname}`);
    };
    page.on('request', onRequest);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: /^Export CSV: per model per day/ }).click(),
    ]);
    page.off('request', onRequest);
    // A ticket first (credential in the header), then the browser follows the single-use link itself
    // and streams to disk: no blob URL, no credential in the link.
    expect(ticketRequests[0]).toBe('POST /api/export/tickets');
    const link = new URL(download.url());
    expect(link.pathname).toBe('/api/export/daily.csv');
    expect(link.searchParams.get('ticket')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(download.url()).not.toContain(live().apiKey);
    expect(download.suggestedFilename()).toMatch(/^revenue-by-model-\d{4}-\d{2}-\d{2}-to-\d{4}-\d{2}-\d{2}\.csv$/);
    const file = resolve(REPO_ROOT, 'test-results', 'export-daily.csv');
    await download.saveAs(file);
    const { readFile } = await import('node:fs/promises');
    const text = (await readFile(file)).toString('utf8');
    const [header, ...lines] = text.trim().split('\r\n');
    expect(header).toBe('date,time_zone,model_id,model,currency,gross,net,transactions');
    const grossCents = lines.reduce((s, l) => {
      const cols = l.split(',');
      return s + Math.round(Number(cols[cols.length - 3]) * 100);
    }, 0);
    expect(grossCents).toBe(parseUsd(await kpi().locator('.kpi__value').textContent()));
  });

  it('fits a 390 px wide phone without horizontal scrolling, dashboard and model page', async () => {
    const phone = await context.browser()?.newContext({ viewport: { width: 390, height: 844 }, locale: 'en-US' });
    if (!phone) throw new Error('no browser');
    const p = await phone.newPage();
    const s = live();
    await p.goto(`${s.url}/#key=${s.apiKey}`);
    await p.getByRole('region', { name: /^Gross revenue, / }).waitFor();
    expect(await noHorizontalOverflow(p)).toBeLessThanOrEqual(0);
    await p.screenshot({ path: resolve(REPO_ROOT, 'test-results', 'dashboard-390.png'), fullPage: true });
    await p.locator('.lb__who a').first().click();
    await p.getByRole('heading', { level: 1 }).waitFor();
    await p.getByRole('region', { name: 'Recent transactions', exact: true }).locator('tbody tr').first().waitFor();
    await p
      .getByRole('table', { name: /^Latest syncs of / })
      .locator('tbody tr')
      .first()
      .waitFor();
    expect(await noHorizontalOverflow(p)).toBeLessThanOrEqual(0);
    await p.screenshot({ path: resolve(REPO_ROOT, 'test-results', 'model-390.png'), fullPage: true });
    await phone.close();
  });

  it('passes an axe scan with no serious or critical violations, including the chart table and the key form', async () => {
    await page.getByRole('button', { name: 'Show table' }).click();
    await page.getByRole('table').first().waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    const fresh = await context.browser()?.newContext({ locale: 'en-US' });
    if (!fresh) throw new Error('no browser');
    const p = await fresh.newPage();
    await p.goto(live().url);
    await p.getByRole('button', { name: 'Use a read-only access key' }).waitFor();
    expect(await seriousViolations(p)).toEqual([]);
    await p.getByRole('button', { name: 'Use a read-only access key' }).click();
    await p.getByLabel('Access key').waitFor();
    expect(await p.getByText(/Members page/).isVisible()).toBe(true);
    expect(await p.getByText(/npm run connect -- --new-key/).isVisible()).toBe(true);
    expect(await seriousViolations(p)).toEqual([]);
    await fresh.close();
  });
});
