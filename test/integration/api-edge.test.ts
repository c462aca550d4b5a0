import { createHash } from 'node:crypto';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, putAgency } from '../../lambdas/adapters/dynamo/agencies';
import { ROTATION_GRACE_MS, SECRET_CACHE_TTL_MS } from '../../lambdas/domain/secret-rotation';
import { MAX_LOGGED_EVENT_LENGTH } from '../../lambdas/domain/webhook';
import { type ApiDeps, makeApiHandler } from '../../lambdas/handlers/api';
import { ORIGIN_VERIFY_HEADER } from '../../lambdas/shared/edge';
import type { AppLogger } from '../../lambdas/shared/logger';
import { keys } from '../../lambdas/shared/tables';
import { startApiServer } from '../../local/api-server';
import { signWebhook } from '../../local/fanvue-simulator';
import { freshTables, type TestTables } from '../support/ddb';
import { apiEvent, memorySecrets, modelItem, put, recordingTrigger } from './api-fixtures';

const T0 = Date.parse('2026-03-10T12:00:00.000Z');
const MIN = 60_000;
const ORIGIN = 'origin-secret-for-tests';
const CRON = 'cron-secret-for-tests';
const HOOK = 'whsec-for-tests';

let t: TestTables;
let key: string;
beforeAll(async () => {
  t = await freshTables();
  await putAgency(t.doc, t.names.control, { agencyId: 'a', name: 'Agency A' });
  key = await createApiKey(t.doc, t.names.control, 'a');
  await put(t.doc, t.names.control, modelItem({ modelId: 'm1', agencyId: 'a', creatorUuid: 'creator-1' }));
  await put(t.doc, t.names.control, {
    pk: keys.creatorPk('creator-1'),
    sk: keys.modelPk('m1'),
    modelId: 'm1',
    agencyId: 'a',
  });
});

/** A logger that keeps every line as text, to search what was (not) logged. */
function textLogger(): AppLogger & { lines: string[] } {
  const lines: string[] = [];
  const rec = (level: string) => (message: string, extra?: unknown) =>
    void lines.push(`${level} ${message} ${JSON.stringify(extra ?? {})}`);
  return { lines, debug: rec('debug'), info: rec('info'), warn: rec('warn'), error: rec('error') } as AppLogger & {
    lines: string[];
  };
}

/** The API with an injected clock, the origin check on, and a secret store rotated on that clock. */
function edgeApi() {
  const clock = { at: T0, now: () => clock.at };
  const secrets = memorySecrets({ origin: ORIGIN, cron: CRON, hook: HOOK }, clock);
  const trigger = recordingTrigger();
  const logger = textLogger();
  const deps: ApiDeps = {
    doc: t.doc,
    tables: { control: t.names.control, totals: t.names.totals, transactions: t.names.transactions },
    clock,
    logger,
    config: {
      syncIntervalMs: 600_000,
      liveWithinMs: 1_320_000,
      cronSecretId: 'cron',
      webhookSecretId: 'hook',
      originSecretId: 'origin',
    },
    secrets,
    trigger,
  };
  const handler = makeApiHandler(deps);
  const call = async (...args: Parameters<typeof apiEvent>) =>
    (await handler(apiEvent(...args))) as APIGatewayProxyStructuredResultV2;
  return { clock, secrets, trigger, logger, handler, call };
}

const viaCloudFront = (headers: Record<string, string> = {}, origin = ORIGIN) => ({
  ...headers,
  [ORIGIN_VERIFY_HEADER]: origin,
});

