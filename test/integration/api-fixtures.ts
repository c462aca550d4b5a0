import { BatchWriteCommand, type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { localSecretStore } from '../../lambdas/adapters/secrets';
import type { ModelRecord } from '../../lambdas/domain/model';
import { type Clock, type SyncTrigger, systemClock, type VersionedSecretStore } from '../../lambdas/domain/ports';
import { counterNames } from '../../lambdas/domain/totals';
import type { SourceCategory } from '../../lambdas/domain/transaction';
import { keys } from '../../lambdas/shared/tables';

/** Fixtures for the dashboard API tests and benchmark: events, seeded items, fake ports. */

/** An API Gateway HTTP API (v2) event, as the local server or API Gateway would send it. */
export function apiEvent(
  method: string,
  path: string,
  opts: { headers?: Record<string, string>; query?: Record<string, string>; body?: string } = {},
): APIGatewayProxyEventV2 {
  const query = opts.query ?? {};
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: new URLSearchParams(query).toString(),
    headers: opts.headers ?? {},
    ...(Object.keys(query).length > 0 && { queryStringParameters: query }),
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'test' },
      requestId: 'req',
      routeKey: '$default',
      stage: '$default',
      time: '',
      timeEpoch: 0,
    },
    body: opts.body,
    isBase64Encoded: false,
  };
}

/** A model record item (control table) with the agency index keys. */
export function modelItem(m: Partial<ModelRecord> & { modelId: string; agencyId: string }): Record<string, unknown> {
  return {
    pk: keys.modelPk(m.modelId),
    sk: keys.modelSk,
    gsi1pk: keys.agencyPk(m.agencyId),
    gsi1sk: keys.modelPk(m.modelId),
    displayName: m.modelId,
    creatorUuid: `creator-${m.modelId}`,
    connectionId: `conn-${m.agencyId}`,
    ...m,
  };
}

/** Counters as the aggregator writes them (flat attributes). */
export function totalsItem(
  pk: string,
  sk: string,
  t: {
    gross: number;
    net: number;
    count: number;
    bySource?: Partial<Record<SourceCategory, { gross: number; net: number; count: number }>>;
  },
): Record<string, unknown> {
  const item: Record<string, unknown> = { pk, sk, gross: t.gross, net: t.net, count: t.count };
  for (const [c, v] of Object.entries(t.bySource ?? {}) as [
    SourceCategory,
    { gross: number; net: number; count: number },
  ][]) {
    item[counterNames.sourceGross(c)] = v.gross;
    item[counterNames.sourceNet(c)] = v.net;
    item[counterNames.sourceCount(c)] = v.count;
  }
  return item;
}

/** Writes items with BatchWriteItem, 25 at a time, re-sending unprocessed ones. */
export async function putAll(
  doc: DynamoDBDocumentClient,
  table: string,
  items: Record<string, unknown>[],
): Promise<void> {
  for (let i = 0; i < items.length; i += 25) {
    let requests = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; requests.length > 0; attempt++) {
      if (attempt > 10) throw new Error('batch write kept leaving items unprocessed');
      const out = await doc.send(new BatchWriteCommand({ RequestItems: { [table]: requests } }));
      requests = (out.UnprocessedItems?.[table] ?? []) as typeof requests;
    }
  }
}

/** Writes one item. */
export async function put(doc: DynamoDBDocumentClient, table: string, item: Record<string, unknown>): Promise<void> {
  await doc.send(new PutCommand({ TableName: table, Item: item }));
}

/** An in-memory VersionedSecretStore (the local store, rotations timed by `clock`) that counts reads. */
export function memorySecrets(
  initial: Record<string, string>,
  clock: Clock = systemClock,
): VersionedSecretStore & { reads: number } {
  const inner = localSecretStore({ initial, clock });
  const store = {
    reads: 0,
    get(id: string) {
      store.reads += 1;
      return inner.get(id);
    },
    versions(id: string, options?: { previousWithinMs?: number }) {
      store.reads += 1;
      return inner.versions(id, options);
    },
    put: (id: string, value: string) => inner.put(id, value),
  };
  return store;
}

/** A SyncTrigger that records what it was asked to start. */
export function recordingTrigger(): SyncTrigger & {
  calls: { kind: 'model' | 'all'; modelId?: string; reason: string }[];
} {
  const calls: { kind: 'model' | 'all'; modelId?: string; reason: string }[] = [];
  return {
    calls,
    async syncModel(modelId, reason) {
      calls.push({ kind: 'model', modelId, reason });
    },
    async syncAll(reason) {
      calls.push({ kind: 'all', reason });
    },
  };
}
