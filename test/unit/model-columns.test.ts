import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ALL_COUNTER_FIELDS } from '../../lambdas/domain/aggregate';
import { ModelRecordSchema, modelsByColumn } from '../../lambdas/domain/model';
import { isModelColumn, modelColumns, parseModelColumns } from '../../lambdas/domain/totals';

const UUID = '6f1c2a9e-3b7d-4c1e-9a55-0d2b7e8f4a10';

describe('per-model column names on agency day items', () => {
  it('a model with an ordinal gets short base-36 names', () => {
    expect(modelColumns(UUID, 0)).toEqual({ gross: 'G0', net: 'N0', count: 'C0' });
    expect(modelColumns(UUID, 35)).toEqual({ gross: 'Gz', net: 'Nz', count: 'Cz' });
    expect(modelColumns(UUID, 499)).toEqual({ gross: 'Gdv', net: 'Ndv', count: 'Cdv' });
  });

  it('a model without one keeps the legacy names (old data reads as before)', () => {
    expect(modelColumns(UUID)).toEqual({ gross: `m#${UUID}#g`, net: `m#${UUID}#n`, count: `m#${UUID}#c` });
  });

  it('refuses an ordinal that is not a non-negative integer', () => {
    expect(() => modelColumns(UUID, -1)).toThrow(RangeError);
    expect(() => modelColumns(UUID, 1.5)).toThrow(RangeError);
  });

  it('names are unambiguous: distinct per ordinal, never a fixed counter or item attribute, always a model column', () => {
    const fixed = [...ALL_COUNTER_FIELDS, 'pk', 'sk', 'updatedAt', 'modelId', 'agencyId', 'expiresAt', 'appliedAt'];
    for (const name of fixed) expect(isModelColumn(name)).toBe(false);
    fc.assert(
      fc.property(fc.nat({ max: 1_000_000 }), fc.nat({ max: 1_000_000 }), (a, b) => {
        const x = modelColumns(UUID, a);
        const y = modelColumns(UUID, b);
        for (const name of Object.values(x)) {
          expect(isModelColumn(name)).toBe(true);
          expect(fixed).not.toContain(name);
        }
        expect(new Set([...Object.values(x), ...Object.values(y)]).size).toBe(a === b ? 3 : 6);
      }),
    );
    expect(isModelColumn(modelColumns(UUID).gross)).toBe(true);
  });

  it('reads columns back to model ids through the agency ordinals, summing a legacy column with its compact one', () => {
    const item = {
      pk: 'AGENCY#a1',
      sk: 'ZDAY#UTC#2026-03-01',
      gross: 9999,
      src_tip_gross: 9999,
      ...{ G0: 100, N0: 80, C0: 1 },
      ...{ G1: 50, N1: 40, C1: 2 },
      // Model m0 had sales before it got its ordinal: legacy columns still hold them.
      ...{ 'm#m0#g': 1000, 'm#m0#n': 800, 'm#m0#c': 3 },
      // A model without an ordinal (legacy data only).
      ...{ [`m#${UUID}#g`]: 7, [`m#${UUID}#n`]: 6, [`m#${UUID}#c`]: 1 },
      // An ordinal no model of the agency claims: ignored.
      ...{ G9: 5, N9: 5, C9: 5 },
    };
    const models = [
      ModelRecordSchema.parse({
        modelId: 'm0',
        agencyId: 'a1',
        displayName: 'Zero',
        creatorUuid: 'c0',
        connectionId: 'k',
        columns: { a1: 0 },
      }),
      ModelRecordSchema.parse({
        modelId: 'm1',
        agencyId: 'a1',
        displayName: 'One',
        creatorUuid: 'c1',
        connectionId: 'k',
        // Its ordinal in another agency must not be read here.
        columns: { a1: 1, a2: 9 },
      }),
    ];
    const days = parseModelColumns(item, modelsByColumn(models, 'a1'));
    expect(Object.fromEntries(days)).toEqual({
      m0: { gross: 1100, net: 880, count: 4 },
      m1: { gross: 50, net: 40, count: 2 },
      [UUID]: { gross: 7, net: 6, count: 1 },
    });
  });
});
