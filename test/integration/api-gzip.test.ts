import { gunzipSync } from 'node:zlib';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, putAgency } from '../../lambdas/adapters/dynamo/agencies';
import { makeApiHandler } from '../../lambdas/handlers/api';
import { silentLogger } from '../../lambdas/shared/logger';
import { freshTables, type TestTables } from '../support/ddb';
import { apiEvent, memorySecrets, modelItem, putAll, recordingTrigger } from './api-fixtures';

let t: TestTables;
let key: string;

beforeAll(async () => {
  t = await freshTables();
  await putAgency(t.doc, t.names.control, { agencyId: 'ag', name: 'Gzip Talent' });
  key = await createApiKey(t.doc, t.names.control, 'ag');
  await putAll(
    t.doc,
    t.names.control,
    Array.from({ length: 30 }, (_, i) =>
      modelItem({ modelId: `m${i}`, agencyId: 'ag', displayName: `Model ${i}`, status: 'ok' }),
    ),
  );
});

describe('GET /api/dashboard compression', () => {
  const api = () =>
    makeApiHandler({
      doc: t.doc,
      tables: { control: t.names.control, totals: t.names.totals, transactions: t.names.transactions },
      clock: { now: () => Date.parse('2026-03-10T12:00:00Z') },
      logger: silentLogger,
      config: { syncIntervalMs: 600_000, liveWithinMs: 1_320_000, cronSecretId: 'cron' },
      secrets: memorySecrets({ cron: 'x' }),
      trigger: recordingTrigger(),
    });

  it('gzips a large dashboard when the client accepts gzip, and the bytes decode to the same JSON', async () => {
    const plain = (await api()(
      apiEvent('GET', '/api/dashboard', { headers: { authorization: `Bearer ${key}` } }),
    )) as APIGatewayProxyStructuredResultV2;
    const zipped = (await api()(
      apiEvent('GET', '/api/dashboard', { headers: { authorization: `Bearer ${key}`, 'accept-encoding': 'br, gzip' } }),
    )) as APIGatewayProxyStructuredResultV2;
    expect(plain.headers?.['content-encoding']).toBeUndefined();
    expect(zipped).toMatchObject({
      statusCode: 200,
      isBase64Encoded: true,
      headers: { 'content-encoding': 'gzip', vary: 'accept-encoding' },
    });
    const decoded = gunzipSync(Buffer.from(zipped.body!, 'base64')).toString('utf8');
    expect(JSON.parse(decoded)).toEqual(JSON.parse(plain.body!));
    expect(Buffer.from(zipped.body!, 'base64').length).toBeLessThan(Buffer.byteLength(plain.body!) / 3);
  });

  it('leaves small bodies (errors) uncompressed', async () => {
    const res = (await api()(
      apiEvent('GET', '/api/dashboard', { headers: { 'accept-encoding': 'gzip' } }),
    )) as APIGatewayProxyStructuredResultV2;
    expect(res.statusCode).toBe(401);
    expect(res.isBase64Encoded).toBeFalsy();
  });
});
