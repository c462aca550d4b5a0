import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { StoredRowsReader } from '../../domain/audit-ports';
import { type StoredTransaction, StoredTransactionSchema } from '../../domain/transaction';
import { keys, transactionsTable } from '../../shared/tables';

const BY_DATE = transactionsTable.globalIndexes.find((i) => i.indexName === 'byDate')?.indexName ?? 'byDate';

/** One model's stored rows by date, from the transactions table's `byDate` index (implements `StoredRowsReader`). */
export function dynamoStoredRows(doc: DynamoDBDocumentClient, tableName: string): StoredRowsReader {
  return {
    async rowsBetween(modelId, from, to) {
      // ISO strings of one format sort as times; BETWEEN is inclusive, so the end is the last millisecond before `to`.
      const last = new Date(Date.parse(to) - 1).toISOString();
      const out: StoredTransaction[] = [];
      let ExclusiveStartKey: Record<string, unknown> | undefined;
      do {
        const page = await doc.send(
          new QueryCommand({
            TableName: tableName,
            IndexName: BY_DATE,
            KeyConditionExpression: 'pk = :pk AND #date BETWEEN :from AND :last',
            ExpressionAttributeNames: { '#date': 'date' },
            ExpressionAttributeValues: { ':pk': keys.modelPk(modelId), ':from': from, ':last': last },
            ExclusiveStartKey,
          }),
        );
        for (const item of page.Items ?? []) out.push(StoredTransactionSchema.parse(item));
        ExclusiveStartKey = page.LastEvaluatedKey;
      } while (ExclusiveStartKey);
      return out;
    },
  };
}
