import { BatchGetCommand, type DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { type ModelRecord, ModelRecordSchema } from '../../domain/model';
import { emptyTotals, parseTotalsItem, type Totals } from '../../domain/totals';
import type { AppLogger } from '../../shared/logger';
import { controlTable, keys } from '../../shared/tables';

/**
 * Reads what the dashboard shows, in O(models + days) requests and items:
 * the agency TOTAL, one Query over the agency's DAY# items in range, the
 * agency's models through the `byAgency` index, and each model's TOTAL by
 * BatchGetItem. Never touches the transactions table.
 */

/** Everything the dashboard is built from. */
export interface DashboardData {
  agencyTotals: Totals;
  /** Per UTC day (`yyyy-mm-dd`) in range; days with no item are absent. */
  days: Map<string, Totals>;
  models: ModelRecord[];
  /** Per modelId; models with no item are absent. */
  modelTotals: Map<string, Totals>;
}

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

/** Reads the dashboard data of one agency for the UTC days `fromDay..toDay` (inclusive). */
export async function readDashboardData(
  doc: DynamoDBDocumentClient,
  tables: DashboardReaderTables,
  agencyId: string,
  range: { fromDay: string; toDay: string },
  logger?: AppLogger,
): Promise<DashboardData> {
  const modelsPromise = readModels(doc, tables.control, agencyId, logger);
  const [agencyTotals, days, models] = await Promise.all([
    readAgencyTotal(doc, tables.totals, agencyId),
    readDays(doc, tables.totals, agencyId, range),
    modelsPromise,
  ]);
  const modelTotals = await readModelTotals(
    doc,
    tables.totals,
    models.map((m) => m.modelId),
  );
  return { agencyTotals, days, models, modelTotals };
}

async function readAgencyTotal(doc: DynamoDBDocumentClient, table: string, agencyId: string): Promise<Totals> {
  const out = await doc.send(
    new GetCommand({ TableName: table, Key: { pk: keys.agencyPk(agencyId), sk: keys.totalSk } }),
  );
  return out.Item ? parseTotalsItem(out.Item) : emptyTotals();
}

async function readDays(
  doc: DynamoDBDocumentClient,
  table: string,
  agencyId: string,
  range: { fromDay: string; toDay: string },
): Promise<Map<string, Totals>> {
  const days = new Map<string, Totals>();
  let startKey: Record<string, unknown> | undefined;
  do {
    const out = await doc.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: {
          ':pk': keys.agencyPk(agencyId),
          ':from': keys.daySk(range.fromDay),
          ':to': keys.daySk(range.toDay),
        },
        ...counterProjection,
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of out.Items ?? []) days.set(String(item.sk).slice(keys.daySk('').length), parseTotalsItem(item));
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
