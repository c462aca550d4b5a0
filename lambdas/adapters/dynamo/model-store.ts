import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { AuditRecord, AuditStore } from '../../domain/audit-ports';
import { ModelOwnedByAnotherAgencyError, type RegisterOptions } from '../../domain/connect';
import { type ModelRecord, ModelRecordSchema } from '../../domain/model';
import { LeaseLostError } from '../../domain/sync';
import type { Checkpoint, LeaseResult, ModelStore, RunResult } from '../../domain/sync-ports';
import { keys } from '../../shared/tables';

const modelKey = (modelId: string) => ({ pk: keys.modelPk(modelId), sk: keys.modelSk });

/** The connection and identity part of a model, as an operator registers it. */
export type NewModel = Pick<ModelRecord, 'modelId' | 'agencyId' | 'displayName' | 'creatorUuid' | 'connectionId'> & {
  enabled?: boolean;
};

/** Model records in the control table: lease, cursor, status (implements `ModelStore`). */
export function dynamoModelStore(doc: DynamoDBDocumentClient, tableName: string): ModelStore & AuditStore & ModelAdmin {
  const isConditionFailure = (err: unknown) =>
    err instanceof ConditionalCheckFailedException ||
    (err as { name?: string }).name === 'ConditionalCheckFailedException';

  async function get(modelId: string): Promise<ModelRecord | undefined> {
    const out = await doc.send(new GetCommand({ TableName: tableName, Key: modelKey(modelId), ConsistentRead: true }));
    return out.Item ? ModelRecordSchema.parse(out.Item) : undefined;
  }

  /**
   * Gives a model its column ordinal in an agency: the next value of the agency's counter (an
   * atomic ADD), set on the model only if it has none there yet (a concurrent register that won
   * keeps its ordinal; this one is then skipped, never reused).
   */
  async function allocateColumn(modelId: string, agencyId: string): Promise<void> {
    const counter = await doc.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { pk: keys.columnCounterPk(agencyId), sk: keys.columnCounterSk },
        UpdateExpression: 'ADD nextColumn :one',
        ExpressionAttributeValues: { ':one': 1 },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    const column = Number(counter.Attributes?.nextColumn) - 1;
    try {
      await doc.send(
        new UpdateCommand({
          TableName: tableName,
          Key: modelKey(modelId),
          UpdateExpression: 'SET #columns.#agency = :n',
          ConditionExpression: 'attribute_exists(#columns) AND attribute_not_exists(#columns.#agency)',
          ExpressionAttributeNames: { '#columns': 'columns', '#agency': agencyId },
          ExpressionAttributeValues: { ':n': column },
        }),
      );
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
    }
  }

  return {
    get,

    async register(model, options = {}) {
      const record = ModelRecordSchema.parse({ ...model, enabled: model.enabled ?? true });
      let previous: Record<string, unknown> | undefined;
      try {
        const out = await doc.send(
          new UpdateCommand({
            TableName: tableName,
            Key: modelKey(model.modelId),
            // Registering again updates identity fields and keeps cursor and status.
            UpdateExpression:
              'SET agencyId = :a, displayName = :d, creatorUuid = :c, connectionId = :k, enabled = :e, modelId = :m, gsi1pk = :gpk, gsi1sk = :gsk, ' +
              '#status = if_not_exists(#status, :idle), consecutiveFailures = if_not_exists(consecutiveFailures, :zero), ' +
              'rowsWritten = if_not_exists(rowsWritten, :zero), lastRunRows = if_not_exists(lastRunRows, :zero), behind = if_not_exists(behind, :f), ' +
              '#columns = if_not_exists(#columns, :noColumns)',
            // Another agency's model is only taken over when the caller asks for a move.
            ...(!options.move && { ConditionExpression: 'attribute_not_exists(agencyId) OR agencyId = :a' }),
            ReturnValues: 'ALL_OLD',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
            ExpressionAttributeNames: { '#status': 'status', '#columns': 'columns' },
            ExpressionAttributeValues: {
              ':a': record.agencyId,
              ':d': record.displayName,
              ':c': record.creatorUuid,
              ':k': record.connectionId,
              ':e': record.enabled,
              ':m': record.modelId,
              ':gpk': keys.agencyPk(record.agencyId),
              ':gsk': keys.modelPk(record.modelId),
              ':idle': 'idle',
              ':zero': 0,
              ':f': false,
              ':noColumns': {},
            },
          }),
        );
        previous = out.Attributes;
      } catch (err) {
        if (!isConditionFailure(err)) throw err;
        const owner = (err as { Item?: Record<string, { S?: string }> }).Item?.agencyId?.S ?? 'unknown';
        throw new ModelOwnedByAnotherAgencyError(record.modelId, owner);
      }
      // Webhooks name the creator, not our model: keep the index that maps one to the other.
      await doc.send(
        new PutCommand({
          TableName: tableName,
          Item: {
            pk: keys.creatorPk(record.creatorUuid),
            sk: keys.modelPk(record.modelId),
            modelId: record.modelId,
            agencyId: record.agencyId,
          },
        }),
      );
      const columns = (previous?.columns ?? {}) as Record<string, unknown>;
      if (typeof columns[record.agencyId] !== 'number') await allocateColumn(record.modelId, record.agencyId);
      const before = typeof previous?.agencyId === 'string' ? previous.agencyId : undefined;
      return before !== undefined && before !== record.agencyId ? { movedFrom: before } : {};
    },

    async *listAll() {
      let ExclusiveStartKey: Record<string, unknown> | undefined;
      do {
        const out = await doc.send(
          new ScanCommand({
            TableName: tableName,
            FilterExpression: 'sk = :sk',
            ExpressionAttributeValues: { ':sk': keys.modelSk },
            ExclusiveStartKey,
          }),
        );
        for (const item of out.Items ?? []) yield ModelRecordSchema.parse(item);
        ExclusiveStartKey = out.LastEvaluatedKey;
      } while (ExclusiveStartKey);
    },

    async acquireLease(modelId, owner, now, leaseMs): Promise<LeaseResult> {
      try {
        const out = await doc.send(
          new UpdateCommand({
            TableName: tableName,
            Key: modelKey(modelId),
            UpdateExpression:
              'SET leaseOwner = :o, leaseExpiresAt = :exp, #status = :syncing, lastSyncStartedAt = :started',
            ConditionExpression:
              'attribute_exists(pk) AND (attribute_not_exists(leaseExpiresAt) OR leaseExpiresAt < :now)',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':o': owner,
              ':exp': now + leaseMs,
              ':syncing': 'syncing',
              ':started': new Date(now).toISOString(),
              ':now': now,
            },
            ReturnValues: 'ALL_NEW',
          }),
        );
        return { kind: 'acquired', model: ModelRecordSchema.parse(out.Attributes) };
      } catch (err) {
        if (!isConditionFailure(err)) throw err;
      }
      try {
        // Held: ask the running sync for one more window, so this trigger's news is not lost.
        const out = await doc.send(
          new UpdateCommand({
            TableName: tableName,
            Key: modelKey(modelId),
            UpdateExpression: 'SET rerunRequested = :t',
            ConditionExpression: 'attribute_exists(pk) AND leaseExpiresAt >= :now',
            ExpressionAttributeValues: { ':t': true, ':now': now },
            ReturnValues: 'ALL_NEW',
          }),
        );
        return { kind: 'held', model: ModelRecordSchema.parse(out.Attributes) };
      } catch (err) {
        if (!isConditionFailure(err)) throw err;
        // The lease was released in between, or the model does not exist.
        const model = await get(modelId);
        return model ? { kind: 'held', model } : { kind: 'missing' };
      }
    },

    async checkpoint(modelId, owner, cp: Checkpoint) {
      const sets = ['lastRunRows = if_not_exists(lastRunRows, :zero)'];
      const values: Record<string, unknown> = { ':o': owner, ':n': cp.rows, ':zero': 0 };
      if (cp.cursor !== undefined) {
        sets.push('#cursor = :c');
        values[':c'] = cp.cursor;
      }
      if (cp.resume) {
        sets.push('#resume = :r');
        values[':r'] = cp.resume;
      }
      const removes = cp.resume ? [] : ['#resume'];
      if (cp.windowComplete) removes.push('rerunRequested');
      if (cp.overlap) {
        sets.push('#overlap = :ov');
        values[':ov'] = cp.overlap;
      } else if (cp.windowComplete) removes.push('#overlap');
      const update = `SET ${sets.join(', ')} ADD rowsWritten :n${removes.length > 0 ? ` REMOVE ${removes.join(', ')}` : ''}`;
      try {
        const out = await doc.send(
          new UpdateCommand({
            TableName: tableName,
            Key: modelKey(modelId),
            UpdateExpression: update,
            ...(cp.windowComplete && { ReturnValues: 'UPDATED_OLD' as const }),
            // Forward-only: a cursor never moves back, even if two writers raced.
            ConditionExpression: `leaseOwner = :o${cp.cursor !== undefined ? ' AND (attribute_not_exists(#cursor) OR #cursor <= :c)' : ''}`,
            ExpressionAttributeNames: {
              ...(!cp.resume && { '#resume': 'resume' }),
              ...((cp.overlap || cp.windowComplete) && { '#overlap': 'overlap' }),
              ...(cp.resume && { '#resume': 'resume' }),
              ...(cp.cursor !== undefined && { '#cursor': 'cursor' }),
            },
            ExpressionAttributeValues: values,
          }),
        );
        return { rerunRequested: out.Attributes?.rerunRequested === true };
      } catch (err) {
        if (isConditionFailure(err)) throw new LeaseLostError(modelId);
        throw err;
      }
    },

    async acquireAuditLease(modelId, owner, now, leaseMs): Promise<LeaseResult> {
      try {
        const out = await doc.send(
          new UpdateCommand({
            TableName: tableName,
            Key: modelKey(modelId),
            // The sync's lease: the audit and the sync never run at once. Status is the sync's, left alone.
            UpdateExpression: 'SET leaseOwner = :o, leaseExpiresAt = :exp',
            ConditionExpression:
              'attribute_exists(pk) AND (attribute_not_exists(leaseExpiresAt) OR leaseExpiresAt < :now)',
            ExpressionAttributeValues: { ':o': owner, ':exp': now + leaseMs, ':now': now },
            ReturnValues: 'ALL_NEW',
          }),
        );
        return { kind: 'acquired', model: ModelRecordSchema.parse(out.Attributes) };
      } catch (err) {
        if (!isConditionFailure(err)) throw err;
        const model = await get(modelId);
        return model ? { kind: 'held', model } : { kind: 'missing' };
      }
    },

    async finishAudit(modelId, owner, audit: AuditRecord) {
      const values: Record<string, unknown> = { ':o': owner, ':a': audit };
      let update = 'SET lastAudit = :a';
      if (audit.complete) {
        update += ', lastVerifiedAt = :v, differences = :d';
        values[':v'] = audit.at;
        values[':d'] = audit.missing + audit.gone;
      }
      try {
        await doc.send(
          new UpdateCommand({
            TableName: tableName,
            Key: modelKey(modelId),
            UpdateExpression: `${update} REMOVE leaseOwner, leaseExpiresAt`,
            ConditionExpression: 'leaseOwner = :o',
            ExpressionAttributeValues: values,
          }),
        );
      } catch (err) {
        if (!isConditionFailure(err)) throw err;
      }
    },

    async noteWebhook(modelId, at) {
      try {
        await doc.send(
          new UpdateCommand({
            TableName: tableName,
            Key: modelKey(modelId),
            UpdateExpression: 'SET lastWebhookAt = :at',
            ConditionExpression: 'attribute_exists(modelId)',
            ExpressionAttributeValues: { ':at': at },
          }),
        );
      } catch (err) {
        if (!isConditionFailure(err)) throw err;
      }
    },

    async finish(modelId, owner, result: RunResult) {
      const ok = result.status === 'ok';
      const values: Record<string, unknown> = {
        ':o': owner,
        ':s': result.status,
        ':f': result.finishedAt,
        ':rows': result.lastRunRows,
        ':behind': result.behind,
        ':zero': 0,
      };
      let update = 'SET #status = :s, lastSyncFinishedAt = :f, lastRunRows = :rows, behind = :behind';
      if (ok) {
        update +=
          ', lastSuccessAt = :f, consecutiveFailures = :zero REMOVE leaseOwner, leaseExpiresAt, lastError, lastErrorCode';
      } else {
        values[':err'] = result.error?.message ?? 'sync failed';
        values[':code'] = result.error?.code ?? 'internal';
        values[':one'] = 1;
        update +=
          ', lastError = :err, lastErrorCode = :code, consecutiveFailures = if_not_exists(consecutiveFailures, :zero) + :one REMOVE leaseOwner, leaseExpiresAt';
      }
      try {
        await doc.send(
          new UpdateCommand({
            TableName: tableName,
            Key: modelKey(modelId),
            UpdateExpression: update,
            ConditionExpression: 'leaseOwner = :o',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: values,
          }),
        );
      } catch (err) {
        if (!isConditionFailure(err)) throw err;
        // Another run owns the model now; its own finish records the state.
      }
    },
  };
}

/** Operator-side access to model records (registration, listing). */
export interface ModelAdmin {
  get(modelId: string): Promise<ModelRecord | undefined>;
  register(model: NewModel, options?: RegisterOptions): Promise<{ movedFrom?: string }>;
  listAll(): AsyncGenerator<ModelRecord>;
}

/** Models registered for a Fanvue creator (usually one), from the creator index. */
export async function modelsOfCreator(
  doc: DynamoDBDocumentClient,
  tableName: string,
  creatorUuid: string,
): Promise<string[]> {
  const out = await doc.send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.creatorPk(creatorUuid) },
      Limit: 25,
    }),
  );
  return (out.Items ?? []).map((i) => String(i.modelId)).filter((id) => id.length > 0);
}

/** Writes a whole model record as given (tests and fixtures). */
export async function putModelRecord(
  doc: DynamoDBDocumentClient,
  tableName: string,
  model: ModelRecord,
): Promise<void> {
  await doc.send(
    new PutCommand({
      TableName: tableName,
      Item: {
        ...modelKey(model.modelId),
        gsi1pk: keys.agencyPk(model.agencyId),
        gsi1sk: keys.modelPk(model.modelId),
        ...model,
      },
    }),
  );
}
