import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PAGE_SIZE, pageOf, rankModels, searchModels } from '../../frontend/src/leaderboard';
import { periodFromSearch, periodParams } from '../../frontend/src/period-state';
import { routeOf } from '../../frontend/src/router';
import type { DashboardModel } from '../../lambdas/domain/dashboard';
import { model } from './dashboard-fixtures';

const m = (id: string, name: string, gross: number, previous = 0): DashboardModel =>
  model({
    modelId: id,
    displayName: name,
    period: { gross, net: gross, count: 1 },
    previous: { gross: previous, net: previous, count: 1 },
  });

describe('leaderboard ordering', () => {
  it('ranks by revenue, ties share a rank (1, 2, 2, 4) and are ordered by name', () => {
    const rows = rankModels([m('a', 'Zoe', 500), m('b', 'Bella', 900), m('c', 'Aria', 500), m('d', 'Cleo', 100)], {
      measure: 'gross',
      sort: 'revenue',
      total: 2000,
    });
    expect(rows.map((r) => [r.model.displayName, r.rank])).toEqual([
      ['Bella', 1],
      ['Aria', 2],
      ['Zoe', 2],
      ['Cleo', 4],
    ]);
    expect(rows[0]?.share).toBe(0.45);
  });

  it('sorts by name (natural numbers) or by change, keeping each model its revenue rank', () => {
    const models = [m('a', 'Creator 10', 100, 300), m('b', 'Creator 2', 300, 100), m('c', 'Creator 1', 200, 200)];
    const byName = rankModels(models, { measure: 'gross', sort: 'name', total: 600 });
    expect(byName.map((r) => r.model.displayName)).toEqual(['Creator 1', 'Creator 2', 'Creator 10']);
    expect(byName.map((r) => r.rank)).toEqual([2, 1, 3]);
    const byChange = rankModels(models, { measure: 'gross', sort: 'change', total: 600 });
    expect(byChange.map((r) => r.model.modelId)).toEqual(['b', 'c', 'a']);
    expect(rankModels(models, { measure: 'gross', sort: 'name', total: 0 })[0]?.share).toBeNull();
  });

  it('is a total order: any input order gives the same list, ranks never decrease down it (property)', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(
          fc.record({ id: fc.string({ minLength: 1, maxLength: 4 }), gross: fc.integer({ min: -50, max: 50 }) }),
          {
            selector: (r) => r.id,
            maxLength: 40,
          },
        ),
        fc.constantFrom('revenue', 'name', 'change' as const),
        (raw, sort) => {
          const models = raw.map((r) => m(r.id, `Model ${r.id}`, r.gross, r.gross % 7));
          const a = rankModels(models, { measure: 'gross', sort, total: 100 });
          const b = rankModels([...models].reverse(), { measure: 'gross', sort, total: 100 });
          expect(a.map((r) => r.model.modelId)).toEqual(b.map((r) => r.model.modelId));
          if (sort === 'revenue') {
            a.forEach((r, i) => {
              const prev = a[i - 1];
              expect(r.rank).toBe(prev && prev.model.period.gross === r.model.period.gross ? prev.rank : i + 1);
            });
          }
        },
      ),
    );
  }, 60_000);

  it('searches names ignoring case and accents, and pages 500 models 25 at a time', () => {
    const many = Array.from({ length: 500 }, (_, i) => m(`m${i}`, i === 7 ? 'Chloé' : `Model ${i}`, i));
    const rows = rankModels(many, { measure: 'gross', sort: 'revenue', total: 1 });
    expect(searchModels(rows, 'CHLOE').map((r) => r.model.modelId)).toEqual(['m7']);
    const last = pageOf(rows, 99);
    expect(last).toMatchObject({ page: 20, pages: 20 });
    expect(last.rows).toHaveLength(PAGE_SIZE);
    expect(pageOf(rows, 1).rows[0]?.model.modelId).toBe('m499');
  });
});

describe('routes and period in the address', () => {
  it('reads model pages and periods back from what it writes', () => {
    expect(routeOf('/models/model-01')).toEqual({ page: 'model', modelId: 'model-01' });
    expect(routeOf('/models/a%20b/')).toEqual({ page: 'model', modelId: 'a b' });
    expect(routeOf('/')).toEqual({ page: 'dashboard' });
    expect(routeOf('/models/%E0%A4%A')).toEqual({ page: 'dashboard' });
    const custom = { key: 'custom', from: '2026-11-01', to: '2026-11-14' } as const;
    expect(periodFromSearch(new URLSearchParams(periodParams(custom)))).toEqual(custom);
    expect(periodFromSearch(new URLSearchParams('period=7d'))).toEqual({ key: '7d' });
    expect(periodFromSearch(new URLSearchParams('period=fortnight'))).toEqual({ key: '30d' });
    expect(periodFromSearch(new URLSearchParams('period=custom&from=2026-02-30&to=2026-03-01'))).toEqual({
      key: '30d',
    });
  });
});
