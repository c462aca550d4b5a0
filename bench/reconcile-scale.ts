import { pathToFileURL } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { dynamoZoneLookup } from '../lambdas/adapters/dynamo/agencies';
import { TotalsReader } from '../lambdas/adapters/dynamo/totals-reader';
import { TotalsStore } from '../lambdas/adapters/dynamo/totals-store';
import { noopMetrics } from '../lambdas/adapters/metrics';
import { reconcileTotals } from '../lambdas/domain/reconcile';
import { reconcileAgency, reconcileModel } from '../lambdas/domain/reconcile-split';
import { categorize, type StoredTransaction } from '../lambdas/domain/transaction';
import { silentLogger } from '../lambdas/shared/logger';
import { keys } from '../lambdas/shared/tables';
import { createTables } from '../local/bootstrap';
import { startDynamoDbLocal } from '../local/dynamodb-local';
import { quietSdkNodeNotice } from '../local/sdk-notice';

/**
 * Reconciliation at scale: measures the daily run's cost per stored row on
 * DynamoDB Local (read every transaction, recompute, compare), then estimates
 * a run over 1,000 models with a year of history each against the
 * reconciliation Lambda's 15-minute timeout. Run: `npx tsx bench/reconcile-scale.ts`.
 */
export interface ReconcileScaleOptions {
  models: number;
  rowsPerModel: number;
}

/** Sales a year for the estimate: a typical model (10 a day) and a large one (100 a day). */
export const YEAR_ROWS = { typical: 3_650, large: 36_500 } as const;
const TIMEOUT_S = 15 * 60;
const SOURCES = ['subscription', 'tip', 'message', 'post', 'renewal'];

export interface ReconcileScaleResult {
  /** The split run: one invocation per model, one per agency. */
  split: {
    modelPassSeconds: number;
    modelPassRows: number;
    agencyPassSeconds: number;
    agencyPassItemsRead: number;
    /** Estimated model pass for a large year of history. */
    largeModelYearSeconds: number;
    /** Estimated agency pass over 1,000 models with a year of daily items each. */
    agency1000YearSeconds: number;
  };
  measured: { models: number; rows: number; seconds: number; rowsPerSecond: number };
  estimate: {
    models: number;
    rowsPerModelYear: typeof YEAR_ROWS;
    seconds: { typical: number; large: number };
    timeoutSeconds: number;
    fits: { typical: boolean; large: boolean };
    /** One model's run (its items) with a large year of history. */
    perModelLargeSeconds: number;
  };
}

function row(model: number, n: number): StoredTransaction {
  const day = new Date(Date.UTC(2025, 0, 1) + (n % 365) * 86_400_000).toISOString().slice(0, 10);
  const source = SOURCES[n % SOURCES.length] ?? 'tip';
  const gross = (n % 3_000) + 100;
  return {
    modelId: `m${model}`,
    agencyId: 'a1',
    txKey: `oid#r${model}-${n}`,
    transactionOrderId: `r${model}-${n}`,
    date: `${day}T08:00:00.000Z`,
    day,
    gross,
    net: Math.floor(gross * 0.8),
    source,
    category: categorize(source),
    status: 'availableForPayout',
  };
}

async function load(doc: DynamoDBDocumentClient, table: string, rows: StoredTransaction[]): Promise<void> {
  const batches: StoredTransaction[][] = [];
  for (let i = 0; i < rows.length; i += 25) batches.push(rows.slice(i, i + 25));
  let next = 0;
  const worker = async () => {
    while (next < batches.length) {
      let requests = (batches[next++] ?? []).map((t) => ({
        PutRequest: { Item: { pk: keys.modelPk(t.modelId), sk: keys.txSk(t.txKey), ...t } },
      }));
      for (let attempt = 0; requests.length > 0 && attempt < 10; attempt += 1) {
        const out = await doc.send(new BatchWriteCommand({ RequestItems: { [table]: requests } }));
        requests = (out.UnprocessedItems?.[table] ?? []) as typeof requests;
      }
    }
  };
  await Promise.all(Array.from({ length: 6 }, worker));
}