describe('the API only answers requests that came through CloudFront', () => {
  it('refuses a request without (or with a wrong) origin header with 403 and a message that names no secret', async () => {
    const api = edgeApi();
    const attempts: Record<string, string>[] = [
      {},
      { [ORIGIN_VERIFY_HEADER]: 'guess' },
      { [ORIGIN_VERIFY_HEADER]: '' },
    ];
    for (const headers of attempts) {
      const res = await api.call('GET', '/api/dashboard', { headers: { authorization: `Bearer ${key}`, ...headers } });
      expect(res.statusCode).toBe(403);
      const body = String(res.body);
      expect(JSON.parse(body)).toEqual({ error: expect.stringMatching(/dashboard address/) });
      expect(body).not.toContain(ORIGIN_VERIFY_HEADER);
      expect(body).not.toContain(ORIGIN);
    }
    // Refused before any route runs: not even the webhook or the cron route does anything.
    const hook = await api.call('POST', '/api/webhooks/fanvue', { body: '{}' });
    const cron = await api.call('POST', '/api/sync', { headers: { 'x-cron-secret': CRON } });
    expect([hook.statusCode, cron.statusCode]).toEqual([403, 403]);
    expect(api.trigger.calls).toEqual([]);
    // Logged for the operator, without the credentials that were presented.
    const refused = api.logger.lines.filter((l) => l.includes('request refused'));
    expect(refused).toHaveLength(5);
    expect(refused[0]).toContain('"status":403');
    for (const line of api.logger.lines) {
      expect(line).not.toContain(key);
      expect(line).not.toContain(CRON);
      expect(line).not.toContain('guess');
    }
  });

  it('serves a request that carries the origin header', async () => {
    const api = edgeApi();
    const res = await api.call('GET', '/api/dashboard', { headers: viaCloudFront({ authorization: `Bearer ${key}` }) });
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(String(res.body)).agency).toEqual({ id: 'a', name: 'Agency A' });
  });

  it('the local server adds the header as CloudFront does, replacing what the caller sent', async () => {
    const api = edgeApi();
    const server = await startApiServer({
      port: 0,
      handler: api.handler,
      staticRoot: '/nonexistent',
      onError: () => undefined,
      originHeader: { name: ORIGIN_VERIFY_HEADER, value: ORIGIN },
    });
    const bare = await startApiServer({
      port: 0,
      handler: api.handler,
      staticRoot: '/nonexistent',
      onError: () => undefined,
    });
    try {
      const headers = { authorization: `Bearer ${key}`, [ORIGIN_VERIFY_HEADER]: 'forged' };
      expect((await fetch(`${server.url}/api/dashboard`, { headers })).status).toBe(200);
      const direct = await fetch(`${bare.url}/api/dashboard`, { headers: { authorization: `Bearer ${key}` } });
      expect(direct.status).toBe(403);
    } finally {
      await server.stop();
      await bare.stop();
    }
  });
});

describe('rotated secrets take effect', () => {
  it('cron: the new value works at once, the old one is refused once the grace and the cache time have passed', async () => {
    const api = edgeApi();
    const sync = (secret: string) =>
      api.call('POST', '/api/sync', { headers: viaCloudFront({ 'x-cron-secret': secret }) }).then((r) => r.statusCode);
    expect(await sync(CRON)).toBe(202); // cached now
    api.clock.at += MIN;
    await api.secrets.put('cron', 'cron-rotated');
    expect(await sync('cron-rotated')).toBe(202);
    expect(await sync(CRON)).toBe(202); // within the grace
    api.clock.at += ROTATION_GRACE_MS.cron - 2 * MIN;
    expect(await sync(CRON)).toBe(202);
    api.clock.at += ROTATION_GRACE_MS.cron + SECRET_CACHE_TTL_MS;
    expect(await sync(CRON)).toBe(401);
    expect(await sync('cron-rotated')).toBe(202);
    expect(await sync('never-valid')).toBe(401);
  });

  it('the origin value CloudFront still sends keeps working during the redeploy grace, then is refused', async () => {
    const api = edgeApi();
    const get = (origin: string) =>
      api
        .call('GET', '/api/dashboard', { headers: viaCloudFront({ authorization: `Bearer ${key}` }, origin) })
        .then((r) => r.statusCode);
    expect(await get(ORIGIN)).toBe(200);
    await api.secrets.put('origin', 'origin-rotated');
    api.clock.at += ROTATION_GRACE_MS.origin - MIN;
    expect(await get(ORIGIN)).toBe(200);
    expect(await get('origin-rotated')).toBe(200);
    api.clock.at += MIN + SECRET_CACHE_TTL_MS;
    expect(await get(ORIGIN)).toBe(403);
    expect(await get('origin-rotated')).toBe(200);
  });

  it('webhook signing secret: deliveries signed with the old secret stop being accepted after grace + cache time', async () => {
    const api = edgeApi();
    const deliver = (secret: string, n: number) => {
      const body = JSON.stringify({ event: 'tip.received', recipientUuid: 'creator-1', price: n });
      const signature = signWebhook(secret, body, Math.floor(api.clock.at / 1000));
      return api
        .call('POST', '/api/webhooks/fanvue', { headers: viaCloudFront({ 'x-fanvue-signature': signature }), body })
        .then((r) => r.statusCode);
    };
    expect(await deliver(HOOK, 1)).toBe(202);
    api.clock.at += MIN;
    await api.secrets.put('hook', 'whsec-rotated');
    expect(await deliver('whsec-rotated', 2)).toBe(202);
    expect(await deliver(HOOK, 3)).toBe(202);
    api.clock.at += ROTATION_GRACE_MS.webhook + SECRET_CACHE_TTL_MS;
    expect(await deliver(HOOK, 4)).toBe(401);
    expect(await deliver('whsec-rotated', 5)).toBe(202);
    expect(api.trigger.calls.map((c) => c.modelId)).toEqual(['m1', 'm1', 'm1', 'm1']);
  });
});

