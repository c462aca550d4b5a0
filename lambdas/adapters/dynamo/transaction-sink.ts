import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { TransactionSink, TransactionSinkOptions } from '../../domain/sync-ports';
import type { StoredTransaction } from '../../domain/transaction';
import { HeartbeatError } from '../../shared/errors';
import { keys } from '../../shared/tables';

const sleepMs = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Writes transactions with BatchWriteItem (25 per request), retrying
 * unprocessed items with capped backoff. Puts are idempotent: an unchanged
 * item is rewritten as itself and emits no stream record.
 */
export function dynamoTransactionSink(
  doc: DynamoDBDocumentClient,
  tableName: string,
  options: TransactionSinkOptions = {},
): TransactionSink {
  const maxAttempts = options.maxAttempts ?? 8;
  const baseDelayMs = options.baseDelayMs ?? 50;
  const sleep = options.sleep ?? sleepMs;
  async function writeChunk(chunk: StoredTransaction[]): Promise<void> {
    let requests = chunk.map((row) => ({ PutRequest: { Item: toItem(row) } }));
    for (let attempt = 1; requests.length > 0; attempt++) {
      if (attempt > maxAttempts)
        throw new HeartbeatError(
          'store_unavailable',
          `could not write ${requests.length} transactions after ${maxAttempts} attempts`,
        );
      if (attempt > 1) await sleep(Math.min(2_000, baseDelayMs * 2 ** (attempt - 2)) * (0.5 + Math.random() / 2));
      options.onWrite?.(requests.length);
      const out = await doc.send(new BatchWriteCommand({ RequestItems: { [tableName]: requests } }));
      requests = (out.UnprocessedItems?.[tableName] ?? []) as typeof requests;
    }
  }
  return {
    async put(rows) {
      // The same key twice in one batch is rejected by DynamoDB; the later row wins.
      const unique = [...new Map(rows.map((r) => [r.txKey, r])).values()];
      const chunks: StoredTransaction[][] = [];
      for (let i = 0; i < unique.length; i += 25) chunks.push(unique.slice(i, i + 25));
      // A page's chunks go out together; the page counts as written only when all are.
      await Promise.all(chunks.map((chunk) => writeChunk(chunk)));
    },
  };
}

function toItem(row: StoredTransaction): Record<string, unknown> {
  return { pk: keys.modelPk(row.modelId), sk: keys.txSk(row.txKey), ...row };
}