export async function runReconcileScale(
  opts: ReconcileScaleOptions = { models: 20, rowsPerModel: 2_000 },
): Promise<ReconcileScaleResult> {
  const ddb = await startDynamoDbLocal();
  const client = new DynamoDBClient({
    endpoint: ddb.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const doc = DynamoDBDocumentClient.from(client);
  try {
    const t = await createTables(client, 'recon');
    const ids = Array.from({ length: opts.models }, (_, m) => m);
    await load(
      doc,
      t.transactions,
      ids.flatMap((m) => Array.from({ length: opts.rowsPerModel }, (_, n) => row(m, n))),
    );
    const deps = (models: number[]) => ({
      listModels: async function* () {
        for (const m of models) yield { modelId: `m${m}`, agencyId: 'a1' };
      },
      reader: new TotalsReader(doc, { transactions: t.transactions, totals: t.totals }),
      store: new TotalsStore(doc, t.totals, { now: () => Date.now() }),
      zones: dynamoZoneLookup(doc, t.control),
      logger: silentLogger,
      metrics: noopMetrics,
    });
    const timed = async (work: () => Promise<unknown>) => {
      const t0 = performance.now();
      await work();
      return (performance.now() - t0) / 1000;
    };
    await timed(() => reconcileTotals(deps(ids.slice(0, 1)), { repair: false })); // warm-up
    const seconds = await timed(() => reconcileTotals(deps(ids), { repair: false }));
    // The split run needs the totals items: a repairing run writes them (not timed).
    await reconcileTotals(deps(ids), { repair: true });
    const modelSeconds = await timed(() => reconcileModel(deps(ids), { modelId: 'm0', agencyId: 'a1', repair: true }));
    const agency = { itemsRead: 0 };
    const agencySeconds = await timed(async () => {
      agency.itemsRead = (await reconcileAgency(deps(ids), { agencyId: 'a1', repair: true })).itemsRead;
    });
    const rows = opts.models * opts.rowsPerModel;
    const rowsPerSecond = rows / seconds;
    const perRow = seconds / rows;
    const est = (perModel: number) => Math.round(1_000 * perModel * perRow);
    const seconds1000 = { typical: est(YEAR_ROWS.typical), large: est(YEAR_ROWS.large) };
    // A year of one model's items: TOTAL and 365 local days (UTC-day items are no longer kept).
    const itemsPerModelYear = 1 + 365;
    const split = {
      modelPassSeconds: modelSeconds,
      modelPassRows: opts.rowsPerModel,
      agencyPassSeconds: agencySeconds,
      agencyPassItemsRead: agency.itemsRead,
      largeModelYearSeconds: Math.round((YEAR_ROWS.large * modelSeconds) / opts.rowsPerModel),
      agency1000YearSeconds: Math.round((1_000 * itemsPerModelYear * agencySeconds) / Math.max(1, agency.itemsRead)),
    };
    return {
      split,
      measured: { models: opts.models, rows, seconds, rowsPerSecond },
      estimate: {
        models: 1_000,
        rowsPerModelYear: YEAR_ROWS,
        seconds: seconds1000,
        timeoutSeconds: TIMEOUT_S,
        fits: { typical: seconds1000.typical < TIMEOUT_S / 2, large: seconds1000.large < TIMEOUT_S / 2 },
        perModelLargeSeconds: Math.round(YEAR_ROWS.large * perRow),
      },
    };
  } finally {
    client.destroy();
    await ddb.stop();
  }
}

export function formatReconcileScale(r: ReconcileScaleResult): string {
  const m = r.measured;
  const e = r.estimate;
  return [
    `reconciliation measured: ${m.models} models x ${m.rows / m.models} rows = ${m.rows} rows in ${m.seconds.toFixed(1)} s = ${Math.round(m.rowsPerSecond)} rows/s`,
    `estimate, one run over ${e.models} models: typical year (${e.rowsPerModelYear.typical} rows each) ${e.models} x ${e.rowsPerModelYear.typical} / ${Math.round(m.rowsPerSecond)} = ${e.seconds.typical} s; ` +
      `large year (${e.rowsPerModelYear.large} rows each) ${e.seconds.large} s; Lambda timeout ${e.timeoutSeconds} s: ` +
      `${e.fits.typical ? 'fits' : 'does NOT fit'} (typical), ${e.fits.large ? 'fits' : 'does NOT fit'} (large) with half the timeout as room`,
    `split run (one invocation per model, one per agency): model pass ${r.split.modelPassRows} rows in ${r.split.modelPassSeconds.toFixed(2)} s, ` +
      `so a large year (${e.rowsPerModelYear.large} rows) ~${r.split.largeModelYearSeconds} s per invocation; agency pass read ${r.split.agencyPassItemsRead} totals items in ` +
      `${r.split.agencyPassSeconds.toFixed(2)} s, so 1,000 models x ${1 + 2 * 365} items ~${r.split.agency1000YearSeconds} s; timeout ${e.timeoutSeconds} s`,
  ].join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  quietSdkNodeNotice();
  console.log(formatReconcileScale(await runReconcileScale()));
}
