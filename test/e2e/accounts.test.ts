import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { dynamoModelStore } from '../../lambdas/adapters/dynamo/model-store';
import { consoleLogger } from '../../local/console-logger';
import { type LocalStack, startLocalStack } from '../../local/stack';
import { launchChromium, usd } from '../support/browser';
import { sharedDynamoDb } from '../support/ddb';

/**
 * Accounts and the dashboard's Fanvue connect flow in Chromium, through the local issuer's real
 * login page (oidc-provider) and the simulator's authorize and token endpoints.
 */

let stack: LocalStack | undefined;
let browser: Browser | undefined;
const contexts: BrowserContext[] = [];

function live(): LocalStack {
  if (!stack) throw new Error('local stack not started');
  return stack;
}

async function newPage(): Promise<Page> {
  if (!browser) throw new Error('no browser');
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  contexts.push(context);
  return context.newPage();
}

/** Signs in on the issuer's page, starting from the dashboard's sign-in page. */
async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto(live().url);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((u) => u.href.startsWith(live().auth.issuer.issuer));
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { level: 1, name: 'Northstar Talent' }).waitFor({ timeout: 20_000 });
}

const owner = () => {
  const u = live().auth.demoUsers.find((d) => d.role === 'owner');
  if (!u) throw new Error('no owner');
  return u;
};
const grossOf = (uuid: string) =>
  live()
    .sim.rows(uuid)
    .reduce((sum, r) => sum + r.gross, 0);
const card = (page: Page, name: string) => page.getByRole('article', { name, exact: true });

/** Waits until a card's all-time figure shows `cents`, reloading (the session survives) instead of waiting for the 60 s poll. */
async function cardShows(page: Page, name: string, cents: number): Promise<void> {
  await expect
    .poll(
      async () => {
        const text = await card(page, name)
          .locator('.model__total')
          .textContent({ timeout: 5_000 })
          .catch(() => '');
        if (text !== usd(cents)) await page.reload();
        return text;
      },
      { timeout: 40_000, interval: 1_000 },
    )
    .toBe(usd(cents));
}

let picked: { uuid: string; displayName: string }[] = [];

describe('accounts and connecting Fanvue in Chromium', () => {
  beforeAll(async () => {
    stack = await startLocalStack({
      ...sharedDynamoDb('accounts'),
      staticRoot: inject('frontendDist'),
      demoModels: false,
      liveEveryMs: 0,
      webhooks: false,
      simulator: { creators: 3, history: 20 },
      logger: consoleLogger(false),
    });
    browser = await launchChromium();
    picked = stack.sim.creators.slice(0, 2).map((c) => ({ uuid: c.uuid, displayName: c.displayName }));
  });

  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await stack?.stop();
  });

  it('owner signs in, connects the Fanvue account, picks creators and sees their revenue after the first sync', async () => {
    const page = await newPage();
    await signIn(page, owner().email, owner().password);
    expect(page.url()).not.toContain('code=');
    await page.getByText('No models connected yet.').waitFor();
    await page.getByRole('button', { name: 'Fanvue accounts' }).click();
    await page.getByRole('button', { name: 'Connect a Fanvue account' }).click();
    // Fanvue's consent (the simulator approves as the agency) sends the browser back to the dashboard.
    await page.getByRole('heading', { name: 'Choose the creators to follow' }).waitFor({ timeout: 20_000 });
    expect(page.url()).not.toContain('code=');
    expect(await page.getByRole('checkbox').count()).toBe(3);
    for (const c of picked) await page.getByLabel(c.displayName).check();
    await page.getByRole('button', { name: 'Add 2 models' }).click();
    await card(page, picked[0]?.displayName ?? '').waitFor();
    expect(await page.getByRole('article').count()).toBe(2);
    for (const c of picked) await cardShows(page, c.displayName, grossOf(c.uuid));
  });

  it('owner invites a viewer and signs out; the viewer finds no connect, sync or member actions', async () => {
    const page = await newPage();
    await signIn(page, owner().email, owner().password);
    await page.getByRole('button', { name: 'Members' }).click();
    const invite = page.getByRole('form', { name: 'Invite a member' });
    await invite.getByLabel('E-mail').fill('new.viewer@northstar.test');
    await invite.getByLabel('Role').selectOption('viewer');
    await invite.getByRole('button', { name: 'Invite' }).click();
    await page.getByText('Invitation sent to new.viewer@northstar.test.').waitFor();
    const mail = live().auth.accounts.outbox.find((m) => m.to === 'new.viewer@northstar.test');
    expect(mail).toBeDefined();

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(await page.evaluate(() => sessionStorage.getItem('revenue-heartbeat.session'))).toBeNull();

    // Same browser: the issuer's session ended too, so the viewer gets the login page.
    await signIn(page, 'new.viewer@northstar.test', mail?.temporaryPassword ?? '');
    await expect.poll(() => page.getByText('new.viewer@northstar.test · viewer').count()).toBe(1);
    expect(await page.getByRole('article').count()).toBe(2);
    for (const name of ['Sync now', 'Members', 'Fanvue accounts', 'Reconnect', 'Connect a Fanvue account']) {
      expect(await page.getByRole('button', { name }).count(), name).toBe(0);
    }
  });

  it('a connection revoked at Fanvue shows Reconnect on its cards; reconnecting resumes syncing with nothing lost', async () => {
    const s = live();
    const first = picked[0];
    if (!first) throw new Error('nothing picked');
    const model = await dynamoModelStore(s.doc, s.tables.control).get(first.uuid);
    const tokens = JSON.parse(await s.secrets.get(`fanvue/connection/${model?.connectionId}`)) as {
      refreshToken: string;
    };
    expect(s.sim.revokeConnection(tokens.refreshToken)).toBe(true);
    s.sim.expireAccessTokens();
    const sale = { gross: 4_321, net: 3_456, source: 'tip' } as const;
    s.sim.addRow(first.uuid, sale);
    await s.cycle('e2e');

    const page = await newPage();
    await signIn(page, owner().email, owner().password);
    const reconnect = card(page, first.displayName).getByRole('button', { name: 'Reconnect' });
    await reconnect.waitFor({ timeout: 20_000 });
    expect(await card(page, first.displayName).locator('.model__total').textContent()).toBe(
      usd(grossOf(first.uuid) - sale.gross),
    );
    await reconnect.click();
    await page.getByText('Reconnected: 2 models resume syncing where they stopped.').waitFor({ timeout: 20_000 });
    await page.getByRole('button', { name: 'Done' }).click();
    // The sale made while access was revoked arrives; every stored row is still there.
    for (const c of picked) await cardShows(page, c.displayName, grossOf(c.uuid));
    expect(await page.getByRole('button', { name: 'Reconnect' }).count()).toBe(0);
  });
});
