import {
  DescribeStreamCommand,
  type DynamoDBStreamsClient,
  GetRecordsCommand,
  type GetRecordsCommandOutput,
  GetShardIteratorCommand,
  type Shard,
  type AttributeValue as StreamsAttributeValue,
  type _Record as StreamsRecord,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent, StreamRecord } from 'aws-lambda';
import { type AppLogger, silentLogger } from '../lambdas/shared/logger';

/**
 * The local stand-in for Lambda's DynamoDB event source mapping: walks the
 * stream's shards (parents before children), hands batches to the same
 * aggregate handler in Lambda's `DynamoDBStreamEvent` shape, and honours
 * `batchItemFailures` (ReportBatchItemFailures): records before the first
 * reported one are done, the batch is retried from it, and after `maxRetries`
 * retries of the same first-failed record that record goes to `onFailure`
 * (the on-failure destination) and the shard moves on. Nothing loops forever.
 *
 * Written for DynamoDB Local, whose records are visible on the first
 * GetRecords; an empty GetRecords is taken to mean "caught up".
 */

/** The handler contract: Lambda's stream handler with ReportBatchItemFailures. */
export type StreamBatchHandler = (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse | undefined>;

export interface StreamPollerOptions {
  /** A DynamoDBStreamsClient pointed at DynamoDB Local. */
  streamsClient: DynamoDBStreamsClient;
  streamArn: string;
  handler: StreamBatchHandler;
  /** Most records per handler invocation. @default 100 */
  batchSize?: number;
  /** How long to keep gathering records for a batch that is not full (Lambda's batching window). @default 0 */
  batchWindowMs?: number;
  /** Sleep between polls when the stream is caught up. @default 200 */
  pollIntervalMs?: number;
  /** Retries of the same first-failed record before it goes to `onFailure`. @default 3 */
  maxRetries?: number;
  /** Pause before retrying a failed batch. @default 20 */
  retryDelayMs?: number;
  /** Where a new shard starts (Lambda's StartingPosition). @default 'TRIM_HORIZON' */
  startingPosition?: 'TRIM_HORIZON' | 'LATEST';
  /** The on-failure destination: receives the record given up on and why. @default drops (after a log line) */
  onFailure?: (record: DynamoDBRecord, reason: string) => void | Promise<void>;
  logger?: AppLogger;
}

/** Counters for tests and benchmarks. */
export interface StreamPollerStats {
  shards: number;
  batches: number;
  recordsReceived: number;
  recordsSucceeded: number;
  retries: number;
  sentToFailure: number;
  lastError?: string;
}

export interface StreamPoller {
  /** Stops polling after the current step; resolves when the loop has exited. */
  stop(): Promise<void>;
  /** Resolves once every record in the stream when it was called has been processed (or given up on). */
  drain(timeoutMs?: number): Promise<void>;
  stats(): StreamPollerStats;
}

interface ShardState {
  id: string;
  parentId?: string;
  iterator?: string;
  /** Last sequence number read from the shard (resume point if the iterator is lost). */
  lastFetched?: string;
  /** The shard is closed and everything in it has been handled. */
  finished: boolean;
  pending: DynamoDBRecord[];
  failing?: { sequenceNumber: string; failures: number };
}

/** Starts the poll loop; see the module comment for the semantics. */
export function startStreamPoller(options: StreamPollerOptions): StreamPoller {
  const { streamsClient: client, streamArn, handler } = options;
  const batchSize = options.batchSize ?? 100;
  const batchWindowMs = options.batchWindowMs ?? 0;
  const pollIntervalMs = options.pollIntervalMs ?? 200;
  const maxRetries = options.maxRetries ?? 3;
  const retryDelayMs = options.retryDelayMs ?? 20;
  const log = options.logger ?? silentLogger;
  const shards = new Map<string, ShardState>();
  const stats: StreamPollerStats = {
    shards: 0,
    batches: 0,
    recordsReceived: 0,
    recordsSucceeded: 0,
    retries: 0,
    sentToFailure: 0,
  };
  const waiters: { after: number; resolve: () => void; reject: (e: Error) => void }[] = [];
  let stopped = false;
  let cycle = 0;
  let wake: (() => void) | undefined;

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        wake = undefined;
        resolve();
      }, ms);
      wake = () => {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      };
    });

  async function refreshShards(): Promise<void> {
    let start: string | undefined;
    do {
      const out = await client.send(new DescribeStreamCommand({ StreamArn: streamArn, ExclusiveStartShardId: start }));
      for (const s of out.StreamDescription?.Shards ?? []) addShard(s);
      start = out.StreamDescription?.LastEvaluatedShardId;
    } while (start);
    stats.shards = shards.size;
  }

  function addShard(s: Shard): void {
    if (!s.ShardId || shards.has(s.ShardId)) return;
    shards.set(s.ShardId, { id: s.ShardId, parentId: s.ParentShardId, finished: false, pending: [] });
  }

  /** A child shard waits until its parent (if we know it) is finished, so a row's changes stay in order. */
  function ready(shard: ShardState): boolean {
    const parent = shard.parentId ? shards.get(shard.parentId) : undefined;
    return !shard.finished && (!parent || parent.finished);
  }

  async function fill(shard: ShardState): Promise<void> {
    if (!shard.iterator) {
      const position = shard.lastFetched
        ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER' as const, SequenceNumber: shard.lastFetched }
        : { ShardIteratorType: options.startingPosition ?? 'TRIM_HORIZON' };
      const out = await client.send(
        new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: shard.id, ...position }),
      );
      shard.iterator = out.ShardIterator;
      if (!shard.iterator) return;
    }
    const windowEnds = Date.now() + batchWindowMs;
    while (shard.iterator && shard.pending.length < batchSize && !stopped) {
      const out: GetRecordsCommandOutput = await client.send(
        new GetRecordsCommand({
          ShardIterator: shard.iterator,
          Limit: Math.min(1000, batchSize - shard.pending.length),
        }),
      );
      shard.iterator = out.NextShardIterator;
      const records = (out.Records ?? []).map((r) => toLambdaRecord(r, streamArn));
      shard.pending.push(...records);
      stats.recordsReceived += records.length;
      const last = records.at(-1)?.dynamodb?.SequenceNumber;
      if (last) shard.lastFetched = last;
      if (records.length === 0) {
        const left = windowEnds - Date.now();
        if (shard.pending.length === 0 || left <= 0) break;
        await sleep(Math.min(left, pollIntervalMs));
      }
    }
  }

  /** Index of the first reported record, or 0 when an identifier is not in the batch (Lambda then retries the whole batch). */
  function firstFailed(batch: DynamoDBRecord[], response: DynamoDBBatchResponse | undefined): number | undefined {
    const ids = response?.batchItemFailures?.map((f) => f.itemIdentifier) ?? [];
    if (ids.length === 0) return undefined;
    const positions = ids.map((id) => batch.findIndex((r) => r.dynamodb?.SequenceNumber === id));
    return positions.some((p) => p < 0) ? 0 : Math.min(...positions);
  }

  async function deliver(shard: ShardState): Promise<void> {
    const batch = shard.pending.slice(0, batchSize);
    stats.batches += 1;
    let failedAt: number | undefined;
    let reason = '';
    try {
      failedAt = firstFailed(batch, await handler({ Records: batch }));
      reason = 'reported in batchItemFailures';
    } catch (error) {
      failedAt = 0;
      reason = `handler threw: ${error instanceof Error ? error.message : String(error)}`;
    }
    const done = failedAt ?? batch.length;
    shard.pending.splice(0, done);
    stats.recordsSucceeded += done;
    if (failedAt === undefined) return;
    const head = shard.pending[0];
    const seq = head?.dynamodb?.SequenceNumber ?? '';
    shard.failing =
      shard.failing?.sequenceNumber === seq
        ? { sequenceNumber: seq, failures: shard.failing.failures + 1 }
        : { sequenceNumber: seq, failures: 1 };
    if (head && shard.failing.failures > maxRetries) {
      const why = `${reason}; gave up after ${shard.failing.failures} attempts (maxRetries ${maxRetries})`;
      log.error('stream record sent to the on-failure destination', {
        eventID: head.eventID,
        sequenceNumber: seq,
        shardId: shard.id,
        reason: why,
      });
      shard.pending.shift();
      shard.failing = undefined;
      stats.sentToFailure += 1;
      await options.onFailure?.(head, why);
      return;
    }
    stats.retries += 1;
    log.warn('stream batch failed; retrying from the first failed record', {
      sequenceNumber: seq,
      shardId: shard.id,
      attempt: shard.failing.failures,
      reason,
    });
    await sleep(retryDelayMs);
  }

  /** One pass over every ready shard; true when any record was handled. */
  async function pass(): Promise<boolean> {
    await refreshShards();
    let worked = false;
    for (const shard of shards.values()) {
      if (stopped || !ready(shard)) continue;
      try {
        await fill(shard);
      } catch (error) {
        // Expired or trimmed iterator and the like: re-acquire it from the last read record next pass.
        shard.iterator = undefined;
        throw error;
      }
      if (shard.pending.length > 0) {
        await deliver(shard);
        worked = true;
      } else if (!shard.iterator) {
        shard.finished = true;
        worked = true;
      }
    }
    return worked;
  }

  const loop = (async () => {
    while (!stopped) {
      const current = ++cycle;
      try {
        if (await pass()) continue;
        for (const w of waiters.filter((x) => x.after < current)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve();
        }
      } catch (error) {
        stats.lastError = error instanceof Error ? error.message : String(error);
        // DynamoDB Local answers a fresh shard's first read this way; the iterator is re-acquired next pass.
        const expected = error instanceof Error && error.name === 'TrimmedDataAccessException';
        if (expected) log.info('stream poll failed; backing off', { error: stats.lastError });
        else log.warn('stream poll failed; backing off', { error: stats.lastError });
      }
      if (!stopped) await sleep(pollIntervalMs);
    }
    for (const w of waiters.splice(0)) w.reject(new Error('stream poller stopped before draining'));
  })();

  return {
    async stop() {
      stopped = true;
      wake?.();
      await loop;
    },
    drain(timeoutMs = 120_000) {
      if (stopped) return Promise.reject(new Error('stream poller is stopped'));
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`stream not drained within ${timeoutMs} ms`)), timeoutMs);
        waiters.push({
          after: cycle,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
          reject: (e) => {
            clearTimeout(timer);
            reject(e);
          },
        });
        wake?.();
      });
    },
    stats: () => ({ ...stats }),
  };
}

