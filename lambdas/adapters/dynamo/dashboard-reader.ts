import { BatchGetCommand, type DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { DashboardData } from '../../domain/dashboard-build';
import { type ModelRecord, ModelRecordSchema, modelsByColumn } from '../../domain/model';
import {
  type ColumnNameCache,
  emptyTotals,
  type ModelDay,
  parseModelColumns,
  parseTotalsItem,
  type Totals,
} from '../../domain/totals';
import type { AppLogger } from '../../shared/logger';
import { controlTable, keys } from '../../shared/tables';

/**
 * Reads what the dashboard shows, in O(models + days) requests and items:
 * the agency TOTAL, one Query over the agency's local-day items (`ZDAY#zone#`)
 * in range (each also carries every model's figures of that day, in columns
 * named by the model's ordinal in the agency, `G<n>` / `N<n>` / `C<n>`), the
 * agency's models through the `byAgency` index, and each model's TOTAL by
 * BatchGetItem. Never touches the transactions table.
 */

export type { DashboardData } from '../../domain/dashboard-build';

export interface DashboardReaderTables {
  control: string;
  totals: string;
}

/** BatchGetItem's per-request key limit. */
const BATCH_GET_MAX = 100;
/** Cap on re-asking for throttled keys; then the read fails rather than showing partial totals. */
const UNPROCESSED_RETRIES = 5;

const byAgencyIndex = controlTable.globalIndexes[0]?.indexName ?? 'byAgency';
const counterProjection = {
  ProjectionExpression: 'pk, sk, gross, net, #count',
  ExpressionAttributeNames: { '#count': 'count' },
};
/** Reads the dashboard data of one agency for the local days `fromDay..toDay` (inclusive) in `zone`. */
export async function readDashboardData(
  doc: DynamoDBDocumentClient,
  tables: DashboardReaderTables,
  agencyId: string,
  range: { zone: string; fromDay: string; toDay: string },
  logger?: AppLogger,
): Promise<DashboardData> {
  const modelsPromise = readModels(doc, tables.control, agencyId, logger);
  const [agencyTotals, dayItems, models] = await Promise.all([
    readAgencyTotal(doc, tables.totals, keys.agencyPk(agencyId)),
    readAgencyZoneDays(doc, tables.totals, keys.agencyPk(agencyId), range),
    modelsPromise,
  ]);
  const modelTotals = await readModelTotals(
    doc,
    tables.totals,
    models.map((m) => m.modelId),
  );
  const days = new Map<string, Totals>();
  const modelDays = new Map<string, Map<string, ModelDay>>();
  // The day items name models by their column ordinal in this agency: the model records map them back.
  const modelOfColumn = modelsByColumn(models, agencyId);
  const names: ColumnNameCache = new Map();
  for (const [day, item] of dayItems) {
    days.set(day, parseTotalsItem(item));
    modelDays.set(day, parseModelColumns(item, modelOfColumn, names));
  }
  return { agencyTotals, days, modelDays, models, modelTotals };
}

/** One model's all-time TOTAL and its local days `fromDay..toDay` in `zone` (per source): O(days). */
export async function readModelPeriodData(
  doc: DynamoDBDocumentClient,
  table: string,
  modelId: string,
  range: { zone: string; fromDay: string; toDay: string },
): Promise<{ total: Totals; days: Map<string, Totals> }> {
  const [total, items] = await Promise.all([
    readTotal(doc, table, keys.modelPk(modelId)),
    readZoneDays(doc, table, keys.modelPk(modelId), range),
  ]);
  return { total, days: new Map([...items].map(([day, item]) => [day, parseTotalsItem(item)])) };
}

/** One model record (GetItem); undefined when missing or unreadable. */
export async function readModel(
  doc: DynamoDBDocumentClient,
  table: string,
  modelId: string,
): Promise<ModelRecord | undefined> {
  const out = await doc.send(
    new GetCommand({ TableName: table, Key: { pk: keys.modelPk(modelId), sk: keys.modelSk } }),
  );
  const parsed = ModelRecordSchema.safeParse(out.Item ?? {});
  return parsed.success ? parsed.data : undefined;
}

async function readTotal(doc: DynamoDBDocumentClient, table: string, pk: string): Promise<Totals> {
  const out = await doc.send(new GetCommand({ TableName: table, Key: { pk, sk: keys.totalSk } }));
  return out.Item ? parseTotalsItem(out.Item) : emptyTotals();
}

/** Adds every numeric attribute of `item` into `into` (the shards of one agency item make one figure). */
function addItem(into: Record<string, unknown>, item: Record<string, unknown>): void {
  for (const [name, value] of Object.entries(item)) {
    const current = into[name];
    if (typeof value === 'number') into[name] = (typeof current === 'number' ? current : 0) + value;
    else if (current === undefined) into[name] = value;
  }
}

/** An agency's TOTAL: the sum of its shards (one BatchGetItem). */
async function readAgencyTotal(doc: DynamoDBDocumentClient, table: string, pk: string): Promise<Totals> {
  const out = await doc.send(
    new BatchGetCommand({
      RequestItems: { [table]: { Keys: keys.agencyShardPks(pk).map((p) => ({ pk: p, sk: keys.totalSk })) } },
    }),
  );
  if (Object.keys(out.UnprocessedKeys ?? {}).length > 0) {
    // Throttled: the plain reads, one per shard, rather than a partial total.
    const items = await Promise.all(
      keys
        .agencyShardPks(pk)
        .map(
          async (p) => (await doc.send(new GetCommand({ TableName: table, Key: { pk: p, sk: keys.totalSk } }))).Item,
        ),
    );
    return sumTotals(items.filter((i): i is Record<string, unknown> => i !== undefined));
  }
  return sumTotals(out.Responses?.[table] ?? []);
}

function sumTotals(items: Record<string, unknown>[]): Totals {
  if (items.length === 0) return emptyTotals();
  const sum: Record<string, unknown> = {};
  for (const item of items) addItem(sum, item);
  return parseTotalsItem(sum);
}

/** An agency's `ZDAY#zone#day` items in range, each the sum of its shards (one Query per shard, at once). */
async function readAgencyZoneDays(
  doc: DynamoDBDocumentClient,
  table: string,
  pk: string,
  range: { zone: string; fromDay: string; toDay: string },
): Promise<Map<string, Record<string, unknown>>> {
  const days = new Map<string, Record<string, unknown>>();
  const shards = await Promise.all(keys.agencyShardPks(pk).map((p) => readZoneDays(doc, table, p, range)));
  for (const shard of shards) {
    for (const [day, item] of shard) {
      const sum = days.get(day) ?? {};
      addItem(sum, item);
      days.set(day, sum);
    }
  }
  return days;
}

/** The `ZDAY#zone#day` items of one scope in range, by day (one Query, all pages). */
async function readZoneDays(
  doc: DynamoDBDocumentClient,
  table: string,
  pk: string,
  range: { zone: string; fromDay: string; toDay: string },
): Promise<Map<string, Record<string, unknown>>> {
  const days = new Map<string, Record<string, unknown>>();
  const prefix = keys.zoneDaySk(range.zone, '');
  let startKey: Record<string, unknown> | undefined;
  do {
    const out = await doc.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: {
          ':pk': pk,
          ':from': keys.zoneDaySk(range.zone, range.fromDay),
          ':to': keys.zoneDaySk(range.zone, range.toDay),
        },
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of out.Items ?? []) days.set(String(item.sk).slice(prefix.length), item);
    startKey = out.LastEvaluatedKey;
  } while (startKey);
  return days;
}

