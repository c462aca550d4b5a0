import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ColumnLookup } from '../../domain/aggregate';
import { keys } from '../../shared/tables';
import * as z from '../../shared/zod';

/** BatchGetItem's per-request key limit. */
const BATCH_GET_MAX = 100;
/** Cap on re-asking for unprocessed keys; then the batch fails and Lambda retries it. */
const UNPROCESSED_RETRIES = 5;
/** Entries kept across batches before the cache starts over (a container outlives many batches). */
const CACHE_MAX = 50_000;

const ColumnsSchema = z.object({
  modelId: z.string(),
  columns: z.optional(z.record(z.string(), z.number().check(z.int(), z.nonnegative()))),
});

/**
 * Reads the column ordinals of a batch's models from their records in the control table (one
 * BatchGetItem per 100 models, only `modelId` and `columns`). A model's ordinal in an agency never
 * changes once set, so found ordinals are kept for the container's lifetime, keyed by (model,
 * agency); a model without one is asked again on the next batch (it may get one at its next
 * registration). Throws when keys stay unprocessed, so no record is written under a wrong name.
 */
export function dynamoColumnLookup(doc: DynamoDBDocumentClient, controlTable: string): ColumnLookup {
  const cache = new Map<string, number>();
  const id = (modelId: string, agencyId: string) => `${modelId}\u0000${agencyId}`;
  return async (models) => {
    const missing = [...new Set(models.filter((m) => !cache.has(id(m.modelId, m.agencyId))).map((m) => m.modelId))];
    if (cache.size + missing.length > CACHE_MAX) cache.clear();
    for (let i = 0; i < missing.length; i += BATCH_GET_MAX) {
      let pending: Record<string, unknown>[] = missing
        .slice(i, i + BATCH_GET_MAX)
        .map((modelId) => ({ pk: keys.modelPk(modelId), sk: keys.modelSk }));
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt > UNPROCESSED_RETRIES) throw new Error('model columns: keys left unprocessed');
        if (attempt > 0) await new Promise((r) => setTimeout(r, 25 * 2 ** attempt));
        const out = await doc.send(
          new BatchGetCommand({
            RequestItems: {
              [controlTable]: {
                Keys: pending,
                ProjectionExpression: 'modelId, #columns',
                ExpressionAttributeNames: { '#columns': 'columns' },
              },
            },
          }),
        );
        for (const item of out.Responses?.[controlTable] ?? []) {
          const m = ColumnsSchema.parse(item);
          for (const [agencyId, column] of Object.entries(m.columns ?? {})) cache.set(id(m.modelId, agencyId), column);
        }
        pending = out.UnprocessedKeys?.[controlTable]?.Keys ?? [];
      }
    }
    const snapshot = new Map(
      models.flatMap((m) => {
        const column = cache.get(id(m.modelId, m.agencyId));
        return column === undefined ? [] : [[id(m.modelId, m.agencyId), column] as const];
      }),
    );
    return (modelId, agencyId) => snapshot.get(id(modelId, agencyId));
  };
}
