import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { ApplyOutcome, RecordDeltas } from '../../lambdas/adapters/dynamo/totals-store';
import type { CountMetricName } from '../../lambdas/adapters/metrics';
import { makeAggregateHandler } from '../../lambdas/handlers/aggregate-handler';
import { silentLogger } from '../../lambdas/shared/logger';

const row = {
  modelId: 'm1',
  agencyId: 'a1',
  txKey: 'oid#1',
  date: '2026-02-03T10:00:00.000Z',
  day: '2026-02-03',
  gross: 100,
  net: 90,
  source: 'tip',
  category: 'tip',
};
const image = (over: Record<string, unknown> = {}) =>
  marshall({ pk: 'MODEL#m1', sk: 'TX#oid#1', ...row, ...over }) as NonNullable<DynamoDBRecord['dynamodb']>['NewImage'];
const insert = (n: number, over: Record<string, unknown> = {}): DynamoDBRecord => ({
  eventID: `e${n}`,
  eventName: 'INSERT',
  dynamodb: { SequenceNumber: `${n}`, NewImage: image(over) },
});

function setup(outcome?: (records: readonly RecordDeltas[]) => ApplyOutcome) {
  const calls: (readonly RecordDeltas[])[] = [];
  const columnAsks: (readonly { modelId: string; agencyId: string }[])[] = [];
  const metrics: Partial<Record<CountMetricName, number>> = {};
  const errors: unknown[] = [];
  const handler = makeAggregateHandler({
    store: {
      applyRecords: async (r) => {
        calls.push(r);
        return outcome ? outcome(r) : { applied: r.map((_, i) => i), duplicates: [] };
      },
    },
    zones: async (ids) => new Map(ids.map((id) => [id, ['UTC']])),
    // m1 has ordinal 5 in a1 (and none anywhere else); every other model is legacy.
    columns: async (models) => {
      columnAsks.push(models);
      return (modelId, agencyId) => (modelId === 'm1' && agencyId === 'a1' ? 5 : undefined);
    },
    logger: { ...silentLogger, error: (...a: unknown[]) => void errors.push(a) },
    metrics: {
      count: (n, v) => {
        metrics[n] = (metrics[n] ?? 0) + v;
      },
      flush: () => undefined,
    },
  });
  return { handler, calls, metrics, errors, columnAsks };
}

describe('aggregate handler', () => {
  it("names a model's columns on the agency's day by its ordinal, legacy names without one; one lookup per batch", async () => {
    const { handler, calls, columnAsks } = setup();
    await handler({ Records: [insert(1), insert(2, { modelId: 'm2', txKey: 'oid#2' })] });
    expect(columnAsks).toHaveLength(1);
    expect(columnAsks[0]).toEqual([
      { modelId: 'm1', agencyId: 'a1' },
      { modelId: 'm2', agencyId: 'a1' },
    ]);
    const agencyDay = (i: number) =>
      calls[0]?.[i]?.deltas.find((d) => d.key.pk === 'AGENCY#a1' && d.key.sk === 'ZDAY#UTC#2026-02-03')?.counters;
    expect(agencyDay(0)).toMatchObject({ gross: 100, G5: 100, N5: 90, C5: 1 });
    expect(Object.keys(agencyDay(0) ?? {}).some((k) => k.startsWith('m#'))).toBe(false);
    expect(agencyDay(1)).toMatchObject({ gross: 100, 'm#m2#g': 100, 'm#m2#n': 90, 'm#m2#c': 1 });
  });

  it('reports a poison record and every later one, applies the valid records on both sides, and logs why', async () => {
    const { handler, calls, metrics, errors } = setup();
    const res = await handler({ Records: [insert(1), insert(2, { gross: 'lots' }), insert(3)] });
    expect(res.batchItemFailures).toEqual([{ itemIdentifier: '2' }, { itemIdentifier: '3' }]);
    expect(calls[0]?.map((r) => r.eventID)).toEqual(['e1', 'e3']);
    expect(metrics).toMatchObject({ PoisonRecords: 1, RecordsApplied: 2 });
    expect(JSON.stringify(errors)).toMatch(/poison stream record.*gross/);
  });

  it('treats a MODIFY without its old image as poison', async () => {
    const { handler } = setup();
    const res = await handler({
      Records: [{ eventID: 'e1', eventName: 'MODIFY', dynamodb: { SequenceNumber: '1', NewImage: image() } }],
    });
    expect(res.batchItemFailures).toEqual([{ itemIdentifier: '1' }]);
  });

  it('passes a repeated eventID once and counts it as a duplicate', async () => {
    const { handler, calls, metrics } = setup();
    expect((await handler({ Records: [insert(1), insert(1)] })).batchItemFailures).toEqual([]);
    expect(calls[0]).toHaveLength(1);
    expect(metrics.DuplicatesSkipped).toBe(1);
  });

  it('reports from the first record of a transaction that could not be written', async () => {
    const { handler } = setup(() => ({ applied: [0], duplicates: [], failedFrom: 1, error: new Error('throttled') }));
    const res = await handler({ Records: [insert(1), insert(2), insert(3)] });
    expect(res.batchItemFailures).toEqual([{ itemIdentifier: '2' }, { itemIdentifier: '3' }]);
  });

  it('turns a status-only MODIFY into a marker with no deltas', async () => {
    const { handler, calls } = setup();
    await handler({
      Records: [
        {
          eventID: 'e1',
          eventName: 'MODIFY',
          dynamodb: {
            SequenceNumber: '1',
            OldImage: image({ status: 'pendingBalance' }),
            NewImage: image({ status: 'availableForPayout' }),
          },
        },
      ],
    });
    expect(calls[0]).toEqual([{ eventID: 'e1', sequenceNumber: '1', position: 0, deltas: [] }]);
  });
});
