import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../lambdas/domain/ports';
import type { SyncOutcome } from '../../lambdas/domain/sync';
import { makeApiHandler } from '../../lambdas/handlers/api';
import { silentLogger } from '../../lambdas/shared/logger';
import { startApiServer } from '../../local/api-server';
import { signWebhook } from '../../local/fanvue-simulator';
import { localSyncInvoker } from '../../local/invoke';
import { type SyncHarness, startSyncHarness } from '../support/sync-harness';

let h: SyncHarness | undefined;
let server: Awaited<ReturnType<typeof startApiServer>> | undefined;
afterEach(async () => {
  await server?.stop();
  await h?.stop();
  server = undefined;
  h = undefined;
});

/** The simulator delivering signed webhooks to the real API handler behind the local HTTP server. */
async function wire(webhookSecretId: string | undefined) {
  h = await startSyncHarness({ creators: 2, history: 10 });
  await h.secrets.put('fanvue/webhook', 'whsec_local_test');
  const outcomes: SyncOutcome[] = [];
  const counted: Record<string, number> = {};
  const sync = h.sync;
  const invoker = localSyncInvoker(
    async (p) => outcomes.push(await sync(p)),
    () => undefined,
  );
  const api = makeApiHandler({
    doc: h.tables.doc,
    tables: {
      control: h.tables.names.control,
      totals: h.tables.names.totals,
      transactions: h.tables.names.transactions,
    },
    clock: systemClock,
    logger: silentLogger,
    config: {
      syncIntervalMs: 600_000,
      liveWithinMs: 1_320_000,
      cronSecretId: 'cron',
      ...(webhookSecretId && { webhookSecretId }),
    },
    secrets: h.secrets,
    trigger: {
      syncModel: (modelId, reason) => invoker.invokeSync({ modelId, reason }),
      syncAll: async () => undefined,
    },
    metrics: {
      count: (name, n) => {
        counted[name] = (counted[name] ?? 0) + n;
      },
      flush: () => undefined,
    },
  });
  server = await startApiServer({ port: 0, handler: api, staticRoot: '/nonexistent', onError: () => undefined });
  return { invoker, outcomes, counted, url: `${server.url}/api/webhooks/fanvue` };
}

describe('Fanvue webhooks (simulator -> signed POST -> API -> sync)', () => {
  it('a signed tip webhook starts that model sync, and only that one; the sale is stored without waiting for the schedule', async () => {
    const w = await wire('fanvue/webhook');
    await h!.sync({ modelId: 'm0' });
    await h!.sync({ modelId: 'm1' });
    h!.sim.setWebhook({ url: w.url, secret: 'whsec_local_test' });
    const sale = h!.sim.addRow(h!.creatorOf.m1!, { source: 'tip', gross: 4_200, net: 3_360 });
    await h!.sim.webhooksIdle();
    await w.invoker.idle();
    expect(h!.sim.webhookStats()).toEqual({ sent: 1, failed: 0 });
    expect(w.outcomes.map((o) => o.modelId)).toEqual(['m1']);
    expect((await h!.stored('m1')).map((t) => t.txKey)).toContain(`oid#${sale.transactionOrderId}`);
  });

  it('refuses a forged or replayed webhook with 401 and starts nothing', async () => {
    const w = await wire('fanvue/webhook');
    const body = JSON.stringify({ event: 'tip.new', recipientUuid: h!.creatorOf.m0, price: 100 });
    const post = (sig: string) =>
      fetch(w.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-fanvue-signature': sig },
        body,
      });
    const now = Math.floor(Date.now() / 1000);
    expect((await post(signWebhook('not-the-secret', body, now))).status).toBe(401);
    expect((await post(signWebhook('whsec_local_test', body, now - 3_600))).status).toBe(401);
    expect((await post('garbage')).status).toBe(401);
    // Each refusal is counted for the WebhookSignatureFailures alarm; an accepted delivery is not.
    expect(w.counted).toEqual({ WebhookSignatureRejected: 3 });
    const ok = await post(signWebhook('whsec_local_test', body, now));
    expect(ok.status).toBe(202);
    expect(w.counted).toEqual({ WebhookSignatureRejected: 3 });
    await w.invoker.idle();
    expect(w.outcomes.map((o) => o.modelId)).toEqual(['m0']);
  });

  it('acknowledges unknown events and bad JSON correctly, and is off without a configured secret', async () => {
    const w = await wire('fanvue/webhook');
    const now = Math.floor(Date.now() / 1000);
    const send = (body: string) =>
      fetch(w.url, {
        method: 'POST',
        headers: { 'x-fanvue-signature': signWebhook('whsec_local_test', body, now) },
        body,
      });
    const unknown = await send(JSON.stringify({ event: 'something.new', recipientUuid: h!.creatorOf.m0 }));
    expect(unknown.status).toBe(202);
    expect(await unknown.json()).toEqual({ accepted: true, synced: [] });
    expect((await send('{not json')).status).toBe(400);
    await w.invoker.idle();
    expect(w.outcomes).toEqual([]);
    await server!.stop();
    await h!.stop();
    const off = await wire(undefined);
    expect((await fetch(off.url, { method: 'POST', body: '{}' })).status).toBe(404);
  });
});
