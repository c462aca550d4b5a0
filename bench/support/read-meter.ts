import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** What one stretch of requests read from DynamoDB: machine-independent figures for the read benchmarks. */
export interface ReadMeasure {
  /** DynamoDB requests sent. */
  calls: number;
  /** Bytes of the items returned, by DynamoDB's item-size rules (what read capacity is charged on). */
  itemBytes: number;
  /** Read capacity units DynamoDB reported (`ReturnConsumedCapacity: TOTAL` on every read). */
  readUnits: number;
}

const READS = new Set(['GetItemCommand', 'BatchGetItemCommand', 'QueryCommand', 'ScanCommand']);

/**
 * Meters every request of `client` (SDK middleware, benchmarks only): asks DynamoDB for the
 * consumed capacity of each read and adds up calls, item bytes and read units until reset.
 */
export function meterReads(client: DynamoDBClient): { take(): ReadMeasure; reset(): void } {
  let m: ReadMeasure = { calls: 0, itemBytes: 0, readUnits: 0 };
  // Metering costs CPU (every item's size is computed): only between reset() and take(), so the
  // timed requests of a benchmark carry none of it.
  let on = false;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (on && READS.has(String(context.commandName))) {
        const input = args.input as Record<string, unknown>;
        input.ReturnConsumedCapacity = 'TOTAL';
      }
      return next(args);
    },
    { step: 'initialize', name: 'benchAskConsumedCapacity' },
  );
  client.middlewareStack.add(
    (next) => async (args) => {
      const result = await next(args);
      if (!on) return result;
      // Here (outside the document client's unmarshalling) the items are plain values.
      const out = result.output as {
        Item?: Record<string, unknown>;
        Items?: Record<string, unknown>[];
        Responses?: Record<string, Record<string, unknown>[]>;
      };
      m.calls += 1;
      for (const item of [
        ...(out.Item ? [out.Item] : []),
        ...(out.Items ?? []),
        ...Object.values(out.Responses ?? {}).flat(),
      ])
        m.itemBytes += dynamoItemBytes(item);
      return result;
    },
    { step: 'build', name: 'benchItemBytes' },
  );
  client.middlewareStack.add(
    (next) => async (args) => {
      const result = await next(args);
      if (!on) return result;
      const consumed = (result.output as { ConsumedCapacity?: unknown }).ConsumedCapacity;
      for (const c of Array.isArray(consumed) ? consumed : consumed ? [consumed] : [])
        m.readUnits += Number((c as { CapacityUnits?: number }).CapacityUnits ?? 0);
      return result;
    },
    { step: 'initialize', name: 'benchReadUnits', priority: 'high' },
  );
  return {
    /** What was read since `reset()`; metering stops until the next reset. */
    take: () => {
      on = false;
      return { ...m };
    },
    /** Starts metering from zero. */
    reset: () => {
      m = { calls: 0, itemBytes: 0, readUnits: 0 };
      on = true;
    },
  };
}

/**
 * Size of an item by DynamoDB's rules (attribute names count; strings in UTF-8 bytes; a number
 * about 1 byte per 2 significant digits + 1), as a plain JS item of strings and numbers. The
 * 400 KB item limit applies to this figure.
 */
export function dynamoItemBytes(item: Record<string, unknown>): number {
  let size = 0;
  for (const [name, value] of Object.entries(item)) {
    size += Buffer.byteLength(name);
    if (typeof value === 'string') size += Buffer.byteLength(value);
    else if (typeof value === 'number') {
      const digits = String(Math.abs(value)).replace('.', '').replace(/^0+/, '').replace(/0+$/, '').length;
      size += Math.ceil(Math.max(1, digits) / 2) + 1;
    } else if (typeof value === 'boolean' || value === null) size += 1;
    else size += Buffer.byteLength(JSON.stringify(value));
  }
  return size;
}
