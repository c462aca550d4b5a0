import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { dynamoModelStore } from '../adapters/dynamo/model-store';
import { dynamoRefreshLock } from '../adapters/dynamo/refresh-lock';
import { dynamoRunHistory } from '../adapters/dynamo/run-history';
import { dynamoStoredRows } from '../adapters/dynamo/stored-rows';
import { dynamoTransactionSink } from '../adapters/dynamo/transaction-sink';
import { fanvueClientFromEnv } from '../adapters/fanvue/config';
import type { AuditDeps } from '../domain/audit';
import type { RefreshLock } from '../domain/connection-ports';
import { type Clock, type SecretStore, systemClock } from '../domain/ports';
import type { SyncDeps } from '../domain/sync';
import type { TransactionSinkOptions } from '../domain/sync-ports';
import { parseEnv, TablesEnv } from '../shared/env';
import type { AppLogger } from '../shared/logger';
import * as z from '../shared/zod';
import { auditConfigFromEnv, SyncEnv, syncConfigFromEnv } from './sync-config';

const SyncTablesEnv = z.pick(TablesEnv, { TRANSACTIONS_TABLE: true, CONTROL_TABLE: true });

/** Everything the sync needs that is not in the environment. */
export interface SyncRuntime {
  doc: DynamoDBDocumentClient;
  secrets: SecretStore;
  logger: AppLogger;
  clock?: Clock;
  /** @default the DynamoDB lock in the control table */
  lock?: RefreshLock;
  fetch?: typeof fetch;
  sinkOptions?: TransactionSinkOptions;
}

/**
 * Wires the sync from environment variables (validated once, naming any
 * missing one) and runtime clients. Used by the Lambda entry and by local mode,
 * so both run the same code with different parts.
 */
export function buildSyncDeps(env: Record<string, string | undefined>, rt: SyncRuntime): SyncDeps {
  const tables = parseEnv(SyncTablesEnv, env);
  const config = syncConfigFromEnv(parseEnv(SyncEnv, env));
  const clock = rt.clock ?? systemClock;
  const reader = fanvueClientFromEnv(env, {
    secrets: rt.secrets,
    lock: rt.lock ?? dynamoRefreshLock({ doc: rt.doc, tableName: tables.CONTROL_TABLE, clock }),
    clock,
    logger: rt.logger,
    ...(rt.fetch && { fetch: rt.fetch }),
  });
  return {
    models: dynamoModelStore(rt.doc, tables.CONTROL_TABLE),
    transactions: dynamoTransactionSink(rt.doc, tables.TRANSACTIONS_TABLE, rt.sinkOptions),
    runs: dynamoRunHistory(rt.doc, tables.CONTROL_TABLE),
    reader,
    clock,
    logger: rt.logger,
    config,
  };
}

/**
 * Wires the source audit next to the sync: the same Fanvue client (token handling, retries,
 * rate limits), the same transaction sink and the same model lease, plus the stored rows by date.
 */
export function buildAuditDeps(env: Record<string, string | undefined>, rt: SyncRuntime, sync: SyncDeps): AuditDeps {
  const tables = parseEnv(SyncTablesEnv, env);
  return {
    models: dynamoModelStore(rt.doc, tables.CONTROL_TABLE),
    stored: dynamoStoredRows(rt.doc, tables.TRANSACTIONS_TABLE),
    transactions: sync.transactions,
    runs: sync.runs,
    reader: sync.reader,
    clock: sync.clock,
    logger: sync.logger,
    config: auditConfigFromEnv(parseEnv(SyncEnv, env)),
  };
}
