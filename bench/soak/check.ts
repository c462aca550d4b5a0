import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { EarningRow } from '../../lambdas/domain/earnings';
import type { ModelRecord } from '../../lambdas/domain/model';
import { type StoredTransaction, StoredTransactionSchema } from '../../lambdas/domain/transaction';
import { keys } from '../../lambdas/shared/tables';
import { readTotalsTable } from '../support/totals';

/** A model as the soak knows it. */
export interface RosterEntry {
  modelId: string;
  agencyId: string;
  creatorUuid: string;
}

/** Every stored transaction of a model (strongly consistent). */
export async function storedRows(doc: DynamoDBDocumentClient, table: string, modelId: string) {
  const out: StoredTransaction[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.modelPk(modelId) },
        ConsistentRead: true,
        ExclusiveStartKey: start,
      }),
    );
    for (const item of page.Items ?? []) out.push(StoredTransactionSchema.parse(item));
    start = page.LastEvaluatedKey;
  } while (start);
  return out;
}

const identity = (r: { transactionOrderId?: string | undefined; txKey?: string }) =>
  r.transactionOrderId ?? r.txKey ?? '';

function multiset(ids: string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const id of ids) m.set(id, (m.get(id) ?? 0) + 1);
  return m;
}

/** Rows of the source missing here, and rows here beyond what the source has (doubled or phantom). */
export function compareRows(truth: readonly EarningRow[], stored: readonly StoredTransaction[]) {
  const want = multiset(truth.map(identity));
  const have = multiset(stored.map(identity));
  let lost = 0;
  let doubled = 0;
  for (const [id, n] of want) lost += Math.max(0, n - (have.get(id) ?? 0));
  for (const [id, n] of have) doubled += Math.max(0, n - (want.get(id) ?? 0));
  return { lost, doubled };
}

/** A model has caught up: every source row stored once, last run ok, nothing left behind. */
export function caughtUp(truth: readonly EarningRow[], stored: readonly StoredTransaction[], record?: ModelRecord) {
  const { lost, doubled } = compareRows(truth, stored);
  return lost === 0 && doubled === 0 && record?.status === 'ok' && !record.behind && !record.resume;
}

type Sums = { gross: number; net: number; count: number };
const add = (m: Map<string, Sums>, key: string, r: EarningRow) => {
  const s = m.get(key) ?? { gross: 0, net: 0, count: 0 };
  m.set(key, { gross: s.gross + r.gross, net: s.net + r.net, count: s.count + 1 });
};

export interface DriftReport {
  /** Sum over models of |gross| + |net| differences, over the all-time and every day item, in cents. */
  modelCents: number;
  agencyCents: number;
  /** Rows counted wrongly in the same items. */
  countOff: number;
  /** The worst items, for the log. */
  examples: string[];
}

/**
 * Compares the totals table with the simulator's ground truth, item by item:
 * each model's and each agency's all-time and day figures (the soak's agencies count
 * in UTC, so their local days are UTC days) must equal the sums over the source's rows.
 */
export async function totalsDrift(
  doc: DynamoDBDocumentClient,
  totalsTable: string,
  roster: readonly RosterEntry[],
  truthOf: (creatorUuid: string) => readonly EarningRow[],
): Promise<DriftReport> {
  const expected = new Map<string, Sums>();
  for (const m of roster) {
    for (const r of truthOf(m.creatorUuid)) {
      const day = keys.zoneDaySk('UTC', r.date.slice(0, 10));
      for (const pk of [keys.modelPk(m.modelId), keys.agencyPk(m.agencyId)]) {
        add(expected, `${pk}|${keys.totalSk}`, r);
        add(expected, `${pk}|${day}`, r);
      }
    }
  }
  const actual = await readTotalsTable(doc, totalsTable);
  const report: DriftReport = { modelCents: 0, agencyCents: 0, countOff: 0, examples: [] };
  const isBucket = (sk: string) => sk === keys.totalSk || sk.startsWith(keys.zoneDaySk('UTC', ''));
  const ids = new Set([...expected.keys(), ...[...actual.keys()].filter((id) => isBucket(id.split('|')[1] ?? ''))]);
  for (const id of ids) {
    const e = expected.get(id) ?? { gross: 0, net: 0, count: 0 };
    const c = actual.get(id)?.counters ?? {};
    const cents = Math.abs(e.gross - (c.gross ?? 0)) + Math.abs(e.net - (c.net ?? 0));
    const countOff = Math.abs(e.count - (c.count ?? 0));
    if (id.startsWith(keys.agencyPk(''))) report.agencyCents += cents;
    else report.modelCents += cents;
    report.countOff += countOff;
    if ((cents > 0 || countOff > 0) && report.examples.length < 5)
      report.examples.push(`${id}: expected ${e.gross}/${e.net}/${e.count}, stored ${c.gross}/${c.net}/${c.count}`);
  }
  return report;
}
