import { PassThrough } from 'node:stream';
import type { Context, LambdaFunctionURLEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { createApiKey, putAgency } from '../../lambdas/adapters/dynamo/agencies';
import type { StoredTransaction } from '../../lambdas/domain/transaction';
import { type ExportDeps, makeExportHandler } from '../../lambdas/handlers/export/export-handler';
import { VIEWER_AUTHORIZATION_HEADER } from '../../lambdas/shared/edge';
import { silentLogger } from '../../lambdas/shared/logger';
import { keys } from '../../lambdas/shared/tables';
import { startApiServer } from '../../local/api-server';
import { tx } from '../support/aggregate-fixtures';
import { freshTables, type TestTables } from '../support/ddb';
import { apiEvent, modelItem, putAll } from './api-fixtures';

/**
 * The CSV export streams: rows are read from DynamoDB Local a page at a time and each page is
 * written before the next is read, through the handler, the Lambda entry (response streaming)
 * and the local server alike.
 */

const NOW = Date.parse('2026-03-10T12:00:00.000Z');
const ROWS = 300;
const PAGE = 20;
let t: TestTables;
let key: string;
let otherKey: string;
const log: string[] = [];
const rows: StoredTransaction[] = [];

function deps(): ExportDeps {
  return { doc: t.doc, tables: t.names, clock: { now: () => NOW }, logger: silentLogger, pageSize: PAGE };
}

beforeAll(async () => {
  t = await freshTables();
  await putAgency(t.doc, t.names.control, { agencyId: 'ag-a', name: 'Acme' });
  await putAgency(t.doc, t.names.control, { agencyId: 'ag-b', name: 'Other' });
  key = await createApiKey(t.doc, t.names.control, 'ag-a');
  otherKey = await createApiKey(t.doc, t.names.control, 'ag-b');
  await putAll(t.doc, t.names.control, [
    modelItem({ modelId: 'm1', agencyId: 'ag-a', displayName: 'Aria', status: 'ok' }),
    modelItem({ modelId: 'mb', agencyId: 'ag-b', displayName: 'Zed', status: 'ok' }),
  ]);
  // One sale every 30 minutes back from NOW: about 6 days, all inside "last 7 days".
  for (let i = 0; i < ROWS; i++)
    rows.push(
      tx({
        txKey: `oid#${i}`,
        transactionOrderId: `order-${i}`,
        modelId: 'm1',
        agencyId: 'ag-a',
        date: new Date(NOW - i * 1_800_000).toISOString(),
        gross: 1000 + i,
        net: 800 + i,
      }),
    );
  await putAll(
    t.doc,
    t.names.transactions,
    rows.map((r) => ({ pk: keys.modelPk(r.modelId), sk: keys.txSk(r.txKey), ...r })),
  );
  t.doc.middlewareStack.add(
    (next) => async (args) => {
      const input = args.input as { TableName?: string; IndexName?: string };
      if (input.TableName === t.names.transactions && input.IndexName) log.push('query');
      return next(args);
    },
    { step: 'initialize', name: 'logTransactionQueries' },
  );
}, 120_000);

/** The order ids of a transactions CSV, in order. */
const orderIds = (csv: string) =>
  csv
    .trim()
    .split('\r\n')
    .slice(1)
    .map((l) => l.split(',').at(-1));

describe('streamed CSV export from DynamoDB Local', () => {
  it('writes the first rows before the last page is read, and the export is complete and in order', async () => {
    log.length = 0;
    const res = await makeExportHandler(deps())(
      apiEvent('GET', '/api/export/models/m1/transactions.csv', {
        headers: { [VIEWER_AUTHORIZATION_HEADER]: `Bearer ${key}` },
        query: { period: '7d' },
      }),
    );
    if (!('stream' in res)) throw new Error(`refused: ${res.body}`);
    let csv = '';
    await res.stream({
      write: async (text) => {
        if (!text.startsWith('date_utc')) log.push('write');
        csv += text;
      },
    });
    const queries = log.filter((e) => e === 'query').length;
    expect(queries).toBeGreaterThanOrEqual(ROWS / PAGE);
    // Page by page: the first rows are written before the last Query is sent, and every Query but the
    // first follows the write of the page before it (never two pages read ahead).
    expect(log.indexOf('write')).toBeLessThan(log.lastIndexOf('query'));
    expect(log.join(' ')).not.toMatch(/query query/);
    expect(orderIds(csv)).toEqual(rows.map((r) => r.transactionOrderId));
  });
});

describe('the Lambda entry streams through the response stream (Lambda runtime stand-in)', () => {
  const preludes: unknown[] = [];
  let handler: (event: LambdaFunctionURLEvent, stream: PassThrough, context: Context) => Promise<void>;

  beforeAll(async () => {
    // What the Node.js managed runtime provides as a global; only the parts middy calls.
    vi.stubGlobal('awslambda', {
      streamifyResponse: (fn: unknown) => fn,
      HttpResponseStream: {
        from: (stream: PassThrough, prelude: unknown) => {
          preludes.push(prelude);
          return stream;
        },
      },
    });
    vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', inject('ddbEndpoint'));
    vi.stubEnv('AWS_REGION', 'us-east-1');
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'local');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'local');
    vi.stubEnv('CONTROL_TABLE', t.names.control);
    vi.stubEnv('TOTALS_TABLE', t.names.totals);
    vi.stubEnv('TRANSACTIONS_TABLE', t.names.transactions);
    vi.stubEnv('AUTH_ISSUER', 'https://issuer.invalid');
    vi.stubEnv('USER_POOL_ID', 'pool');
    vi.stubEnv('AUTH_CLIENT_NAME', 'dashboard');
    const mod = await import('../../lambdas/handlers/export');
    handler = mod.handler as unknown as typeof handler;
  });
  afterAll(() => {
    vi.unstubAllGlobals();
    vi.unstubAllEnvs();
  });

  const context = {
    awsRequestId: 'req-1',
    functionName: 'RevenueHeartbeat-Export',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:RevenueHeartbeat-Export',
    memoryLimitInMB: '256',
    getRemainingTimeInMillis: () => 60_000,
  } as unknown as Context;

  async function invoke(path: string, credential: string, query: Record<string, string> = {}) {
    const event = apiEvent('GET', path, {
      // Authorization is CloudFront's SigV4 signature here; the caller's credential comes in the viewer header.
      headers: { authorization: 'AWS4-HMAC-SHA256 Credential=cloudfront', [VIEWER_AUTHORIZATION_HEADER]: credential },
      query,
    }) as unknown as LambdaFunctionURLEvent;
    const stream = new PassThrough();
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    preludes.length = 0;
    await handler(event, stream, context);
    return { prelude: preludes[0], body: Buffer.concat(chunks).toString('utf8') };
  }

  it('sends status and headers first, then the whole CSV; refusals as JSON with their status', async () => {
    // The entry runs on the system clock: a custom period holds the seeded rows whatever today is.
    const ok = await invoke('/api/export/models/m1/transactions.csv', `Bearer ${key}`, {
      period: 'custom',
      from: '2026-03-01',
      to: '2026-03-10',
    });
    expect(ok.prelude).toMatchObject({
      statusCode: 200,
      headers: { 'content-type': 'text/csv; charset=utf-8', 'cache-control': 'no-store' },
    });
    expect(orderIds(ok.body)).toEqual(rows.map((r) => r.transactionOrderId));
    const foreign = await invoke('/api/export/models/m1/transactions.csv', `Bearer ${otherKey}`);
    expect(foreign.prelude).toMatchObject({ statusCode: 404 });
    expect(JSON.parse(foreign.body)).toEqual({ error: 'model not found' });
    const bad = await invoke('/api/export/daily.csv', `Bearer ${key}`, { period: 'custom', from: '2026-03-09' });
    expect(bad.prelude).toMatchObject({ statusCode: 400 });
    expect(JSON.parse(bad.body).error).toMatch(/custom period/);
  });
});

describe('the local server pipes the export into the HTTP response', () => {
  it('streams the CSV chunked (no Content-Length) and takes the credential only from Authorization', async () => {
    const server = await startApiServer({
      port: 0,
      handler: async () => ({ statusCode: 500, body: 'the API handler must not see exports' }),
      exportHandler: makeExportHandler(deps()),
      staticRoot: '/nonexistent',
      onError: (err) => {
        throw err;
      },
    });
    try {
      const url = `${server.url}/api/export/models/m1/transactions.csv?period=7d`;
      const res = await fetch(url, { headers: { authorization: `Bearer ${key}` } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-length')).toBeNull();
      expect(res.headers.get('transfer-encoding')).toBe('chunked');
      expect(orderIds(await res.text())).toEqual(rows.map((r) => r.transactionOrderId));
      // A viewer cannot put a credential in the viewer header itself: CloudFront's function drops it, so does the server.
      const forged = await fetch(url, { headers: { [VIEWER_AUTHORIZATION_HEADER]: `Bearer ${key}` } });
      expect(forged.status).toBe(401);
    } finally {
      await server.stop();
    }
  });
});
