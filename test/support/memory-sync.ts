import type { ModelAdmin } from '../../lambdas/adapters/dynamo/model-store';
import type { EarningRow, EarningsPage } from '../../lambdas/adapters/fanvue/schema';
import { ModelOwnedByAnotherAgencyError } from '../../lambdas/domain/connect';
import { type ModelRecord, ModelRecordSchema } from '../../lambdas/domain/model';
import type { EarningsPageRequest, EarningsReader } from '../../lambdas/domain/ports';
import { LeaseLostError } from '../../lambdas/domain/sync';
import { type RunHistory, type SyncRunRecord, SyncRunRecordSchema } from '../../lambdas/domain/sync-history';
import type { ModelStore, TransactionSink } from '../../lambdas/domain/sync-ports';
import type { StoredTransaction } from '../../lambdas/domain/transaction';

/** In-memory ModelStore (and registration) with the same lease, forward-only and column rules as the DynamoDB one. */
export function memoryModelStore(
  initial: ModelRecord[],
): ModelStore & ModelAdmin & { records: Map<string, ModelRecord> } {
  const records = new Map(initial.map((m) => [m.modelId, ModelRecordSchema.parse(m)]));
  const nextColumn = new Map<string, number>();
  return {
    records,
    async get(modelId) {
      return structuredClone(records.get(modelId));
    },
    async register(model, options = {}) {
      const m = records.get(model.modelId);
      if (m && m.agencyId !== model.agencyId && !options.move)
        throw new ModelOwnedByAnotherAgencyError(model.modelId, m.agencyId);
      const columns = { ...m?.columns };
      if (columns[model.agencyId] === undefined) {
        // The agency's counter: each connect to an agency takes the next ordinal.
        const n = nextColumn.get(model.agencyId) ?? 0;
        nextColumn.set(model.agencyId, n + 1);
        columns[model.agencyId] = n;
      }
      const base = m ?? ModelRecordSchema.parse({ ...model, enabled: model.enabled ?? true });
      records.set(model.modelId, { ...base, ...model, enabled: model.enabled ?? true, columns });
      return m && m.agencyId !== model.agencyId ? { movedFrom: m.agencyId } : {};
    },
    async *listAll() {
      for (const m of records.values()) yield structuredClone(m);
    },
    async acquireLease(modelId, owner, now, leaseMs) {
      const m = records.get(modelId);
      if (!m) return { kind: 'missing' };
      if (m.leaseExpiresAt !== undefined && m.leaseExpiresAt >= now) {
        records.set(modelId, { ...m, rerunRequested: true });
        return { kind: 'held', model: m };
      }
      const next = {
        ...m,
        leaseOwner: owner,
        leaseExpiresAt: now + leaseMs,
        status: 'syncing' as const,
        lastSyncStartedAt: new Date(now).toISOString(),
      };
      records.set(modelId, next);
      return { kind: 'acquired', model: structuredClone(next) };
    },
    async checkpoint(modelId, owner, cp) {
      const m = records.get(modelId);
      if (!m || m.leaseOwner !== owner) throw new LeaseLostError(modelId);
      if (cp.cursor !== undefined && m.cursor !== undefined && cp.cursor < m.cursor) throw new LeaseLostError(modelId);
      const next: ModelRecord = {
        ...m,
        rowsWritten: m.rowsWritten + cp.rows,
        ...(cp.cursor !== undefined && { cursor: cp.cursor }),
      };
      if (cp.resume) next.resume = structuredClone(cp.resume);
      else delete next.resume;
      if (cp.overlap) next.overlap = { ...cp.overlap };
      else if (cp.windowComplete) delete next.overlap;
      const rerunRequested = cp.windowComplete === true && m.rerunRequested === true;
      if (cp.windowComplete) delete next.rerunRequested;
      records.set(modelId, next);
      return { rerunRequested };
    },
    async noteWebhook(modelId, at) {
      const m = records.get(modelId);
      if (m) records.set(modelId, { ...m, lastWebhookAt: at });
    },
    async finish(modelId, owner, r) {
      const m = records.get(modelId);
      if (!m || m.leaseOwner !== owner) return;
      const next: ModelRecord = {
        ...m,
        status: r.status,
        lastSyncFinishedAt: r.finishedAt,
        lastRunRows: r.lastRunRows,
        behind: r.behind,
      };
      delete next.leaseOwner;
      delete next.leaseExpiresAt;
      if (r.status === 'ok') {
        next.lastSuccessAt = r.finishedAt;
        next.consecutiveFailures = 0;
        delete next.lastError;
        delete next.lastErrorCode;
      } else {
        next.lastError = r.error?.message;
        next.lastErrorCode = r.error?.code;
        next.consecutiveFailures = m.consecutiveFailures + 1;
      }
      records.set(modelId, next);
    },
  };
}

/** In-memory transaction table keyed like DynamoDB (`modelId` + `txKey`); counts puts that changed an item. */
export function memorySink(): TransactionSink & { items: Map<string, StoredTransaction>; changes: number } {
  const sink = {
    items: new Map<string, StoredTransaction>(),
    changes: 0,
    async put(rows: readonly StoredTransaction[]) {
      for (const r of rows) {
        const k = `${r.modelId}/${r.txKey}`;
        const before = sink.items.get(k);
        if (!before || JSON.stringify(before) !== JSON.stringify(r)) sink.changes += 1;
        sink.items.set(k, structuredClone(r));
      }
    },
  };
  return sink;
}

/**
 * A Fanvue stand-in over a fixed array: startDate inclusive, endDate
 * exclusive, the given order, offset page tokens. For pure unit tests only;
 * integration tests use the real simulator over HTTP.
 */
export function arrayReader(
  rowsOf: (creatorUuid: string) => EarningRow[],
  order: 'asc' | 'desc' = 'desc',
): EarningsReader & { calls: number } {
  const reader = {
    calls: 0,
    async readPage(req: EarningsPageRequest): Promise<EarningsPage> {
      reader.calls += 1;
      const start = Date.parse(req.startDate);
      const end = Date.parse(req.endDate);
      const inWindow = rowsOf(req.creatorUuid)
        .map((row, i) => ({ row, i }))
        .filter(({ row }) => Date.parse(row.date) >= start && Date.parse(row.date) < end)
        .sort((a, b) => (Date.parse(a.row.date) - Date.parse(b.row.date) || a.i - b.i) * (order === 'asc' ? 1 : -1));
      const offset = req.cursor ? Number(req.cursor) : 0;
      const data = inWindow.slice(offset, offset + req.size).map(({ row }) => row);
      const next = offset + req.size;
      return { data, nextCursor: next < inWindow.length ? String(next) : null };
    },
  };
  return reader;
}

/** In-memory run history keyed like the control table (`endedAt` then run id), newest first on read. */
export function memoryRunHistory(): RunHistory & { items: Map<string, { run: SyncRunRecord; expiresAt: number }> } {
  const items = new Map<string, { run: SyncRunRecord; expiresAt: number }>();
  return {
    items,
    async record(run, expiresAt) {
      const parsed = SyncRunRecordSchema.parse(run);
      items.set(`${parsed.modelId}|${parsed.endedAt}#${parsed.runId}`, { run: structuredClone(parsed), expiresAt });
    },
    async recent(modelId, limit) {
      return [...items.entries()]
        .filter(([k]) => k.startsWith(`${modelId}|`))
        .sort(([a], [b]) => (a < b ? 1 : a > b ? -1 : 0))
        .slice(0, limit)
        .map(([, v]) => structuredClone(v.run));
    },
  };
}
