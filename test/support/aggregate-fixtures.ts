import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { DeleteCommand, type DynamoDBDocumentClient, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { inject } from 'vitest';
import { parseTotalsItem } from '../../lambdas/domain/totals';
import { categorize, SOURCE_CATEGORIES, type StoredTransaction } from '../../lambdas/domain/transaction';
import { keys } from '../../lambdas/shared/tables';

/** A valid stored transaction with sensible defaults. */
export function tx(over: Partial<StoredTransaction> & { txKey: string }): StoredTransaction {
  const date = over.date ?? `${over.day ?? '2026-01-01'}T12:00:00.000Z`;
  const source = over.source ?? 'tip';
  return {
    modelId: 'm1',
    agencyId: 'a1',
    gross: 1000,
    net: 800,
    status: 'pendingBalance',
    ...over,
    date,
    day: over.day ?? date.slice(0, 10),
    source,
    category: over.category ?? categorize(source),
  };
}

export async function putTx(doc: DynamoDBDocumentClient, table: string, t: StoredTransaction): Promise<void> {
  await doc.send(
    new PutCommand({ TableName: table, Item: { pk: keys.modelPk(t.modelId), sk: keys.txSk(t.txKey), ...t } }),
  );
}

export async function deleteTx(
  doc: DynamoDBDocumentClient,
  table: string,
  modelId: string,
  txKey: string,
): Promise<void> {
  await doc.send(new DeleteCommand({ TableName: table, Key: { pk: keys.modelPk(modelId), sk: keys.txSk(txKey) } }));
}

async function scanAll(doc: DynamoDBDocumentClient, table: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await doc.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start, ConsistentRead: true }));
    items.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start);
  return items;
}

type Counters = Record<string, number>;

/** Local calendar day of an ISO instant in an IANA zone, straight from Intl (en-CA prints yyyy-mm-dd). */
function zoneDay(date: string, zone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(
    Date.parse(date),
  );
}

/**
 * The test's own oracle: sums the transactions table into every totals item, written independently of the domain
 * code: all-time and local day in each of the agency's zones (`zonesOf`, UTC unless told; no UTC-day items), with each
 * model's own columns on the agency's local days: `G|N|C<ordinal in base 36>` for a model with an ordinal in the
 * row's agency (`columnOf`), else the legacy `m#<modelId>#g|n|c`.
 */
export async function expectedFromTable(
  doc: DynamoDBDocumentClient,
  table: string,
  zonesOf: (agencyId: string) => string[] = () => ['UTC'],
  columnOf: (modelId: string, agencyId: string) => number | undefined = () => undefined,
): Promise<Map<string, Counters>> {
  const out = new Map<string, Counters>();
  for (const item of await scanAll(doc, table)) {
    const t = item as unknown as StoredTransaction;
    for (const zone of zonesOf(t.agencyId)) {
      const id = `AGENCY#${t.agencyId}|ZDAY#${zone}#${zoneDay(t.date, zone)}`;
      const c = out.get(id) ?? {};
      const n = columnOf(t.modelId, t.agencyId);
      const [g, nt, k] =
        n === undefined
          ? [`m#${t.modelId}#g`, `m#${t.modelId}#n`, `m#${t.modelId}#c`]
          : [`G${n.toString(36)}`, `N${n.toString(36)}`, `C${n.toString(36)}`];
      c[g] = (c[g] ?? 0) + t.gross;
      c[nt] = (c[nt] ?? 0) + t.net;
      c[k] = (c[k] ?? 0) + 1;
      out.set(id, c);
    }
    for (const pk of [`MODEL#${t.modelId}`, `AGENCY#${t.agencyId}`]) {
      for (const sk of ['TOTAL', ...zonesOf(t.agencyId).map((z) => `ZDAY#${z}#${zoneDay(t.date, z)}`)]) {
        const c = out.get(`${pk}|${sk}`) ?? {};
        const add = (f: string, v: number) => (c[f] = (c[f] ?? 0) + v);
        add('gross', t.gross);
        add('net', t.net);
        add('count', 1);
        add(`src_${t.category}_gross`, t.gross);
        add(`src_${t.category}_net`, t.net);
        add(`src_${t.category}_count`, 1);
        out.set(`${pk}|${sk}`, c);
      }
    }
  }
  return out;
}

/** Every totals item (markers excluded, an agency's shards summed), read through the dashboard's `parseTotalsItem`. */
export async function actualTotals(doc: DynamoDBDocumentClient, table: string): Promise<Map<string, Counters>> {
  const out = new Map<string, Counters>();
  for (const item of await scanAll(doc, table)) {
    if (String(item.pk).startsWith('MARKER#')) continue;
    const t = parseTotalsItem(item);
    const c: Counters = { gross: t.gross, net: t.net, count: t.count };
    for (const s of SOURCE_CATEGORIES) {
      c[`src_${s}_gross`] = t.bySource[s].gross;
      c[`src_${s}_net`] = t.bySource[s].net;
      c[`src_${s}_count`] = t.bySource[s].count;
    }
    for (const [name, value] of Object.entries(item))
      if ((name.startsWith('m#') || /^[GNC][0-9a-z]+$/.test(name)) && typeof value === 'number') c[name] = value;
    // An agency's shards make one figure: sum them under the logical key.
    const id = `${keys.logicalTotalsPk(String(item.pk))}|${item.sk}`;
    const seen = out.get(id);
    if (seen) for (const [name, value] of Object.entries(c)) seen[name] = (seen[name] ?? 0) + value;
    else out.set(id, c);
  }
  return out;
}

/** Differences between oracle and totals, absent counters being zero; empty when exact to the cent. */
export function mismatches(expected: Map<string, Counters>, actual: Map<string, Counters>): string[] {
  const problems: string[] = [];
  for (const id of new Set([...expected.keys(), ...actual.keys()])) {
    const e = expected.get(id) ?? {};
    const a = actual.get(id) ?? {};
    for (const f of new Set([...Object.keys(e), ...Object.keys(a)])) {
      if ((e[f] ?? 0) !== (a[f] ?? 0)) problems.push(`${id} ${f}: expected ${e[f] ?? 0}, actual ${a[f] ?? 0}`);
    }
  }
  return problems;
}

/** A streams client pointed at the suite's DynamoDB Local. */
export function localStreamsClient(endpoint = inject('ddbEndpoint')): DynamoDBStreamsClient {
  return new DynamoDBStreamsClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
}

/** Number of marker items (one per applied stream record). */
export async function markerCount(doc: DynamoDBDocumentClient, table: string): Promise<number> {
  return (await scanAll(doc, table)).filter((i) => String(i.pk).startsWith('MARKER#')).length;
}
