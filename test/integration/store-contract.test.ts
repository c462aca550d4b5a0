import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoModelStore, putModelRecord } from '../../lambdas/adapters/dynamo/model-store';
import { dynamoRunHistory } from '../../lambdas/adapters/dynamo/run-history';
import { dynamoTransactionSink } from '../../lambdas/adapters/dynamo/transaction-sink';
import { StoredTransactionSchema } from '../../lambdas/domain/transaction';
import { keys } from '../../lambdas/shared/tables';
import { freshTables } from '../support/ddb';
import { memoryModelStore, memoryRunHistory, memorySink } from '../support/memory-sync';
import {
  idleModel,
  modelRegistryContract,
  modelStoreContract,
  runHistoryContract,
  transactionSinkContract,
} from '../support/store-contract';

// One contract, two implementations: the fakes of the fast unit tests and the DynamoDB adapters.

modelStoreContract('in memory (unit tests)', async (initial) => {
  const store = memoryModelStore(initial);
  return { store, read: async (id) => structuredClone(store.records.get(id)) };
});

modelStoreContract('DynamoDB (control table)', async (initial) => {
  const t = await freshTables();
  for (const m of initial) await putModelRecord(t.doc, t.names.control, m);
  const store = dynamoModelStore(t.doc, t.names.control);
  return { store, read: (id) => store.get(id) };
});

modelRegistryContract('in memory (unit tests)', async (initial) => memoryModelStore(initial));

modelRegistryContract('DynamoDB (control table)', async (initial) => {
  const t = await freshTables();
  for (const m of initial) await putModelRecord(t.doc, t.names.control, m);
  return dynamoModelStore(t.doc, t.names.control);
});

transactionSinkContract('in memory (unit tests)', async () => {
  const sink = memorySink();
  return { sink, rows: async (id) => [...sink.items.values()].filter((r) => r.modelId === id) };
});

transactionSinkContract('DynamoDB (transactions table)', async () => {
  const t = await freshTables();
  return {
    sink: dynamoTransactionSink(t.doc, t.names.transactions),
    async rows(modelId) {
      const out = await t.doc.send(
        new QueryCommand({
          TableName: t.names.transactions,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': keys.modelPk(modelId) },
          ConsistentRead: true,
        }),
      );
      return (out.Items ?? []).map((i) => StoredTransactionSchema.parse(i));
    },
  };
});

runHistoryContract('in memory (unit tests)', async () => {
  const history = memoryRunHistory();
  return {
    history,
    expiresAt: async (run) => history.items.get(`${run.modelId}|${run.endedAt}#${run.runId}`)?.expiresAt,
  };
});

runHistoryContract('DynamoDB (control table)', async () => {
  const t = await freshTables();
  // A model record under the same key: the run query must return runs only.
  await putModelRecord(t.doc, t.names.control, idleModel('m1'));
  return {
    history: dynamoRunHistory(t.doc, t.names.control),
    async expiresAt(run) {
      const out = await t.doc.send(
        new GetCommand({
          TableName: t.names.control,
          Key: { pk: keys.modelPk(run.modelId), sk: keys.runSk(run.endedAt, run.runId) },
        }),
      );
      return typeof out.Item?.expiresAt === 'number' ? out.Item.expiresAt : undefined;
    },
  };
});
