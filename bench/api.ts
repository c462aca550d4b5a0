import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { createApiKey, putAgency } from '../lambdas/adapters/dynamo/agencies';
import { MAX_PERIOD_DAYS } from '../lambdas/domain/period';
import { modelColumns } from '../lambdas/domain/totals';
import { makeApiHandler } from '../lambdas/handlers/api';
import { silentLogger } from '../lambdas/shared/logger';
import { keys } from '../lambdas/shared/tables';
import { createTables } from '../local/bootstrap';
import { startDynamoDbLocal } from '../local/dynamodb-local';
import { quietSdkNodeNotice } from '../local/sdk-notice';
import {
  apiEvent,
  memorySecrets,
  modelItem,
  putAll,
  recordingTrigger,
  totalsItem,
} from '../test/integration/api-fixtures';
import { buildFrontendFresh } from '../test/support/browser';
import { type FrontendJsSizes, formatFrontendJs, frontendJsSizes } from './support/frontend-size';
import { dynamoItemBytes, meterReads, type ReadMeasure } from './support/read-meter';

/** Options of {@link runApiBench}. */
export interface ApiBenchOptions {
  /** Models in the agency. @default 500 */
  models?: number;
  /** Measured dashboard requests (after 5 warm-ups). @default 100 */
  requests?: number;
  /** Polls 60 s apart with no writes in between. @default 20 */
  idlePolls?: number;
  /** Built frontend folder to measure. @default a fresh build of the current sources (removed afterwards) */
  frontendDist?: string;
  /** A DynamoDB Local already running (the test suite's); a private one is started when absent. */
  ddbEndpoint?: string;
}

export interface ApiBenchResult {
  models: number;
  requests: number;
  p50Ms: number;
  p99Ms: number;
  payloadBytes: number;
  payloadGzipBytes: number;
  idlePolls: number;
  notModified: number;
  /** Share of idle polls answered 304 (the first poll has no ETag yet and is not counted). */
  notModifiedRatio: number;
  /** The frontend's JS (first load and total, gzipped and brotli), or null when frontend/dist is not built. */
  frontendJs: FrontendJsSizes | null;
  /** Latency, payload and what one request read from DynamoDB, per period option (same agency). */
  periods: ({ period: string; p50Ms: number; p99Ms: number; payloadBytes: number } & ReadMeasure)[];
  /** Size of one agency local-day item carrying every model's columns, by DynamoDB's item-size rules. */
  agencyDayItemBytes: number;
}

const NOW = Date.parse('2026-03-10T12:00:00.000Z');
const MIN = 60_000;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

/** The JS of a dashboard built now from the current sources (never an old frontend/dist). */
async function freshFrontendJsSizes(): Promise<FrontendJsSizes | null> {
  const dist = await buildFrontendFresh();
  try {
    return frontendJsSizes(dist);
  } finally {
    rmSync(dist, { recursive: true, force: true });
  }
}

/**
 * Dashboard API benchmark against DynamoDB Local (its own, or `ddbEndpoint`): handler latency
 * (p50/p99) and payload size for one agency of `models` models with 90 days of
 * totals, the 304 ratio of idle 60 s polls, and the frontend's JS (first load and total).
 */
