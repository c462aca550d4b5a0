import {
  type AttributeValue,
  type DynamoDBClient,
  TransactionCanceledException,
  TransactionConflictException,
} from '@aws-sdk/client-dynamodb';

/**
 * A model of DynamoDB's transaction conflicts for tests and benchmarks only.
 *
 * DynamoDB Local serializes transactions, so concurrent writers never see the
 * TransactionConflict cancellations that DynamoDB in AWS returns when a
 * TransactWriteItems touches an item another transaction is writing. This SDK
 * middleware, attached to any number of clients in one process (one per
 * simulated Lambda instance), tracks in-flight TransactWriteItems per item key
 * and cancels one that touches an item another in-flight transaction holds,
 * with the error AWS returns: `TransactionCanceledException` whose
 * `CancellationReasons` has one entry per item, `TransactionConflict` for the
 * contended ones and `None` for the rest. A single-item write (PutItem,
 * UpdateItem, DeleteItem) on a held item fails with
 * `TransactionConflictException`, as in AWS.
 */

/** Counters of what the model saw. */
export interface ConflictStats {
  /** TransactWriteItems requests seen (cancelled ones included). */
  transactions: number;
  /** TransactWriteItems cancelled with TransactionConflict. */
  cancelled: number;
  /** Single-item writes refused with TransactionConflictException. */
  singleWritesRefused: number;
  /** Most transactions in flight at once. */
  maxInFlight: number;
}

export interface ConflictModel {
  /** Adds the middleware to a client (and so to every DocumentClient built from it). */
  attach(client: DynamoDBClient): void;
  stats(): ConflictStats;
  /** Starts counting from zero (held items are kept). */
  resetStats(): void;
}

export interface ConflictModelOptions {
  /** Attributes that make an item's key (every table here uses `pk` + `sk`). @default ['pk', 'sk'] */
  keyAttributes?: readonly string[];
  /** Refuse single-item writes on an item a transaction holds. @default true */
  singleWrites?: boolean;
}

type Item = Record<string, AttributeValue>;
interface TransactEntry {
  Put?: { TableName?: string; Item?: Item };
  Update?: { TableName?: string; Key?: Item };
  Delete?: { TableName?: string; Key?: Item };
  ConditionCheck?: { TableName?: string; Key?: Item };
}

const SINGLE_WRITES = new Set(['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand']);

/** Creates one conflict model; attach it to every client whose writers may overlap. */
export function createConflictModel(options: ConflictModelOptions = {}): ConflictModel {
  const keyAttributes = options.keyAttributes ?? ['pk', 'sk'];
  const singleWrites = options.singleWrites ?? true;
  /** Item key -> id of the transaction writing it. */
  const held = new Map<string, number>();
  let nextId = 1;
  let inFlight = 0;
  let stats: ConflictStats = { transactions: 0, cancelled: 0, singleWritesRefused: 0, maxInFlight: 0 };

  const itemKey = (table: string | undefined, item: Item | undefined): string =>
    `${table ?? ''}|${keyAttributes.map((a) => JSON.stringify(item?.[a] ?? null)).join('|')}`;

  const entryKey = (e: TransactEntry): string => {
    if (e.Put) return itemKey(e.Put.TableName, e.Put.Item);
    const op = e.Update ?? e.Delete ?? e.ConditionCheck;
    return itemKey(op?.TableName, op?.Key);
  };

  async function transact<T>(entries: TransactEntry[], next: () => Promise<T>): Promise<T> {
    stats.transactions += 1;
    const itemKeys = entries.map(entryKey);
    const contended = itemKeys.map((k) => held.has(k));
    if (contended.some(Boolean)) {
      stats.cancelled += 1;
      const codes = contended.map((c) => (c ? 'TransactionConflict' : 'None'));
      throw new TransactionCanceledException({
        message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${codes.join(', ')}]`,
        $metadata: { httpStatusCode: 400 },
        CancellationReasons: contended.map((c) =>
          c ? { Code: 'TransactionConflict', Message: 'Transaction is ongoing for the item' } : { Code: 'None' },
        ),
      });
    }
    const id = nextId++;
    for (const k of itemKeys) held.set(k, id);
    inFlight += 1;
    stats.maxInFlight = Math.max(stats.maxInFlight, inFlight);
    try {
      return await next();
    } finally {
      inFlight -= 1;
      for (const k of itemKeys) if (held.get(k) === id) held.delete(k);
    }
  }

  return {
    attach(client) {
      client.middlewareStack.add(
        (next, context) => async (args) => {
          const input = args.input as { TransactItems?: TransactEntry[]; TableName?: string; Key?: Item; Item?: Item };
          if (context.commandName === 'TransactWriteItemsCommand' && input.TransactItems)
            return transact(input.TransactItems, () => next(args));
          if (singleWrites && SINGLE_WRITES.has(String(context.commandName))) {
            const key = itemKey(input.TableName, input.Key ?? input.Item);
            if (held.has(key)) {
              stats.singleWritesRefused += 1;
              throw new TransactionConflictException({
                message: 'Transaction is ongoing for the item',
                $metadata: { httpStatusCode: 400 },
              });
            }
          }
          return next(args);
        },
        // After serialization the input is in wire form (AttributeValue maps) for document and plain clients alike.
        { step: 'build', name: 'transactionConflictModel', override: true },
      );
    },
    stats: () => ({ ...stats }),
    resetStats() {
      stats = { transactions: 0, cancelled: 0, singleWritesRefused: 0, maxInFlight: inFlight };
    },
  };
}