async function readModels(
  doc: DynamoDBDocumentClient,
  table: string,
  agencyId: string,
  logger?: AppLogger,
): Promise<ModelRecord[]> {
  const models: ModelRecord[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const out = await doc.send(
      new QueryCommand({
        TableName: table,
        IndexName: byAgencyIndex,
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.agencyPk(agencyId) },
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of out.Items ?? []) {
      const parsed = ModelRecordSchema.safeParse(item);
      // One unreadable record must not take the whole dashboard down.
      if (parsed.success) models.push(parsed.data);
      else
        logger?.warn('skipping unreadable model record', { pk: String(item.pk), issues: parsed.error.issues.length });
    }
    startKey = out.LastEvaluatedKey;
  } while (startKey);
  return models;
}

async function readModelTotals(
  doc: DynamoDBDocumentClient,
  table: string,
  modelIds: string[],
): Promise<Map<string, Totals>> {
  const chunks: string[][] = [];
  for (let i = 0; i < modelIds.length; i += BATCH_GET_MAX) chunks.push(modelIds.slice(i, i + BATCH_GET_MAX));
  const results = await Promise.all(
    chunks.map((ids) =>
      batchGet(
        doc,
        table,
        ids.map((id) => ({ pk: keys.modelPk(id), sk: keys.totalSk })),
      ),
    ),
  );
  const totals = new Map<string, Totals>();
  for (const item of results.flat()) totals.set(String(item.pk).slice(keys.modelPk('').length), parseTotalsItem(item));
  return totals;
}

async function batchGet(
  doc: DynamoDBDocumentClient,
  table: string,
  initial: Record<string, string>[],
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let pending: Record<string, unknown>[] = initial;
  for (let attempt = 0; pending.length > 0; attempt++) {
    if (attempt > UNPROCESSED_RETRIES) throw new Error(`batch get left ${pending.length} keys unprocessed`);
    if (attempt > 0) await new Promise((r) => setTimeout(r, 20 * 2 ** attempt));
    const out = await doc.send(
      new BatchGetCommand({ RequestItems: { [table]: { Keys: pending, ...counterProjection } } }),
    );
    items.push(...(out.Responses?.[table] ?? []));
    pending = out.UnprocessedKeys?.[table]?.Keys ?? [];
  }
  return items;
}

/** The agency a model belongs to (one GetItem); undefined when there is no such model. */
export async function readModelAgency(
  doc: DynamoDBDocumentClient,
  table: string,
  modelId: string,
): Promise<string | undefined> {
  const out = await doc.send(
    new GetCommand({
      TableName: table,
      Key: { pk: keys.modelPk(modelId), sk: keys.modelSk },
      ProjectionExpression: 'agencyId',
    }),
  );
  const agencyId: unknown = out.Item?.agencyId;
  return typeof agencyId === 'string' && agencyId.length > 0 ? agencyId : undefined;
}
