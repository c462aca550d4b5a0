import { type DynamoDBDocumentClient, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { keyId, mergeDeltas, type TotalsItemDelta } from '../../domain/aggregate';
import type { Clock } from '../../domain/ports';
import type { ApplyOutcome, RecordDeltas, TotalsApplier, TotalsCounterWriter } from '../../domain/totals-ports';
import { AGENCY_SHARDS, keys } from '../../shared/tables';

export type { ApplyOutcome, RecordDeltas } from '../../domain/totals-ports';

export interface TotalsStoreOptions {
  /** TransactWriteItems item limit. @default 100 */
  maxItemsPerTransaction?: number;
  /** Attempts per transaction on conflicts/throttling (duplicate drops do not count). @default 5 */
  maxAttempts?: number;
  /** Marker lifetime; past the stream's 24 h retention. @default 48 h */
  markerTtlSeconds?: number;
  /** Base backoff between attempts. @default 50 */
  backoffMs?: number;
  /**
   * Shards of the agency items this store spreads its writes over (1 = every writer on the same
   * items, the layout before sharding; readers always sum every shard). @default AGENCY_SHARDS
   */
  agencyShards?: number;
  /** Picks a shard in [0, n): the start shard and the move after a conflict. @default Math.random */
  random?: () => number;
}

const RETRYABLE_REASONS = new Set([
  'TransactionConflict',
  'ThrottlingError',
  'ProvisionedThroughputExceeded',
  'RequestLimitExceeded',
  'InternalServerError',
]);

interface Chunk {
  indexes: number[];
}

/**
 * Writes totals. Each record's counter `ADD`s are committed in the same
 * TransactWriteItems as a marker `MARKER#<eventID>` put with
 * `attribute_not_exists(pk)`: a record is either applied together with its
 * marker or not at all, and a redelivered record finds its marker and is
 * skipped. Deltas of the records in one transaction are grouped per totals
 * item, so a hot agency item gets one write per transaction, not per record.
 *
 * Agency items are written to this store's shard of them (see `AGENCY_SHARDS`):
 * aggregators of different stream shards add to an agency at the same time, and
 * DynamoDB cancels a transaction that touches an item another one is writing;
 * after such a TransactionConflict the store moves to another shard before it
 * retries, so concurrent writers spread out instead of colliding again.
 */
export class TotalsStore implements TotalsApplier, TotalsCounterWriter {
  private readonly maxItems: number;
  private readonly maxAttempts: number;
  private readonly ttl: number;
  private readonly backoffMs: number;
  private readonly shards: number;
  private readonly random: () => number;
  /** The agency shard this store writes to now. */
  private shard: number;

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: Clock,
    options: TotalsStoreOptions = {},
  ) {
    this.maxItems = options.maxItemsPerTransaction ?? 100;
    this.maxAttempts = options.maxAttempts ?? 5;
    this.ttl = options.markerTtlSeconds ?? 48 * 3600;
    this.backoffMs = options.backoffMs ?? 50;
    this.shards = Math.max(1, Math.min(AGENCY_SHARDS, options.agencyShards ?? AGENCY_SHARDS));
    this.random = options.random ?? Math.random;
    this.shard = Math.floor(this.random() * this.shards);
  }

  /** Where a logical totals key is written: agency items go to this store's shard. */
  private physicalPk(pk: string): string {
    return pk.startsWith(keys.agencyPk('')) ? keys.agencyShardPk(pk, this.shard) : pk;
  }

  /** After a conflict: another shard than the contended one (when there is one). */
  private moveShard(): void {
    if (this.shards > 1) this.shard = (this.shard + 1 + Math.floor(this.random() * (this.shards - 1))) % this.shards;
  }

  /** Applies records in order, in as few transactions as fit; stops at the first transaction that cannot be written. */
  async applyRecords(records: readonly RecordDeltas[]): Promise<ApplyOutcome> {
    const outcome: ApplyOutcome = { applied: [], duplicates: [] };
    for (const chunk of this.pack(records)) {
      try {
        const { applied, duplicates } = await this.writeChunk(records, chunk.indexes);
        outcome.applied.push(...applied);
        outcome.duplicates.push(...duplicates);
      } catch (error) {
        outcome.failedFrom = chunk.indexes[0];
        outcome.error = error;
        return outcome;
      }
    }
    return outcome;
  }

  /** Adds `counters` to one totals item outside any marker (reconciliation repairs). */
  async addCounters(delta: TotalsItemDelta): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: delta.key.pk, sk: delta.key.sk },
        ...this.updateParts(delta),
      }),
    );
  }

  /** Greedy packing: one record's marker and all its (grouped) updates always share a transaction. */
  private pack(records: readonly RecordDeltas[]): Chunk[] {
    const chunks: Chunk[] = [];
    let current: Chunk = { indexes: [] };
    let itemKeys = new Set<string>();
    records.forEach((record, index) => {
      const fresh = new Set(record.deltas.map((d) => keyId(d.key)).filter((id) => !itemKeys.has(id)));
      if (current.indexes.length > 0 && current.indexes.length + 1 + itemKeys.size + fresh.size > this.maxItems) {
        chunks.push(current);
        current = { indexes: [] };
        itemKeys = new Set();
      }
      current.indexes.push(index);
      for (const d of record.deltas) itemKeys.add(keyId(d.key));
    });
    if (current.indexes.length > 0) chunks.push(current);
    return chunks;
  }

  private async writeChunk(
    records: readonly RecordDeltas[],
    indexes: number[],
  ): Promise<{ applied: number[]; duplicates: number[] }> {
    const duplicates: number[] = [];
    let remaining = indexes;
    for (let attempt = 1; ; ) {
      if (remaining.length === 0) return { applied: [], duplicates };
      const now = this.clock.now();
      const updates = mergeDeltas(remaining.flatMap((i) => records[i]?.deltas ?? []));
      const markers = remaining.map((i) => ({
        Put: {
          TableName: this.tableName,
          Item: {
            pk: keys.markerPk(records[i]?.eventID ?? ''),
            sk: keys.markerSk,
            expiresAt: Math.floor(now / 1000) + this.ttl,
            appliedAt: new Date(now).toISOString(),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      }));
      const updateItems = updates.map((d) => ({
        Update: {
          TableName: this.tableName,
          Key: { pk: this.physicalPk(d.key.pk), sk: d.key.sk },
          ...this.updateParts(d),
        },
      }));
      try {
        await this.doc.send(new TransactWriteCommand({ TransactItems: [...markers, ...updateItems] }));
        return { applied: remaining, duplicates };
      } catch (error) {
        const reasons = cancellationReasons(error);
        if (!reasons) throw error;
        // Markers come first, so reason i < markers.length belongs to record remaining[i].
        const seen = remaining.filter((_, i) => reasons[i] === 'ConditionalCheckFailed');
        if (seen.length > 0) {
          duplicates.push(...seen);
          remaining = remaining.filter((i) => !seen.includes(i));
          continue;
        }
        const retryable = reasons.every((r) => r === 'None' || r === undefined || RETRYABLE_REASONS.has(r));
        if (!retryable || attempt >= this.maxAttempts) throw error;
        if (reasons.includes('TransactionConflict')) this.moveShard();
        attempt += 1;
        await new Promise((r) => setTimeout(r, this.backoffMs * 2 ** (attempt - 2) * (0.5 + Math.random())));
      }
    }
  }

  private updateParts(d: TotalsItemDelta): {
    UpdateExpression: string;
    ExpressionAttributeNames: Record<string, string>;
    ExpressionAttributeValues: Record<string, unknown>;
  } {
    const names: Record<string, string> = { '#u': 'updatedAt' };
    const values: Record<string, unknown> = { ':u': new Date(this.clock.now()).toISOString() };
    const adds = Object.entries(d.counters).map(([name, value], i) => {
      names[`#c${i}`] = name;
      values[`:c${i}`] = value;
      return `#c${i} :c${i}`;
    });
    const sets = ['#u = :u'];
    if (d.modelId !== undefined) {
      names['#m'] = 'modelId';
      values[':m'] = d.modelId;
      sets.push('#m = :m');
    }
    if (d.agencyId !== undefined) {
      names['#a'] = 'agencyId';
      values[':a'] = d.agencyId;
      sets.push('#a = :a');
    }
    const add = adds.length > 0 ? `ADD ${adds.join(', ')} ` : '';
    return {
      UpdateExpression: `${add}SET ${sets.join(', ')}`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    };
  }
}

/** Cancellation reason codes of a TransactionCanceledException, or undefined for any other error. */
function cancellationReasons(error: unknown): (string | undefined)[] | undefined {
  if (!(error instanceof Error) || error.name !== 'TransactionCanceledException') return undefined;
  const reasons = (error as Error & { CancellationReasons?: { Code?: string }[] }).CancellationReasons;
  return (reasons ?? []).map((r) => r.Code);
}
