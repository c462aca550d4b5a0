import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { totalsFromTransactions } from '../../lambdas/domain/aggregate';
import { buildDashboard, type DashboardData, daysToRead } from '../../lambdas/domain/dashboard-build';
import { ModelRecordSchema } from '../../lambdas/domain/model';
import { localDay, type PeriodRequest, resolvePeriod } from '../../lambdas/domain/period';
import { emptyTotals, parseModelColumns, parseTotalsItem, type Totals } from '../../lambdas/domain/totals';
import { categorize, type StoredTransaction } from '../../lambdas/domain/transaction';
import { keys } from '../../lambdas/shared/tables';

const NOW = Date.parse('2026-03-01T00:30:00.000Z');
const cfg = { syncIntervalMs: 600_000, liveWithinMs: 1_320_000 };
const record = (modelId: string, displayName: string, extra: Record<string, unknown> = {}) =>
  ModelRecordSchema.parse({ modelId, displayName, agencyId: 'a', creatorUuid: 'c', connectionId: 'k', ...extra });

function data(models: ReturnType<typeof record>[]): DashboardData {
  return { agencyTotals: emptyTotals(), days: new Map(), modelDays: new Map(), models, modelTotals: new Map() };
}

function build(models: ReturnType<typeof record>[], request: PeriodRequest = { key: 'today' }) {
  return buildDashboard({
    agency: { id: 'a', name: 'A' },
    data: data(models),
    now: NOW,
    cfg,
    period: resolvePeriod(request, 'UTC', NOW),
  });
}

function tx(over: Partial<StoredTransaction> & { date: string }): StoredTransaction {
  const source = over.source ?? 'tip';
  return {
    modelId: 'm1',
    agencyId: 'a',
    txKey: `oid#${over.date}`,
    day: over.date.slice(0, 10),
    gross: 1000,
    net: 800,
    source,
    category: categorize(source),
    ...over,
  };
}

/** What the reader returns for `zone`, built from the aggregator's own delta math (the store is a sum of deltas). */
function dataFrom(txs: StoredTransaction[], zone: string, models: ReturnType<typeof record>[]): DashboardData {
  const items = totalsFromTransactions(txs, () => [zone]);
  const out: DashboardData = { ...data(models) };
  const prefix = keys.zoneDaySk(zone, '');
  for (const item of items.values()) {
    const totals: Totals = parseTotalsItem(item.counters);
    if (item.key.pk === keys.agencyPk('a') && item.key.sk === keys.totalSk) out.agencyTotals = totals;
    if (item.key.pk === keys.agencyPk('a') && item.key.sk.startsWith(prefix)) {
      out.days.set(item.key.sk.slice(prefix.length), totals);
      out.modelDays.set(item.key.sk.slice(prefix.length), parseModelColumns(item.counters, new Map()));
    }
    if (item.key.pk.startsWith(keys.modelPk('')) && item.key.sk === keys.totalSk)
      out.modelTotals.set(item.key.pk.slice(keys.modelPk('').length), totals);
  }
  return out;
}

describe('source audit on the model cards', () => {
  it('returns when each model was last verified against Fanvue and with how many differences (the model record keeps them)', () => {
    const verified = record('m1', 'One', { lastVerifiedAt: '2026-03-01T00:10:00.000Z', differences: 2 });
    const never = record('m2', 'Two');
    const body = build([verified, never]);
    expect(body.models.find((m) => m.modelId === 'm1')).toMatchObject({
      lastVerifiedAt: '2026-03-01T00:10:00.000Z',
      differences: 2,
    });
    expect(body.models.find((m) => m.modelId === 'm2')?.lastVerifiedAt ?? null).toBeNull();
  });
});

