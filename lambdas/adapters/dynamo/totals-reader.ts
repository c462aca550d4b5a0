import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { countersOfItem, keyId } from '../../domain/aggregate';
import type { TotalsItemCounters, TotalsSourceReader } from '../../domain/totals-ports';
import { type StoredTransaction, StoredTransactionSchema } from '../../domain/transaction';
import { keys } from '../../shared/tables';

export type { TotalsItemCounters } from '../../domain/totals-ports';

/** Reads for reconciliation: one model's transactions, one scope's totals items. Strongly consistent. */
export class TotalsReader implements TotalsSourceReader {
  /** Items read so far (for the benchmark's "items read" figure). */
  itemsRead = 0;

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tables: { transactions: string; totals: string },
  ) {}

  /** Every stored transaction of a model (Query by pk, all pages), zod-parsed. */
  async transactionsOf(modelId: string): Promise<StoredTransaction[]> {
    const out: StoredTransaction[] = [];
    for await (const item of this.query(this.tables.transactions, keys.modelPk(modelId)))
      out.push(StoredTransactionSchema.parse(item));
    return out;
  }

  /** Every totals item under `pk` (TOTAL and ZDAY#...), keyed by `keyId`; an agency's shards summed into one. */
  async totalsOf(pk: string): Promise<Map<string, TotalsItemCounters>> {
    const out = new Map<string, TotalsItemCounters>();
    const physical = pk.startsWith(keys.agencyPk('')) ? keys.agencyShardPks(pk) : [pk];
    for (const shardPk of physical) {
      for await (const item of this.query(this.tables.totals, shardPk)) {
        const key = { pk, sk: String(item.sk) };
        const counters = countersOfItem(item);
        const seen = out.get(keyId(key));
        if (seen)
          for (const [name, v] of Object.entries(counters)) seen.counters[name] = (seen.counters[name] ?? 0) + v;
        else out.set(keyId(key), { key, counters });
      }
    }
    return out;
  }

  private async *query(table: string, pk: string): AsyncGenerator<Record<string, unknown>> {
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': pk },
          ConsistentRead: true,
          ExclusiveStartKey,
        }),
      );
      this.itemsRead += page.Items?.length ?? 0;
      yield* page.Items ?? [];
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
  }
}
