import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { consoleLogger } from '../../local/console-logger';
import { type LocalStack, startLocalStack } from '../../local/stack';
import { launchChromium, usd } from '../support/browser';
import { sharedDynamoDb } from '../support/ddb';

/**
 * "Sync now" closes the loop in Chromium, for a signed-in member who may sync: the card says
 * Syncing, then "Synced just now" with the new sale in its figures, and its live region says so;
 * a sync Fanvue breaks says why in plain words. No schedule, webhook or live sale runs meanwhile
 * (the schedule is the production 10 minutes), so only the button can bring the sale in.
 */

let stack: LocalStack | undefined;
let browser: Browser | undefined;
let page: Page;

function live(): LocalStack {
  if (!stack) throw new Error('local stack not started');
  return stack;
}

/** The simulator's creator behind a model, and the model's name on the page. */
function modelAt(i: number): { modelId: string; uuid: string; name: string } {
  const s = live();
  const modelId = Object.keys(s.creatorOf).sort()[i];
  const uuid = modelId ? s.creatorOf[modelId] : undefined;
  const name = s.sim.creators.find((c) => c.uuid === uuid)?.displayName;
  if (!modelId || !uuid || !name) throw new Error(`no model ${i}`);
  return { modelId, uuid, name };
}

const card = (name: string): Locator => page.getByRole('article', { name, exact: true });
const allTime = (uuid: string) =>
  live()
    .sim.rows(uuid)
    .reduce((sum, r) => sum + r.gross, 0);
/** Generous: the machine running this may be busy; Playwright's expects retry until then. */
const SETTLE = { timeout: 45_000 };
/**
 * The totals follow the transactions through the stream and the aggregator, so they may land after
 * the model says the sync ended: the page keeps polling fast a little while, and the regular 60 s
 * poll brings them in any case, so the wait outlasts one regular poll.
 */
const TOTALS = { timeout: 90_000 };

describe('Sync now in Chromium, signed in as a member who may sync', () => {
  beforeAll(async () => {
    stack = await startLocalStack({
      ...sharedDynamoDb('syncnow'),
      staticRoot: inject('frontendDist'),
      liveEveryMs: 0,
      webhooks: false,
      simulator: { creators: 3, history: 30 },
      logger: consoleLogger(false),
    });
    await stack.cycle('e2e');
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
    page = await context.newPage();
    const admin = stack.auth.demoUsers.find((u) => u.role === 'admin');
    if (!admin) throw new Error('no demo admin');
    await page.goto(stack.url);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((u) => u.href.startsWith(live().auth.issuer.issuer));
    await page.getByLabel('E-mail').fill(admin.email);
    await page.getByLabel('Password').fill(admin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Northstar Talent' }).waitFor(SETTLE);
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('shows Syncing, then "Synced just now" with the new sale in the card, announced in its live region', async () => {
    const s = live();
    const m = modelAt(0);
    const row = card(m.name);
    await expect.poll(() => row.locator('.model__total').textContent(), SETTLE).toBe(usd(allTime(m.uuid)));
    const periodBefore = await row.locator('.model__value').textContent();
    const before = allTime(m.uuid);
    const sale = { gross: 7_777, net: 6_222, source: 'tip' } as const;
    s.sim.addRow(m.uuid, sale);
    // Nothing syncs on its own here: the page still shows the figure from before the sale.
    expect(await row.locator('.model__total').textContent()).toBe(usd(before));

    // Each Fanvue call takes a second, so the sync runs long enough to be seen running.
    s.sim.setLatency(1_000);
    const button = row.getByRole('button', { name: `Sync now: ${m.name}` });
    const note = row.locator('.sync__note');
    expect(await note.getAttribute('aria-live')).toBe('polite');
    await button.click();
    await expect.poll(() => button.textContent(), SETTLE).toBe('Syncing…');
    expect(await button.isDisabled()).toBe(true);
    await expect.poll(() => note.textContent(), SETTLE).toBe('Synced just now');
    s.sim.setLatency(0);

    await expect.poll(() => row.locator('.model__total').textContent(), TOTALS).toBe(usd(before + sale.gross));
    expect(await row.locator('.model__value').textContent()).not.toBe(periodBefore);
    expect(await row.locator('.live__detail').textContent()).toContain('synced just now');
    expect(await button.textContent()).toBe('Sync now');
    // The other models were not synced by it.
    const other = modelAt(1);
    expect(await card(other.name).locator('.sync__note').textContent()).toBe('');
  }, 240_000);

  it('says in plain words why a sync failed when Fanvue sends a page it cannot read, and the next one recovers', async () => {
    const s = live();
    const m = modelAt(1);
    const row = card(m.name);
    const before = allTime(m.uuid);
    const sale = { gross: 4_242, net: 3_400, source: 'message' } as const;
    s.sim.addRow(m.uuid, sale);
    s.sim.malformNextPage(m.uuid, 'grossString');
    const button = row.getByRole('button', { name: `Sync now: ${m.name}` });
    const note = row.locator('.sync__note');
    await button.click();
    await expect
      .poll(() => note.textContent(), SETTLE)
      .toBe('Sync failed: Fanvue sent data we could not read; nothing was lost, we will retry');
    expect(await note.getAttribute('class')).toContain('sync__note--error');
    expect(await row.locator('.model__total').textContent()).toBe(usd(before));

    // The malformed page was served once; asking again brings the sale in.
    await button.click();
    await expect.poll(() => note.textContent(), SETTLE).toBe('Synced just now');
    await expect.poll(() => row.locator('.model__total').textContent(), TOTALS).toBe(usd(before + sale.gross));
  }, 240_000);
});