describe('buildDashboard', () => {
  it('orders models by name with numbers in natural order', () => {
    const body = build(['Creator 10', 'Creator 2', 'Creator 1'].map((n, i) => record(`m${i}`, n)));
    expect(body.models.map((m) => m.displayName)).toEqual(['Creator 1', 'Creator 2', 'Creator 10']);
  });

  it('shows an error only while the model is failing, and never the stored technical message', () => {
    const healthy = record('m1', 'Healthy', { status: 'ok', lastError: 'old', lastErrorCode: 'auth' });
    const failing = record('m2', 'Failing', {
      status: 'error',
      lastError: 'HTTP 429 from /creators/x',
      lastErrorCode: 'rate_limited',
      consecutiveFailures: 2,
    });
    const [h, f] = build([healthy, failing]).models.sort((x, y) => x.modelId.localeCompare(y.modelId));
    expect(h?.lastError).toBeNull();
    expect(f?.lastError).toBe('Fanvue rate limit: will retry next cycle');
  });

  it('zero-fills the period and gives models without totals zero figures', () => {
    const body = build([record('m1', 'New')], { key: 'custom', from: '2026-02-28', to: '2026-03-01' });
    expect(body.models[0]?.totals).toEqual({ gross: 0, net: 0, count: 0 });
    expect(body.models[0]?.spark.gross).toHaveLength(30);
    expect(body.daily).toEqual([
      { day: '2026-02-28', gross: 0, net: 0, count: 0 },
      { day: '2026-03-01', gross: 0, net: 0, count: 0 },
    ]);
  });

  it('counts models still importing their history (no committed cursor yet)', () => {
    const body = build([
      record('m1', 'Done', { cursor: '2026-02-28T00:00:00.000Z' }),
      record('m2', 'Importing', { behind: true }),
      record('m3', 'Off', { enabled: false }),
    ]);
    expect(body.importing).toEqual({ models: 2, done: 1 });
    expect(body.models.map((m) => m.imported)).toEqual([true, false, false]);
  });

  it('splits a Berlin evening sale onto the next local day, and compares with the day before', () => {
    const txs = [
      tx({ date: '2026-02-28T22:30:00.000Z', gross: 500 }), // 23:30 on 28 Feb in Berlin
      tx({ date: '2026-02-28T23:15:00.000Z', gross: 700, source: 'renewal' }), // 00:15 on 1 March in Berlin
    ];
    const models = [record('m1', 'Aria')];
    const body = buildDashboard({
      agency: { id: 'a', name: 'A' },
      data: dataFrom(txs, 'Europe/Berlin', models),
      now: NOW,
      cfg,
      period: resolvePeriod({ key: 'today' }, 'Europe/Berlin', NOW),
    });
    expect(body.period).toMatchObject({ from: '2026-03-01', timeZone: 'Europe/Berlin' });
    expect(body.current.gross).toBe(700);
    expect(body.current.bySource.subscription?.gross).toBe(700);
    expect(body.previous.gross).toBe(500);
    expect(body.models[0]).toMatchObject({ period: { gross: 700, count: 1 }, previous: { gross: 500, count: 1 } });
    expect(body.models[0]?.spark.gross.slice(-2)).toEqual([500, 700]);
  });

  it('period, comparison and per-model figures equal sums over the transactions, in any zone (property)', () => {
    const zones = ['UTC', 'America/New_York', 'Asia/Kathmandu', 'Australia/Lord_Howe', 'Europe/London'];
    const start = Date.parse('2026-01-01T00:00:00Z');
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        fc.constantFrom('today', 'yesterday', '7d', '30d', 'this-month', 'last-month' as const),
        fc.array(
          fc.record({
            model: fc.constantFrom('m1', 'm2', 'm3'),
            at: fc.integer({ min: start, max: NOW }),
            gross: fc.integer({ min: -5000, max: 50_000 }),
          }),
          { maxLength: 60 },
        ),
        (zone, key, rows) => {
          const txs = rows.map((r, i) =>
            tx({ modelId: r.model, txKey: `oid#${i}`, date: new Date(r.at).toISOString(), gross: r.gross }),
          );
          const models = ['m1', 'm2', 'm3'].map((id) => record(id, id));
          const period = resolvePeriod({ key }, zone, NOW);
          const body = buildDashboard({
            agency: { id: 'a', name: 'A' },
            data: dataFrom(txs, zone, models),
            now: NOW,
            cfg,
            period,
          });
          const inRange = (t: StoredTransaction, r: { from: string; to: string }) => {
            const d = localDay(Date.parse(t.date), zone);
            return d >= r.from && d <= r.to;
          };
          const sum = (list: StoredTransaction[]) => list.reduce((s, t) => s + t.gross, 0);
          expect(body.current.gross).toBe(sum(txs.filter((t) => inRange(t, period))));
          expect(body.previous.gross).toBe(sum(txs.filter((t) => inRange(t, period.previous))));
          expect(body.daily.reduce((s, d) => s + d.gross, 0)).toBe(body.current.gross);
          for (const m of body.models) {
            const own = txs.filter((t) => t.modelId === m.modelId);
            expect(m.period.gross).toBe(sum(own.filter((t) => inRange(t, period))));
            expect(m.previous.gross).toBe(sum(own.filter((t) => inRange(t, period.previous))));
          }
          expect(body.models.reduce((s, m) => s + m.period.gross, 0)).toBe(body.current.gross);
          const read = daysToRead(period);
          expect(read.from <= period.previous.from && read.to === period.to).toBe(true);
        },
      ),
      { numRuns: 150 },
    );
  }, 60_000);
});
