import { type DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { countersOfItem, keyId, type TotalsKey } from '../../lambdas/domain/aggregate';

/** Every totals item of a table (markers excluded) as counters, keyed by `keyId`. Strongly consistent scan. */
export async function readTotalsTable(
  doc: DynamoDBDocumentClient,
  table: string,
): Promise<Map<string, { key: TotalsKey; counters: Record<string, number> }>> {
  const out = new Map<string, { key: TotalsKey; counters: Record<string, number> }>();
  let start: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start, ConsistentRead: true }));
    for (const item of page.Items ?? []) {
      if (String(item.pk).startsWith('MARKER#')) continue;
      const key = { pk: String(item.pk), sk: String(item.sk) };
      out.set(keyId(key), { key, counters: countersOfItem(item) });
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return out;
}
