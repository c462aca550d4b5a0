import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import {
  type ColumnLookup,
  deltaForChange,
  type TransactionChange,
  type ZoneLookup,
  zonesFrom,
} from '../domain/aggregate';
import type { AppLogger, CountMetrics } from '../domain/ports';
import { legacyColumns } from '../domain/totals';
import type { RecordDeltas, TotalsApplier } from '../domain/totals-ports';
import { StoredTransactionSchema } from '../domain/transaction';
import { ValidationError } from '../shared/errors';
import * as z from '../shared/zod';

export interface AggregateDeps {
  store: TotalsApplier;
  /** The agencies' time zones, read once per batch: records count in each zone's local day. */
  zones: ZoneLookup;
  /** The models' column ordinals in their agencies, read once per batch: names of their columns on the agency's days. */
  columns: ColumnLookup;
  logger: AppLogger;
  metrics: CountMetrics;
}

const ImageSchema = z.record(z.string(), z.unknown());

/** The part of a stream record the aggregator relies on. */
const StreamRecordSchema = z.object({
  eventID: z.string().check(z.minLength(1)),
  eventName: z.enum(['INSERT', 'MODIFY', 'REMOVE']),
  dynamodb: z.object({
    SequenceNumber: z.string().check(z.minLength(1)),
    NewImage: z.optional(ImageSchema),
    OldImage: z.optional(ImageSchema),
  }),
});

/** Parses one image: cast once at the boundary (Lambda's AttributeValue type differs from the SDK's), unmarshall, zod. */
function parseImage(image: Record<string, unknown> | undefined, which: string) {
  if (!image) throw new ValidationError(`${which} image missing`);
  const result = StoredTransactionSchema.safeParse(unmarshall(image as Record<string, AttributeValue>));
  if (!result.success) throw new ValidationError(`${which} image invalid:\n${z.prettifyError(result.error)}`);
  return result.data;
}

/** Turns a stream record into its eventID and row change; throws `ValidationError` for a poison record. */
export function recordChange(record: DynamoDBRecord): {
  eventID: string;
  sequenceNumber: string;
  change: TransactionChange;
} {
  const envelope = StreamRecordSchema.safeParse(record);
  if (!envelope.success) throw new ValidationError(`stream record invalid:\n${z.prettifyError(envelope.error)}`);
  const { eventID, eventName, dynamodb } = envelope.data;
  const oldImage = eventName === 'INSERT' ? undefined : parseImage(dynamodb.OldImage, 'old');
  const newImage = eventName === 'REMOVE' ? undefined : parseImage(dynamodb.NewImage, 'new');
  return { eventID, sequenceNumber: dynamodb.SequenceNumber, change: { eventName, oldImage, newImage } };
}

/**
 * Builds the aggregator: DynamoDB Stream batch of the transactions table ->
 * exactly-once counter deltas on the totals table.
 *
 * Every valid record is applied (in packed transactions, each record with its
 * marker); a poison record is logged and reported, and does not stop the valid
 * records before or after it from being applied. The response follows
 * ReportBatchItemFailures: the first failed record and every later one are
 * reported, because Lambda retries from the lowest reported sequence number;
 * records after it that were already applied are skipped as duplicates on
 * redelivery. A transaction that cannot be written stops the batch there.
 */
export function makeAggregateHandler(deps: AggregateDeps) {
  return async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
    const records = event.Records ?? [];
    const parsedRecords: (ReturnType<typeof recordChange> & { position: number })[] = [];
    const seen = new Set<string>();
    let firstFailed = records.length;
    let poison = 0;
    let duplicatesInBatch = 0;
    records.forEach((record, position) => {
      try {
        const parsed = recordChange(record);
        // The same eventID twice in one batch: the second is a redelivery (and one transaction cannot put one marker twice).
        if (seen.has(parsed.eventID)) {
          duplicatesInBatch += 1;
          return;
        }
        seen.add(parsed.eventID);
        parsedRecords.push({ ...parsed, position });
      } catch (error) {
        poison += 1;
        firstFailed = Math.min(firstFailed, position);
        deps.logger.error('poison stream record reported as failed', {
          eventID: record.eventID,
          sequenceNumber: record.dynamodb?.SequenceNumber,
          eventName: record.eventName,
          reason: error instanceof Error ? error.message : String(error),
        });
      }
    });

    // A failed zone read throws: Lambda retries the batch, and no record counts in the wrong zone.
    const agencyIds = parsedRecords.flatMap((r) =>
      [r.change.oldImage?.agencyId, r.change.newImage?.agencyId].filter((a): a is string => a !== undefined),
    );
    const zonesOf = zonesFrom(agencyIds.length > 0 ? await deps.zones(agencyIds) : new Map());
    // Likewise the column ordinals: a failed read retries the batch rather than writing legacy names.
    const models = parsedRecords.flatMap((r) =>
      [r.change.oldImage, r.change.newImage].flatMap((i) => (i ? [{ modelId: i.modelId, agencyId: i.agencyId }] : [])),
    );
    const columnOf = models.length > 0 ? await deps.columns(models) : legacyColumns;
    const valid: (RecordDeltas & { position: number })[] = parsedRecords.map((r) => ({
      eventID: r.eventID,
      sequenceNumber: r.sequenceNumber,
      position: r.position,
      deltas: deltaForChange(r.change, zonesOf, columnOf),
    }));
    const outcome = await deps.store.applyRecords(valid);
    if (outcome.failedFrom !== undefined) {
      const failed = valid[outcome.failedFrom];
      if (failed) firstFailed = Math.min(firstFailed, failed.position);
      deps.logger.error('totals transaction failed; reporting the rest of the batch', {
        eventID: failed?.eventID,
        error: outcome.error instanceof Error ? outcome.error.message : String(outcome.error),
      });
    }
    const duplicates = outcome.duplicates.length + duplicatesInBatch;
    deps.metrics.count('RecordsApplied', outcome.applied.length);
    deps.metrics.count('DuplicatesSkipped', duplicates);
    deps.metrics.count('PoisonRecords', poison);
    deps.metrics.flush();
    deps.logger.info('stream batch aggregated', {
      records: records.length,
      applied: outcome.applied.length,
      duplicates,
      poison,
      failedFrom: firstFailed < records.length ? firstFailed : undefined,
    });

    const batchItemFailures = records.slice(firstFailed).map((r) => {
      const seq = r.dynamodb?.SequenceNumber;
      // Without a sequence number the record cannot be reported; failing the whole invocation makes Lambda retry the batch.
      if (!seq) throw new ValidationError(`stream record ${r.eventID ?? '(no eventID)'} has no sequence number`);
      return { itemIdentifier: seq };
    });
    return { batchItemFailures };
  };
}
