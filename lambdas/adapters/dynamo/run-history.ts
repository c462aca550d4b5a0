import { type DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { type RunHistory, SyncRunRecordSchema } from '../../domain/sync-history';
import { keys } from '../../shared/tables';

/**
 * Sync run records in the control table, under the model's key (`MODEL#<id>` / `RUN#<endedAt>#<id>`),
 * expiring through the table's TTL attribute. Implements `RunHistory`.
 */
export function dynamoRunHistory(doc: DynamoDBDocumentClient, tableName: string): RunHistory {
  return {
    async record(run, expiresAt) {
      const item = SyncRunRecordSchema.parse(run);
      await doc.send(
        new PutCommand({
          TableName: tableName,
          Item: { pk: keys.modelPk(item.modelId), sk: keys.runSk(item.endedAt, item.runId), ...item, expiresAt },
        }),
      );
    },

    async recent(modelId, limit) {
      const out = await doc.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :run)',
          ExpressionAttributeValues: { ':pk': keys.modelPk(modelId), ':run': keys.runSkPrefix },
          ScanIndexForward: false,
          Limit: limit,
        }),
      );
      // An item that no longer parses (an older layout) is left out rather than failing the page.
      return (out.Items ?? []).flatMap((i) => {
        const parsed = SyncRunRecordSchema.safeParse(i);
        return parsed.success ? [parsed.data] : [];
      });
    },
  };
}
