import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { type ModelRecord, ModelRecordSchema } from '../../domain/model';
import { controlTable, keys } from '../../shared/tables';
import * as z from '../../shared/zod';

/**
 * The dashboard's connect flow in the control table: pending Fanvue
 * authorizations (single use, bound to agency and user, expiring), and each
 * agency's connections (`AGENCY#<id>` / `CONNECTION#<id>`). Tokens never come
 * here: they go to the secret store.
 */

export const PendingAuthorizationSchema = z.object({
  agencyId: z.string(),
  userId: z.string(),
  connectionId: z.string(),
  verifier: z.string(),
  redirectUri: z.string(),
  /** Epoch seconds (the table's TTL attribute); checked on read too, since TTL deletes lazily. */
  expiresAt: z.number(),
});
export type PendingAuthorization = z.infer<typeof PendingAuthorizationSchema>;

export const ConnectionSchema = z.object({
  agencyId: z.string(),
  connectionId: z.string(),
  connectedAt: z.string(),
  connectedBy: z.string(),
});
export type Connection = z.infer<typeof ConnectionSchema>;

const stateKey = (stateHash: string) => ({ pk: keys.oauthStatePk(stateHash), sk: keys.oauthStateSk });

export async function putPendingAuthorization(
  doc: DynamoDBDocumentClient,
  table: string,
  stateHash: string,
  pending: PendingAuthorization,
): Promise<void> {
  await doc.send(
    new PutCommand({
      TableName: table,
      Item: { ...stateKey(stateHash), ...PendingAuthorizationSchema.parse(pending) },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
}

export async function getPendingAuthorization(
  doc: DynamoDBDocumentClient,
  table: string,
  stateHash: string,
): Promise<PendingAuthorization | undefined> {
  const out = await doc.send(new GetCommand({ TableName: table, Key: stateKey(stateHash), ConsistentRead: true }));
  return out.Item ? PendingAuthorizationSchema.parse(out.Item) : undefined;
}

/** Uses a pending authorization up: true for exactly one caller, however many replay it at once. */
export async function consumePendingAuthorization(
  doc: DynamoDBDocumentClient,
  table: string,
  stateHash: string,
): Promise<boolean> {
  try {
    await doc.send(
      new DeleteCommand({ TableName: table, Key: stateKey(stateHash), ConditionExpression: 'attribute_exists(pk)' }),
    );
    return true;
  } catch (err) {
    if ((err as { name?: string }).name === 'ConditionalCheckFailedException') return false;
    throw err;
  }
}

export async function putConnection(doc: DynamoDBDocumentClient, table: string, c: Connection): Promise<void> {
  await doc.send(
    new PutCommand({
      TableName: table,
      Item: { pk: keys.agencyPk(c.agencyId), sk: keys.connectionSk(c.connectionId), ...ConnectionSchema.parse(c) },
    }),
  );
}

export async function getConnection(
  doc: DynamoDBDocumentClient,
  table: string,
  agencyId: string,
  connectionId: string,
): Promise<Connection | undefined> {
  const out = await doc.send(
    new GetCommand({ TableName: table, Key: { pk: keys.agencyPk(agencyId), sk: keys.connectionSk(connectionId) } }),
  );
  return out.Item ? ConnectionSchema.parse(out.Item) : undefined;
}

export async function listConnections(
  doc: DynamoDBDocumentClient,
  table: string,
  agencyId: string,
): Promise<Connection[]> {
  const out = await doc.send(
    new QueryCommand({
      TableName: table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
      ExpressionAttributeValues: { ':pk': keys.agencyPk(agencyId), ':sk': keys.connectionSkPrefix },
    }),
  );
  return (out.Items ?? [])
    .map((i) => ConnectionSchema.parse(i))
    .sort((a, b) => a.connectedAt.localeCompare(b.connectedAt));
}

const byAgency = controlTable.globalIndexes[0]?.indexName ?? 'byAgency';

/** Every model of an agency (the `byAgency` index). */
export async function modelsOfAgency(
  doc: DynamoDBDocumentClient,
  table: string,
  agencyId: string,
): Promise<ModelRecord[]> {
  const models: ModelRecord[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await doc.send(
      new QueryCommand({
        TableName: table,
        IndexName: byAgency,
        KeyConditionExpression: 'gsi1pk = :pk',
        FilterExpression: 'sk = :model',
        ExpressionAttributeValues: { ':pk': keys.agencyPk(agencyId), ':model': keys.modelSk },
        ExclusiveStartKey: start,
      }),
    );
    for (const item of out.Items ?? []) models.push(ModelRecordSchema.parse(item));
    start = out.LastEvaluatedKey;
  } while (start);
  return models;
}

/** Turns a model's syncs on or off, if it is this agency's; false when it is not (nothing changed). */
export async function setModelEnabled(
  doc: DynamoDBDocumentClient,
  table: string,
  agencyId: string,
  modelId: string,
  enabled: boolean,
): Promise<boolean> {
  try {
    await doc.send(
      new UpdateCommand({
        TableName: table,
        Key: { pk: keys.modelPk(modelId), sk: keys.modelSk },
        UpdateExpression: 'SET enabled = :e',
        ConditionExpression: 'agencyId = :a',
        ExpressionAttributeValues: { ':e': enabled, ':a': agencyId },
      }),
    );
    return true;
  } catch (err) {
    if ((err as { name?: string }).name === 'ConditionalCheckFailedException') return false;
    throw err;
  }
}
