import { type DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { countersOfItem, keyId, type TotalsKey } from '../../lambdas/domain/aggregate';
import { keys } from '../../lambdas/shared/tables';

/** Every totals item of a table (markers excluded, an agency's shards summed) as counters, keyed by `keyId`. Strongly consistent scan. */
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
      const key = { pk: keys.logicalTotalsPk(String(item.pk)), sk: String(item.sk) };
      const counters = countersOfItem(item);
      const seen = out.get(keyId(key));
      if (seen) for (const [name, v] of Object.entries(counters)) seen.counters[name] = (seen.counters[name] ?? 0) + v;
      else out.set(keyId(key), { key, counters });
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return out;
}
