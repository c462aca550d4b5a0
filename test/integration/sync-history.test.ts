import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, putAgency } from '../../lambdas/adapters/dynamo/agencies';
import { dynamoRunHistory } from '../../lambdas/adapters/dynamo/run-history';
import { SyncRunsResponseSchema } from '../../lambdas/domain/run-history-view';
import { makeApiHandler } from '../../lambdas/handlers/api';
import { silentLogger } from '../../lambdas/shared/logger';
import { needsSignIn } from '../../lambdas/shared/routes';
import { keys } from '../../lambdas/shared/tables';
import { runAt } from '../support/store-contract';
import { type SyncHarness, startSyncHarness } from '../support/sync-harness';
import { apiEvent, memorySecrets, recordingTrigger } from './api-fixtures';

const MIN = 60_000;
let h: SyncHarness;
let key: string;
let otherKey: string;

beforeAll(async () => {
  h = await startSyncHarness({ seed: 11, creators: 2, history: 40, historyDays: 3 });
  await putAgency(h.tables.doc, h.tables.names.control, { agencyId: 'agency-1', name: 'Agency One' });
  await putAgency(h.tables.doc, h.tables.names.control, { agencyId: 'agency-2', name: 'Other' });
  key = await createApiKey(h.tables.doc, h.tables.names.control, 'agency-1');
  otherKey = await createApiKey(h.tables.doc, h.tables.names.control, 'agency-2');
}, 120_000);
afterAll(async () => h?.stop());

async function get(path: string, credential: string, query: Record<string, string> = {}) {
  const api = makeApiHandler({
    doc: h.tables.doc,
    tables: h.tables.names,
    clock: h.clock,
    logger: silentLogger,
    config: { syncIntervalMs: 600_000, liveWithinMs: 1_320_000, cronSecretId: 'cron' },
    secrets: memorySecrets({ cron: 'x' }),
    trigger: recordingTrigger(),
  });
  return (await api(
    apiEvent('GET', path, { headers: { authorization: `Bearer ${credential}` }, query }),
  )) as APIGatewayProxyStructuredResultV2;
}

describe('sync history (real Fanvue client against the simulator, DynamoDB Local, the API)', () => {
  it('each real run leaves one record, and the model page API returns them newest first, in plain words', async () => {
    const creator = h.creatorOf.m0!;
    expect((await h.sync({ modelId: 'm0', reason: 'schedule' })).status).toBe('ok');
    const afterBackfill = await h.models.get('m0');
    h.sim.addRow(creator, { date: new Date(h.clock.now() - 2 * MIN).toISOString(), gross: 1234 });
    h.clock.advance(10 * MIN);
    expect((await h.sync({ modelId: 'm0', reason: 'webhook' })).status).toBe('ok');
    const model = await h.models.get('m0');
    // The connection's refresh token is revoked: the next run fails, and says why in words.
    h.sim.revokeConnection(h.refreshTokens.m0!);
    h.sim.expireAccessTokens();
    h.clock.advance(10 * MIN);
    expect((await h.sync({ modelId: 'm0', reason: 'dashboard' })).status).toBe('error');

    const res = await get('/api/key/models/m0/runs', key);
    expect(res.statusCode).toBe(200);
    const { runs } = SyncRunsResponseSchema.parse(JSON.parse(String(res.body)));
    expect(runs.map((r) => [r.trigger, r.outcome])).toEqual([
      ['dashboard', 'error'],
      ['webhook', 'ok'],
      ['schedule', 'ok'],
    ]);
    const [failed, incremental, backfill] = runs;
    expect(backfill).toMatchObject({ kind: 'sync', cursorFrom: null, cursorTo: afterBackfill?.cursor, error: null });
    expect(backfill!.rowsFetched).toBe(40);
    expect(backfill!.rowsStored).toBe(40);
    expect(backfill!.pages).toBeGreaterThanOrEqual(1);
    expect(incremental).toMatchObject({ cursorFrom: afterBackfill?.cursor, cursorTo: model?.cursor, rowsStored: 1 });
    expect(failed).toMatchObject({ error: 'Fanvue access was revoked: reconnect this model', rowsStored: 0 });
    for (const r of runs) expect(Date.parse(r.endedAt)).toBeGreaterThanOrEqual(Date.parse(r.startedAt));

    // What is stored: the run's facts and a 30-day expiry, never a token or a message from Fanvue.
    const items = await h.tables.doc.send(
      new QueryCommand({
        TableName: h.tables.names.control,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :run)',
        ExpressionAttributeValues: { ':pk': keys.modelPk('m0'), ':run': keys.runSkPrefix },
      }),
    );
    expect(items.Items).toHaveLength(3);
    for (const item of items.Items ?? []) {
      const ended = Date.parse(String(item.endedAt));
      expect(item.expiresAt).toBe(Math.ceil(ended / 1000) + 30 * 86_400);
      const text = JSON.stringify(item);
      expect(text).not.toContain(h.refreshTokens.m0!);
      expect(text).not.toMatch(/revoked|token|invalid_grant/i);
    }
    expect(items.Items?.find((i) => i.outcome === 'error')?.errorCode).toBe('auth');
  });

  it('limit is validated; another agency, a foreign model and an unknown model are 404s; runs stay per model', async () => {
    expect((await h.sync({ modelId: 'm1', reason: 'schedule' })).status).toBe('ok');
    const one = SyncRunsResponseSchema.parse(
      JSON.parse(String((await get('/api/key/models/m0/runs', key, { limit: '1' })).body)),
    );
    expect(one.runs).toHaveLength(1);
    expect(one.runs[0]?.trigger).toBe('dashboard');
    for (const limit of ['0', '101', 'x', '1.5'])
      expect((await get('/api/key/models/m0/runs', key, { limit })).statusCode, limit).toBe(400);
    expect((await get('/api/key/models/m0/runs', otherKey)).statusCode).toBe(404);
    // A run recorded while the model belonged to another agency (before a move) is not shown to this one.
    const newest = one.runs[0]!;
    await dynamoRunHistory(h.tables.doc, h.tables.names.control).record(
      {
        ...runAt('m0', 0, { agencyId: 'agency-2', runId: 'moved1' }),
        startedAt: newest.startedAt,
        endedAt: new Date(Date.parse(newest.endedAt) + 1).toISOString(),
      },
      0,
    );
    const after = SyncRunsResponseSchema.parse(JSON.parse(String((await get('/api/key/models/m0/runs', key)).body)));
    expect(after.runs.some((r) => r.id.endsWith('#moved1'))).toBe(false);
    expect(after.runs[0]?.id).toBe(newest.id);
    expect((await get('/api/key/models/nope/runs', key)).statusCode).toBe(404);
    const m1 = SyncRunsResponseSchema.parse(JSON.parse(String((await get('/api/key/models/m1/runs', key)).body)));
    expect(m1.runs.map((r) => r.trigger)).toEqual(['schedule']);
    // Access keys read it on their open route; members' route stays behind sign-in.
    expect(needsSignIn('GET', '/api/key/models/m0/runs')).toBe(false);
    expect(needsSignIn('GET', '/api/models/m0/runs')).toBe(true);
  });
});
