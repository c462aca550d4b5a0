import { createHash } from 'node:crypto';
import { $ZodError } from 'zod/v4/core';
import type { EarningRow } from './earnings';
import { SourceContractError } from './errors';
import { categorize, type StoredTransaction, StoredTransactionSchema } from './transaction';

/**
 * Stable keys for earnings rows (invariant 2).
 *
 * - A row with `transactionOrderId` is keyed `oid#<id>`.
 * - A row without one (older copies of the API) is keyed `fp#<fingerprint>#<ordinal>`:
 *   the fingerprint hashes every field that identifies the payment (not its
 *   settlement status, which changes), and the ordinal counts identical rows
 *   over the whole read window. Identical rows share a timestamp, so any window
 *   that reaches that timestamp holds all of them and numbers them the same way.
 */
export function fingerprint(row: EarningRow): string {
  const parts = [
    new Date(row.date).toISOString(),
    row.gross,
    row.net,
    row.currency ?? '',
    row.source,
    row.user?.uuid ?? '',
    row.messageUuid ?? '',
    row.postUuid ?? '',
    row.reversedTransactionOrderId ?? '',
  ];
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 24);
}

/** Counts id-less rows per fingerprint across the pages of one window. */
export type OrdinalCounter = Record<string, number>;

/** Returns the stable key of `row`, advancing `ordinals` for id-less rows. */
export function rowKey(row: EarningRow, ordinals: OrdinalCounter): string {
  if (row.transactionOrderId) return `oid#${row.transactionOrderId}`;
  const fp = fingerprint(row);
  const ordinal = ordinals[fp] ?? 0;
  ordinals[fp] = ordinal + 1;
  return `fp#${fp}#${ordinal}`;
}

/**
 * Maps a Fanvue row to the item we store. Every attribute is a pure function
 * of the row, so re-reading an unchanged row writes an identical item.
 */
export function toStoredTransaction(
  row: EarningRow,
  owner: { modelId: string; agencyId: string },
  ordinals: OrdinalCounter,
): StoredTransaction {
  const date = new Date(row.date).toISOString();
  return StoredTransactionSchema.parse({
    modelId: owner.modelId,
    agencyId: owner.agencyId,
    txKey: rowKey(row, ordinals),
    date,
    day: date.slice(0, 10),
    gross: row.gross,
    net: row.net,
    source: row.source,
    category: categorize(row.source),
    status: row.transactionOrderStatus,
    currency: row.currency ?? undefined,
    transactionOrderId: row.transactionOrderId,
    reversedTransactionOrderId: row.reversedTransactionOrderId ?? undefined,
    fanHandle: row.user?.handle ?? undefined,
  });
}

/** Maps a page's rows; a row we cannot store is a contract break, so nothing of the page is written. */
export function toStoredRows(
  rows: EarningRow[],
  model: { modelId: string; agencyId: string },
  ordinals: OrdinalCounter,
): StoredTransaction[] {
  try {
    return rows.map((row) => toStoredTransaction(row, model, ordinals));
  } catch (err) {
    if (err instanceof $ZodError) {
      const issue = err.issues[0];
      throw new SourceContractError(
        `earnings row rejected: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`,
        { cause: err },
      );
    }
    throw err;
  }
}