/** Lambda's record shape: epoch-second creation time, base64 binaries, the stream ARN as event source. */
function toLambdaRecord(r: StreamsRecord, streamArn: string): DynamoDBRecord {
  const d = r.dynamodb ?? {};
  const dynamodb = {
    ApproximateCreationDateTime: d.ApproximateCreationDateTime
      ? Math.floor(d.ApproximateCreationDateTime.getTime() / 1000)
      : undefined,
    Keys: toLambdaImage(d.Keys),
    NewImage: toLambdaImage(d.NewImage),
    OldImage: toLambdaImage(d.OldImage),
    SequenceNumber: d.SequenceNumber,
    SizeBytes: d.SizeBytes,
    StreamViewType: d.StreamViewType,
  } as StreamRecord;
  return {
    eventID: r.eventID,
    eventName: r.eventName,
    eventVersion: r.eventVersion,
    eventSource: r.eventSource ?? 'aws:dynamodb',
    awsRegion: r.awsRegion,
    eventSourceARN: streamArn,
    dynamodb,
  };
}

function toLambdaImage(image: Record<string, StreamsAttributeValue> | undefined): Record<string, unknown> | undefined {
  return image && Object.fromEntries(Object.entries(image).map(([k, v]) => [k, toLambdaValue(v)]));
}

function toLambdaValue(v: StreamsAttributeValue): unknown {
  if (v.B) return { B: Buffer.from(v.B).toString('base64') };
  if (v.BS) return { BS: v.BS.map((b) => Buffer.from(b).toString('base64')) };
  if (v.L) return { L: v.L.map(toLambdaValue) };
  if (v.M) return { M: toLambdaImage(v.M) };
  return v;
}
