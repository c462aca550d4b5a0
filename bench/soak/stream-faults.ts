import type { DynamoDBBatchResponse, DynamoDBRecord } from 'aws-lambda';
import type { Rng } from '../../local/fanvue-simulator/prng';
import type { StreamBatchHandler } from '../../local/stream-poller';

/** Per-batch probabilities of the stream faults. */
export interface StreamFaultSettings {
  /** Some records of the batch delivered twice. */
  duplicate: number;
  /** The batch's records shuffled (order across and within items is not kept). */
  reorder: number;
  /** Records of an earlier, already applied batch delivered again. */
  replay: number;
  /** The aggregator dies mid-batch: a prefix is applied, then the invocation fails. */
  crash: number;
}

export const NO_STREAM_FAULTS: StreamFaultSettings = { duplicate: 0, reorder: 0, replay: 0, crash: 0 };

export interface StreamFaultCounts {
  duplicatedRecords: number;
  reorderedBatches: number;
  replayedRecords: number;
  aggregatorCrashes: number;
}

/** The injected death of an aggregator invocation. */
export class AggregatorCrash extends Error {
  constructor() {
    super('aggregator crashed mid-batch (injected)');
    this.name = 'AggregatorCrash';
  }
}

const seq = (r: DynamoDBRecord) => r.dynamodb?.SequenceNumber ?? '';
/** A stream shard holds whole partitions: every record of a model (its pk) goes to the same aggregator. */
const partitionOf = (r: DynamoDBRecord) => JSON.stringify(r.dynamodb?.Keys?.pk ?? {});

function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/**
 * Wraps several aggregator instances (one per simulated stream shard, each with
 * its own client under the conflict model) into the one handler the stream
 * poller calls, and injects delivery faults from the seed. Records are split by
 * partition key (model) across the instances, which run at once, as shards do in AWS; failures
 * are mapped back onto the poller's batch (from the earliest failed record on).
 */
export function faultyAggregators(options: {
  instances: readonly StreamBatchHandler[];
  rng: Rng;
  settings: () => StreamFaultSettings;
  counts: StreamFaultCounts;
}): StreamBatchHandler {
  const { instances, rng, counts } = options;
  /** Recently applied records, for replays. */
  const applied: DynamoDBRecord[] = [];
  const remember = (records: readonly DynamoDBRecord[]) => {
    applied.push(...records);
    applied.splice(0, Math.max(0, applied.length - 500));
  };

  return async (event): Promise<DynamoDBBatchResponse> => {
    const original = event.Records;
    const s = options.settings();
    let records = [...original];
    if (records.length > 0 && rng.chance(s.duplicate)) {
      for (let n = rng.int(1, 3); n > 0; n--) {
        records.splice(rng.int(0, records.length), 0, rng.pick(original));
        counts.duplicatedRecords += 1;
      }
    }
    if (applied.length > 0 && rng.chance(s.replay)) {
      for (let n = rng.int(1, 5); n > 0; n--) records.push(rng.pick(applied));
      counts.replayedRecords += 1;
    }
    if (rng.chance(s.reorder)) {
      for (let i = records.length - 1; i > 0; i--) {
        const j = rng.int(0, i);
        [records[i], records[j]] = [records[j] as DynamoDBRecord, records[i] as DynamoDBRecord];
      }
      counts.reorderedBatches += 1;
    }
    const crash = records.length > 0 && rng.chance(s.crash);
    if (crash) records = records.slice(0, rng.int(0, records.length - 1));

    const groups = instances.map(() => [] as DynamoDBRecord[]);
    for (const r of records) groups[hash(partitionOf(r)) % groups.length]?.push(r);
    const results = await Promise.all(
      groups.map((g, i) => (g.length > 0 ? instances[i]?.({ Records: g }) : undefined)),
    );
    if (crash) {
      counts.aggregatorCrashes += 1;
      throw new AggregatorCrash();
    }
    const failed = new Set(results.flatMap((r) => r?.batchItemFailures?.map((f) => f.itemIdentifier) ?? []));
    const first = original.findIndex((r) => failed.has(seq(r)));
    remember(first < 0 ? original : original.slice(0, first));
    if (first < 0) return { batchItemFailures: [] };
    return { batchItemFailures: original.slice(first).map((r) => ({ itemIdentifier: seq(r) })) };
  };
}
