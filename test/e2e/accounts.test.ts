import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleLogger } from '../../local/console-logger';
import { type LocalStack, startLocalStack } from '../../local/stack';
import { ensureFrontendBuilt, launchChromium } from '../support/browser';

/** Staff sign-in in Chromium through the local issuer's real login page (oidc-provider), roles and members. */

let stack: LocalStack | undefined;
let browser: Browser | undefined;

function live(): LocalStack {
  if (!stack) throw new Error('local stack not started');
  return stack;
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

describe('accounts in Chromium against the local stack', () => {
  beforeAll(async () => {
    await ensureFrontendBuilt();
    stack = await startLocalStack({
      liveEveryMs: 0,
      webhooks: false,
      simulator: { creators: 2, history: 20 },
      logger: consoleLogger(false),
    });
    await stack.cycle('e2e');
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('owner signs in, invites a viewer and signs out; the viewer signs in and finds no sync or member actions', async () => {
    const s = live();
    const owner = s.auth.demoUsers.find((u) => u.role === 'owner');
    if (!owner || !browser) throw new Error('no owner');
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await signIn(page, owner.email, owner.password);
    expect(page.url()).not.toContain('code=');
    await expect.poll(() => page.getByText(`${owner.email} · owner`).count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Sync now' }).count()).toBe(2);

    await page.getByRole('button', { name: 'Members' }).click();
    const invite = page.getByRole('form', { name: 'Invite a member' });
    await invite.getByLabel('E-mail').fill('new.viewer@northstar.test');
    await invite.getByLabel('Role').selectOption('viewer');
    await invite.getByRole('button', { name: 'Invite' }).click();
    await page.getByText('Invitation sent to new.viewer@northstar.test.').waitFor();
    await page.getByRole('button', { name: 'Remove new.viewer@northstar.test' }).waitFor();
    const mail = s.auth.accounts.outbox.find((m) => m.to === 'new.viewer@northstar.test');
    expect(mail).toBeDefined();

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(await page.evaluate(() => sessionStorage.getItem('revenue-heartbeat.session'))).toBeNull();

    // Same browser: the issuer's session ended too, so the viewer gets the login page, not the owner's session.
    await signIn(page, 'new.viewer@northstar.test', mail?.temporaryPassword ?? '');
    await expect.poll(() => page.getByText('new.viewer@northstar.test · viewer').count()).toBe(1);
    expect(await page.getByRole('article').count()).toBe(2);
    expect(await page.getByRole('button', { name: 'Sync now' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Members' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /Connect/ }).count()).toBe(0);
    await context.close();
  });
});
