import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { type StoredTransaction, StoredTransactionSchema } from '../../domain/transaction';
import { keys, transactionsTable } from '../../shared/tables';
import * as z from '../../shared/zod';

/**
 * Reads one model's transactions newest first through the `byDate` index, a
 * page at a time (Query + Limit): O(page), never O(history).
 */

const byDateIndex = transactionsTable.globalIndexes[0]?.indexName ?? 'byDate';

/** Where a page stopped: the index's key of its last item. */
const PageKeySchema = z.strictObject({ pk: z.string(), sk: z.string(), date: z.string() });

/** An opaque continuation token (base64url JSON of the last key); undefined when it is not one of ours. */
export function decodeCursor(cursor: string): Record<string, string> | undefined {
  try {
    const parsed = PageKeySchema.safeParse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

function encodeCursor(key: Record<string, unknown> | undefined): string | null {
  return key ? Buffer.from(JSON.stringify(key), 'utf8').toString('base64url') : null;
}

/** One page of a model's rows, newest first, optionally only rows dated in `[from, to)` (ISO instants). */
export async function readTransactionsPage(
  doc: DynamoDBDocumentClient,
  table: string,
  modelId: string,
  page: { limit: number; cursor?: Record<string, string>; from?: string; to?: string },
): Promise<{ items: StoredTransaction[]; nextCursor: string | null }> {
  const range = page.from !== undefined && page.to !== undefined;
  const out = await doc.send(
    new QueryCommand({
      TableName: table,
      IndexName: byDateIndex,
      KeyConditionExpression: range ? 'pk = :pk AND #date BETWEEN :from AND :to' : 'pk = :pk',
      ...(range && { ExpressionAttributeNames: { '#date': 'date' } }),
      ExpressionAttributeValues: {
        ':pk': keys.modelPk(modelId),
        ...(range && { ':from': page.from, ':to': page.to }),
      },
      ScanIndexForward: false,
      Limit: page.limit,
      ...(page.cursor && { ExclusiveStartKey: page.cursor }),
    }),
  );
  const items: StoredTransaction[] = [];
  for (const item of out.Items ?? []) {
    const parsed = StoredTransactionSchema.safeParse(item);
    if (parsed.success) items.push(parsed.data);
  }
  return { items, nextCursor: encodeCursor(out.LastEvaluatedKey) };
}

/**
 * A model's rows dated in `[from, to]`, newest first, one Query page at a time: the next
 * Query runs only when the consumer asks for the next page (CSV exports of any length).
 */
export async function* transactionPages(
  doc: DynamoDBDocumentClient,
  table: string,
  modelId: string,
  range: { from: string; to: string; pageSize: number },
): AsyncGenerator<StoredTransaction[]> {
  let cursor: Record<string, string> | undefined;
  do {
    const page = await readTransactionsPage(doc, table, modelId, {
      limit: range.pageSize,
      from: range.from,
      to: range.to,
      ...(cursor && { cursor }),
    });
    yield page.items;
    cursor = page.nextCursor ? decodeCursor(page.nextCursor) : undefined;
  } while (cursor);
}