export async function runApiBench(options: ApiBenchOptions = {}): Promise<ApiBenchResult> {
  const models = options.models ?? 500;
  const requests = options.requests ?? 100;
  const idlePolls = options.idlePolls ?? 20;
  const own = options.ddbEndpoint ? undefined : await startDynamoDbLocal();
  try {
    const client = new DynamoDBClient({
      endpoint: own?.endpoint ?? options.ddbEndpoint!,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
    const names = await createTables(client, `bench${randomUUID().slice(0, 8)}`);
    await putAgency(doc, names.control, { agencyId: 'ag-bench', name: 'Bench Agency' });
    const key = await createApiKey(doc, names.control, 'ag-bench');
    // Model ids are Fanvue creator uuids (36 characters), as `npm run connect` registers them.
    const ids = Array.from({ length: models }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
    // Syncs of one cycle land over its first two minutes, as the fan-out spreads them.
    await putAll(
      doc,
      names.control,
      ids.map((modelId, i) => {
        const started = NOW - 2 * MIN + Math.floor((i / models) * 2 * MIN);
        return modelItem({
          modelId,
          agencyId: 'ag-bench',
          displayName: `Creator ${i}`,
          // Its ordinal in the agency, as registration allocates them.
          columns: { 'ag-bench': i },
          status: 'ok',
          lastSyncStartedAt: new Date(started).toISOString(),
          lastSuccessAt: new Date(started + 5_000).toISOString(),
        });
      }),
    );
    await putAll(doc, names.totals, [
      ...ids.map((id, i) =>
        totalsItem(keys.modelPk(id), keys.totalSk, { gross: 10_000 + i, net: 8_000 + i, count: 10 }),
      ),
      totalsItem(keys.agencyPk('ag-bench'), keys.totalSk, {
        gross: 5_000_000,
        net: 4_000_000,
        count: 5_000,
        bySource: { subscription: { gross: 5_000_000, net: 4_000_000, count: 5_000 } },
      }),
    ]);
    // Worst case for the period reads: every model sold on every one of the 184 local days a 92-day
    // custom period and its comparison cover, so each agency day item carries all 500 models' columns.
    const dayItems = Array.from({ length: 2 * MAX_PERIOD_DAYS }, (_, d) => ({
      ...totalsItem(
        keys.agencyPk('ag-bench'),
        keys.zoneDaySk('UTC', new Date(NOW - d * 86_400_000).toISOString().slice(0, 10)),
        { gross: 50_000 + d, net: 40_000, count: 50 },
      ),
      ...Object.fromEntries(
        ids.flatMap((id, i) => {
          const c = modelColumns(id, i);
          return [
            [c.gross, 100 + ((i + d) % 97)],
            [c.net, 80],
            [c.count, 1],
          ];
        }),
      ),
    }));
    await putAll(doc, names.totals, dayItems);
    const meter = meterReads(client);

    let now = NOW;
    const handler = makeApiHandler({
      doc,
      tables: { control: names.control, totals: names.totals, transactions: names.transactions },
      clock: { now: () => now },
      logger: silentLogger,
      config: { syncIntervalMs: 10 * MIN, liveWithinMs: 22 * MIN, cronSecretId: 'cron' },
      secrets: memorySecrets({ cron: 'unused' }),
      trigger: recordingTrigger(),
    });
    const get = async (headers: Record<string, string> = {}, query: Record<string, string> = { period: '30d' }) =>
      (await handler(
        apiEvent('GET', '/api/key/dashboard', {
          headers: { authorization: `Bearer ${key}`, ...headers },
          query,
        }),
      )) as APIGatewayProxyStructuredResultV2;

    // Each period option: latency and payload (the comparison period and the 30-day sparklines included).
    const periods: ApiBenchResult['periods'] = [];
    const perPeriod = Math.max(5, Math.floor(requests / 5));
    for (const query of [
      { period: 'today' },
      { period: '7d' },
      { period: '30d' },
      { period: 'last-month' },
      { period: 'custom', from: '2025-12-09', to: '2026-03-10' },
    ] as Record<string, string>[]) {
      const times: number[] = [];
      let res: APIGatewayProxyStructuredResultV2 | undefined;
      for (let i = 0; i < perPeriod + 2; i++) {
        const t0 = performance.now();
        res = await get({}, query);
        if (i >= 2) times.push(performance.now() - t0);
      }
      if (res?.statusCode !== 200) throw new Error(`dashboard answered ${res?.statusCode} for ${query.period}`);
      // One more request, metered: what it read from DynamoDB (the same on any machine).
      meter.reset();
      await get({}, query);
      const read = meter.take();
      times.sort((a, b) => a - b);
      periods.push({
        period: query.period === 'custom' ? 'custom (92 days)' : (query.period ?? ''),
        p50Ms: Math.round(percentile(times, 50) * 10) / 10,
        p99Ms: Math.round(percentile(times, 99) * 10) / 10,
        payloadBytes: Buffer.byteLength(String(res.body)),
        ...read,
      });
    }

    for (let i = 0; i < 5; i++) await get();
    const latencies: number[] = [];
    let last: APIGatewayProxyStructuredResultV2 | undefined;
    for (let i = 0; i < requests; i++) {
      const t0 = performance.now();
      last = await get();
      latencies.push(performance.now() - t0);
    }
    if (last?.statusCode !== 200) throw new Error(`dashboard answered ${last?.statusCode}`);
    const body = String(last.body);
    latencies.sort((a, b) => a - b);

    let etag = String(last.headers?.etag);
    let notModified = 0;
    for (let i = 0; i < idlePolls; i++) {
      now += MIN;
      const res = await get({ 'if-none-match': etag });
      if (res.statusCode === 304) notModified += 1;
      else etag = String(res.headers?.etag);
    }

    return {
      models,
      requests,
      p50Ms: Math.round(percentile(latencies, 50) * 10) / 10,
      p99Ms: Math.round(percentile(latencies, 99) * 10) / 10,
      payloadBytes: Buffer.byteLength(body),
      payloadGzipBytes: gzipSync(body).length,
      idlePolls,
      periods,
      agencyDayItemBytes: dynamoItemBytes(dayItems[0] ?? {}),
      notModified,
      notModifiedRatio: idlePolls === 0 ? 0 : notModified / idlePolls,
      frontendJs: options.frontendDist ? frontendJsSizes(options.frontendDist) : await freshFrontendJsSizes(),
    };
  } finally {
    await own?.stop();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  quietSdkNodeNotice();
  const r = await runApiBench();
  console.log(`dashboard API, ${r.models} models, ${r.requests} requests: p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms`);
  console.log(`payload: ${r.payloadBytes} bytes (${r.payloadGzipBytes} gzipped)`);
  console.log(`one agency day item with every model's columns: ${r.agencyDayItemBytes} bytes`);
  for (const p of r.periods)
    console.log(
      `  period ${p.period}: p50 ${p.p50Ms} ms, p99 ${p.p99Ms} ms, ${p.payloadBytes} bytes; ` +
        `read from DynamoDB: ${p.calls} calls, ${p.itemBytes} item bytes, ${p.readUnits} read units`,
    );
  console.log(`idle polls: ${r.notModified}/${r.idlePolls} answered 304 (${Math.round(r.notModifiedRatio * 100)}%)`);
  console.log(formatFrontendJs(r.frontendJs));
}
