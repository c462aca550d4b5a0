import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { dynamoZoneLookup } from '../../lambdas/adapters/dynamo/agencies';
import { dynamoColumnLookup } from '../../lambdas/adapters/dynamo/model-columns';
import { TotalsStore } from '../../lambdas/adapters/dynamo/totals-store';
import { noopMetrics } from '../../lambdas/adapters/metrics';
import type { StoredTransaction } from '../../lambdas/domain/transaction';
import { makeAggregateHandler } from '../../lambdas/handlers/aggregate-handler';
import { silentLogger } from '../../lambdas/shared/logger';
import { transactionsStreamArn } from '../../local/bootstrap';
import { type StreamPoller, startStreamPoller } from '../../local/stream-poller';
import {
  actualTotals,
  deleteTx,
  expectedFromTable,
  localStreamsClient,
  markerCount,
  mismatches,
  putTx,
  tx,
} from '../support/aggregate-fixtures';
import { freshTables, type TestTables } from '../support/ddb';

const DAYS = ['2026-03-01', '2026-03-02', '2026-03-03'];
const AGENCY_OF = ['a1', 'a1', 'a2'];
const slot = { model: fc.integer({ min: 0, max: 2 }), key: fc.integer({ min: 0, max: 4 }) };
const command = fc.oneof(
  fc.record({
    kind: fc.constant('put' as const),
    ...slot,
    gross: fc.integer({ min: -5_000, max: 5_000 }),
    feePct: fc.integer({ min: 0, max: 40 }),
    day: fc.integer({ min: 0, max: 2 }),
    source: fc.constantFrom('tip', 'subscription', 'renewal', 'message', 'post', 'somethingNew'),
  }),
  fc.record({ kind: fc.constant('status' as const), ...slot }),
  fc.record({ kind: fc.constant('amount' as const), ...slot, gross: fc.integer({ min: 1, max: 9_999 }) }),
  fc.record({ kind: fc.constant('move' as const), ...slot, day: fc.integer({ min: 0, max: 2 }) }),
  fc.record({ kind: fc.constant('delete' as const), ...slot }),
);
type Command = typeof command extends fc.Arbitrary<infer C> ? C : never;
/** Per handler invocation: what goes wrong (after the plan runs out, nothing does). */
const fault = fc.constantFrom(
  'none',
  'throwBefore',
  'throwAfter',
  'reportHalfAfter',
  'lostResponse',
  'duplicateInBatch',
);
type Fault = typeof fault extends fc.Arbitrary<infer F> ? F : never;

/** Applies one command to the transactions table, tracking current rows so modifications hit existing ones. */
async function run(t: TestTables, rows: Map<string, StoredTransaction>, c: Command): Promise<void> {
  const id = `${c.model}/${c.key}`;
  const current = rows.get(id);
  let next: StoredTransaction | undefined;
  if (c.kind === 'put') {
    const refund = c.gross < 0;
    next = tx({
      txKey: `k${c.key}`,
      modelId: `m${c.model}`,
      agencyId: AGENCY_OF[c.model]!,
      day: DAYS[c.day]!,
      gross: c.gross,
      net: refund ? c.gross : c.gross - Math.floor((c.gross * c.feePct) / 100),
      source: refund ? 'refund' : c.source,
    });
  } else if (current && c.kind === 'status')
    next = { ...current, status: current.status === 'pendingBalance' ? 'availableForPayout' : 'pendingBalance' };
  else if (current && c.kind === 'amount') next = { ...current, gross: c.gross, net: Math.floor(c.gross / 2) };
  else if (current && c.kind === 'move')
    next = { ...current, day: DAYS[c.day]!, date: `${DAYS[c.day]!}T08:00:00.000Z` };
  if (c.kind === 'delete') {
    await deleteTx(t.doc, t.names.transactions, `m${c.model}`, `k${c.key}`);
    rows.delete(id);
  } else if (next) {
    await putTx(t.doc, t.names.transactions, next);
    rows.set(id, next);
  }
}

let poller: StreamPoller | undefined;
afterEach(async () => {
  await poller?.stop();
  poller = undefined;
});

describe('exact totals under at-least-once delivery (property)', () => {
  it('every model/agency/source/day total equals the sum over the transactions table, to the cent', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(command, { minLength: 1, maxLength: 40 }),
        fc.array(fault, { maxLength: 8 }),
        fc.integer({ min: 1, max: 8 }),
        fc.nat(),
        async (commands, plan, batchSize, splitSeed) => {
          const t = await freshTables();
          const rows = new Map<string, StoredTransaction>();
          let lostResponse = false;
          t.doc.middlewareStack.add(
            (next) => async (args) => {
              const out = await next(args);
              // The transaction committed, but the caller never hears so (a timeout or a dropped connection).
              if (lostResponse && 'TransactItems' in (args.input as object)) {
                lostResponse = false;
                throw new Error('injected: response lost after commit');
              }
              return out;
            },
            { step: 'initialize', name: 'loseResponse' },
          );
          const real = makeAggregateHandler({
            store: new TotalsStore(t.doc, t.names.totals, { now: () => Date.now() }, { backoffMs: 1 }),
            zones: dynamoZoneLookup(t.doc, t.names.control),
            columns: dynamoColumnLookup(t.doc, t.names.control),
            logger: silentLogger,
            metrics: noopMetrics,
          });
          let invocation = 0;
          const failures: string[] = [];
          poller = startStreamPoller({
            streamsClient: localStreamsClient(),
            streamArn: await transactionsStreamArn(t.client, t.names.transactions),
            batchSize,
            maxRetries: plan.length + 1,
            pollIntervalMs: 10,
            retryDelayMs: 0,
            onFailure: (_r, reason) => void failures.push(reason),
            handler: async (event) => {
              const f: Fault = plan[invocation++] ?? 'none';
              if (f === 'throwBefore') throw new Error('injected before apply');
              if (f === 'lostResponse') lostResponse = true;
              if (f === 'duplicateInBatch') return real({ Records: [...event.Records, ...event.Records.slice(0, 2)] });
              const out = await real(event);
              if (f === 'throwAfter') throw new Error('injected after apply');
              if (f === 'reportHalfAfter') {
                const from = Math.floor(event.Records.length / 2);
                return {
                  batchItemFailures: event.Records.slice(from).map((r) => ({
                    itemIdentifier: r.dynamodb?.SequenceNumber ?? '',
                  })),
                };
              }
              return out;
            },
          });
          const split = splitSeed % (commands.length + 1);
          for (const c of commands.slice(0, split)) await run(t, rows, c);
          await poller.drain();
          for (const c of commands.slice(split)) await run(t, rows, c);
          await poller.drain();
          const stats = poller.stats();
          await poller.stop();
          poller = undefined;

          expect(failures).toEqual([]);
          expect(
            mismatches(await expectedFromTable(t.doc, t.names.transactions), await actualTotals(t.doc, t.names.totals)),
          ).toEqual([]);
          // One marker per stream record: each applied once, however often it was delivered.
          expect(await markerCount(t.doc, t.names.totals)).toBe(stats.recordsSucceeded);
        },
      ),
      { numRuns: 12, endOnFailure: true },
    );
  });
});
