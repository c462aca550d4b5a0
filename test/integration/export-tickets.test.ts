import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, putAgency } from '../../lambdas/adapters/dynamo/agencies';
import { TICKET_TTL_MS } from '../../lambdas/domain/export-ticket';
import { ticketHash } from '../../lambdas/domain/ticket-token';
import { makeApiHandler } from '../../lambdas/handlers/api';
import { type ExportResponse, makeExportHandler } from '../../lambdas/handlers/export/export-handler';
import { EXPORT_TICKETS_PATH } from '../../lambdas/shared/edge';
import type { AppLogger } from '../../lambdas/shared/logger';
import { keys } from '../../lambdas/shared/tables';
import { startApiServer } from '../../local/api-server';
import { tx } from '../support/aggregate-fixtures';
import { freshTables, type TestTables } from '../support/ddb';
import { apiEvent, memorySecrets, modelItem, putAll, recordingTrigger } from './api-fixtures';

/**
 * Download tickets on DynamoDB Local: the API issues a single-use link to one export, the export
 * function consumes it with one conditional delete and streams exactly what it was issued for.
 */

const T0 = Date.parse('2026-03-10T12:00:00.000Z');
let t: TestTables;
let key: string;
let now = T0;
const clock = { now: () => now };
const logged: unknown[] = [];
const logger: AppLogger = {
  debug: (...a: unknown[]) => void logged.push(a),
  info: (...a: unknown[]) => void logged.push(a),
  warn: (...a: unknown[]) => void logged.push(a),
  error: (...a: unknown[]) => void logged.push(a),
};

const api = () =>
  makeApiHandler({
    doc: t.doc,
    tables: t.names,
    clock,
    logger,
    config: { syncIntervalMs: 600_000, liveWithinMs: 1_320_000, cronSecretId: 'cron' },
    secrets: memorySecrets({ cron: 'c' }),
    trigger: recordingTrigger(),
  });
const exporter = () => makeExportHandler({ doc: t.doc, tables: t.names, clock, logger, pageSize: 7 });

beforeAll(async () => {
  t = await freshTables();
  await putAgency(t.doc, t.names.control, { agencyId: 'ag-a', name: 'Acme' });
  await putAgency(t.doc, t.names.control, { agencyId: 'ag-b', name: 'Other' });
  key = await createApiKey(t.doc, t.names.control, 'ag-a');
  await putAll(t.doc, t.names.control, [
    modelItem({ modelId: 'ma', agencyId: 'ag-a', displayName: 'Aria', status: 'ok' }),
    modelItem({ modelId: 'mb', agencyId: 'ag-a', displayName: 'Bea', status: 'ok' }),
    modelItem({ modelId: 'mz', agencyId: 'ag-b', displayName: 'Zed', status: 'ok' }),
  ]);
  const rows = Array.from({ length: 40 }, (_, i) =>
    tx({
      txKey: `oid#${i}`,
      transactionOrderId: `order-${i}`,
      modelId: 'ma',
      agencyId: 'ag-a',
      date: new Date(T0 - i * 3_600_000).toISOString(),
    }),
  );
  await putAll(
    t.doc,
    t.names.transactions,
    rows.map((r) => ({ pk: keys.modelPk(r.modelId), sk: keys.txSk(r.txKey), ...r })),
  );
}, 120_000);

/** Asks the API for a ticket; returns the status and the answer. */
async function ask(body: unknown, credential = key) {
  const res = await api()(
    apiEvent('POST', EXPORT_TICKETS_PATH, {
      headers: { authorization: `Bearer ${credential}` },
      body: JSON.stringify(body),
    }),
  );
  if (typeof res === 'string') throw new Error('unexpected string result');
  return { status: res.statusCode, body: JSON.parse(res.body ?? '{}') as { url?: string; error?: string } };
}

/** Follows a ticket link as a browser would: no Authorization, path and query only. */
function follow(url: string, path?: string): Promise<ExportResponse> {
  const u = new URL(url, 'https://dashboard.example');
  return exporter()(apiEvent('GET', path ?? u.pathname, { query: Object.fromEntries(u.searchParams) }));
}

async function drain(res: ExportResponse): Promise<string> {
  if (!('stream' in res)) throw new Error(`refused: ${res.statusCode} ${res.body}`);
  let text = '';
  await res.stream({
    write: async (s) => {
      text += s;
    },
  });
  return text;
}