describe('webhook replays', () => {
  const signed = (at: number, body: string) => ({
    headers: viaCloudFront({ 'x-fanvue-signature': signWebhook(HOOK, body, Math.floor(at / 1000)) }),
    body,
  });

  it('a delivery already accepted is acknowledged and starts nothing', async () => {
    const api = edgeApi();
    const body = JSON.stringify({ event: 'purchase.received', recipientUuid: 'creator-1', price: 999 });
    const req = signed(api.clock.at, body);
    const first = await api.call('POST', '/api/webhooks/fanvue', req);
    expect(first.statusCode).toBe(202);
    expect(JSON.parse(String(first.body))).toEqual({ accepted: true, synced: ['m1'] });
    api.clock.at += MIN;
    const replay = await api.call('POST', '/api/webhooks/fanvue', req);
    expect(replay.statusCode).toBe(202);
    expect(JSON.parse(String(replay.body))).toEqual({ accepted: true, duplicate: true, synced: [] });
    expect(api.trigger.calls).toHaveLength(1);
    expect(api.logger.lines.some((l) => l.includes('webhook replay acknowledged'))).toBe(true);
    // The same body at another time is another delivery.
    expect(
      JSON.parse(String((await api.call('POST', '/api/webhooks/fanvue', signed(api.clock.at, body))).body)),
    ).toEqual({
      accepted: true,
      synced: ['m1'],
    });
  });

  it('an expired guard item left behind by lazy TTL does not count as seen', async () => {
    const api = edgeApi();
    const body = JSON.stringify({ event: 'tip.received', recipientUuid: 'creator-1', price: 5 });
    const req = signed(api.clock.at, body);
    expect((await api.call('POST', '/api/webhooks/fanvue', req)).statusCode).toBe(202);
    const t0 = Math.floor(api.clock.at / 1000);
    const pk = keys.webhookPk(createHash('sha256').update(`${t0}.${body}`).digest('hex'));
    const item = (await t.doc.send(new GetCommand({ TableName: t.names.control, Key: { pk, sk: keys.webhookSk } })))
      .Item;
    expect(item?.expiresAt).toBe(t0 + 300);
    await t.doc.send(new PutCommand({ TableName: t.names.control, Item: { ...item, expiresAt: t0 - 1 } }));
    expect(JSON.parse(String((await api.call('POST', '/api/webhooks/fanvue', req)).body))).toEqual({
      accepted: true,
      synced: ['m1'],
    });
  });

  it('a delivery whose sync could not be started is forgotten, so the retry is not taken for a replay', async () => {
    const api = edgeApi();
    const body = JSON.stringify({ event: 'tip.received', recipientUuid: 'creator-1', price: 77 });
    const req = signed(api.clock.at, body);
    const syncModel = api.trigger.syncModel;
    api.trigger.syncModel = async () => {
      throw new Error('invoke failed');
    };
    expect((await api.call('POST', '/api/webhooks/fanvue', req)).statusCode).toBe(500);
    api.trigger.syncModel = syncModel;
    expect(JSON.parse(String((await api.call('POST', '/api/webhooks/fanvue', req)).body))).toEqual({
      accepted: true,
      synced: ['m1'],
    });
  });

  it('logs an unknown event name cut to the cap, printable only', async () => {
    const api = edgeApi();
    const name = `x${'e'.repeat(5_000)}\u0007`;
    const res = await api.call('POST', '/api/webhooks/fanvue', signed(api.clock.at, JSON.stringify({ event: name })));
    expect(res.statusCode).toBe(202);
    const line = api.logger.lines.find((l) => l.includes('unknown webhook event'));
    const logged = (JSON.parse(line!.slice(line!.indexOf('{'))) as { event: string }).event;
    expect(logged.length).toBeLessThanOrEqual(MAX_LOGGED_EVENT_LENGTH + 3);
    expect(logged.startsWith('xeee')).toBe(true);
    expect(api.logger.lines.join('\n')).not.toContain('e'.repeat(MAX_LOGGED_EVENT_LENGTH + 1));
  });
});