describe('export download tickets', () => {
  it('stores only the hash, with the agency, the export and a TTL a minute ahead; the link streams the export', async () => {
    now = T0;
    const issued = await ask({ path: '/api/export/models/ma/transactions.csv', query: { period: '7d' } });
    expect(issued.status).toBe(201);
    const url = new URL(issued.body.url ?? '', 'https://dashboard.example');
    const ticket = url.searchParams.get('ticket') ?? '';
    expect(url.pathname).toBe('/api/export/models/ma/transactions.csv');
    const items = await t.doc.send(new ScanCommand({ TableName: t.names.control }));
    const stored = (items.Items ?? []).filter((i) => String(i.pk).startsWith('TICKET#'));
    expect(stored).toEqual([
      {
        pk: keys.ticketPk(ticketHash(ticket)),
        sk: keys.ticketSk,
        agencyId: 'ag-a',
        path: '/api/export/models/ma/transactions.csv',
        query: 'period=7d',
        expiresAt: (T0 + TICKET_TTL_MS) / 1000,
      },
    ]);
    expect(JSON.stringify(items.Items)).not.toContain(ticket);
    const csv = await drain(await follow(url.toString()));
    expect(csv.trim().split('\r\n')).toHaveLength(41);
    // Nothing logged the ticket (issue, redemption, refusals alike).
    const again = await follow(url.toString());
    expect(again.statusCode).toBe(401);
    expect(JSON.stringify(logged)).not.toContain(ticket);
  });

  it('of two concurrent downloads with one ticket, exactly one streams and the other is a 401', async () => {
    now = T0;
    const { body } = await ask({ path: '/api/export/daily.csv', query: { period: '30d' } });
    const both = await Promise.all([follow(body.url ?? ''), follow(body.url ?? '')]);
    const streamed = both.filter((r) => 'stream' in r);
    const refused = both.filter((r) => !('stream' in r));
    expect(streamed).toHaveLength(1);
    expect(refused.map((r) => [r.statusCode, 'body' in r && JSON.parse(r.body).error])).toEqual([
      [401, 'this download link was already used or is not valid: start the export again'],
    ]);
    expect(await drain(streamed[0] as ExportResponse)).toMatch(/^date,time_zone,model_id/);
  });

  it("refuses a ticket for model A's export on model B's, and another period", async () => {
    now = T0;
    const forA = { path: '/api/export/models/ma/transactions.csv', query: { period: '7d' } };
    const first = await ask(forA);
    const onB = await follow(first.body.url ?? '', '/api/export/models/mb/transactions.csv');
    expect(onB.statusCode).toBe(401);
    expect(!('stream' in onB) && JSON.parse(onB.body).error).toBe('this download link is for another export');
    const second = await ask(forA);
    const u = new URL(second.body.url ?? '', 'https://dashboard.example');
    u.searchParams.set('period', '30d');
    expect((await follow(u.toString())).statusCode).toBe(401);
  });

  it('refuses an expired ticket by the clock, before TTL has removed it', async () => {
    now = T0;
    const { body } = await ask({ path: '/api/export/daily.csv', query: { period: '7d' } });
    now = T0 + TICKET_TTL_MS;
    const late = await follow(body.url ?? '');
    expect(late.statusCode).toBe(401);
    expect(!('stream' in late) && JSON.parse(late.body).error).toBe(
      'this download link has expired: start the export again',
    );
    now = T0;
  });

  it("issues no ticket for another agency's model (404), a bad period (400) or without a credential (401)", async () => {
    now = T0;
    expect(await ask({ path: '/api/export/models/mz/transactions.csv', query: { period: '7d' } })).toEqual({
      status: 404,
      body: { error: 'model not found' },
    });
    const bad = await ask({
      path: '/api/export/daily.csv',
      query: { period: 'custom', from: '2026-03-09', to: '2026-03-01' },
    });
    expect(bad).toEqual({ status: 400, body: { error: 'from must not be after to' } });
    expect((await ask({ path: '/api/dashboard', query: { period: '7d' } })).status).toBe(400);
    expect((await ask({ path: '/api/export/daily.csv', query: { period: '7d' } }, 'not-a-key')).status).toBe(401);
    const items = await t.doc.send(new ScanCommand({ TableName: t.names.control }));
    expect((items.Items ?? []).filter((i) => String(i.pk).startsWith('TICKET#'))).toEqual([]);
  });
});

describe('the local server serves tickets from the API and their links from the export function', () => {
  it('issues a ticket by POST and streams the link once, without Authorization', async () => {
    now = T0;
    const server = await startApiServer({
      port: 0,
      handler: api(),
      exportHandler: exporter(),
      staticRoot: '/nonexistent',
      onError: (err) => {
        throw err;
      },
    });
    try {
      const res = await fetch(`${server.url}${EXPORT_TICKETS_PATH}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ path: '/api/export/models/ma/transactions.csv', query: { period: '7d' } }),
      });
      expect(res.status).toBe(201);
      const { url } = (await res.json()) as { url: string };
      const download = await fetch(`${server.url}${url}`);
      expect(download.status).toBe(200);
      expect(download.headers.get('transfer-encoding')).toBe('chunked');
      expect(download.headers.get('content-disposition')).toMatch(/^attachment; filename="ma-transactions-/);
      expect((await download.text()).trim().split('\r\n')).toHaveLength(41);
      const reused = await fetch(`${server.url}${url}`);
      expect(reused.status).toBe(401);
      expect(await reused.json()).toEqual({
        error: 'this download link was already used or is not valid: start the export again',
      });
    } finally {
      await server.stop();
    }
  });
});
