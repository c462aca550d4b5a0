import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { type TableDefinition, tableDefinitions } from '../lambdas/shared/tables';

/** Physical table names for a prefix (the stack uses CDK-generated names and passes them as env). */
export function tableNames(prefix: string): Record<TableDefinition['id'], string> {
  return { transactions: `${prefix}-transactions`, control: `${prefix}-control`, totals: `${prefix}-totals` };
}

/** Creates every table from the shared definitions (idempotent). Returns the physical names. */
export async function createTables(
  client: DynamoDBClient,
  prefix: string,
): Promise<Record<TableDefinition['id'], string>> {
  const names = tableNames(prefix);
  for (const def of tableDefinitions) {
    const name = names[def.id];
    const attrs = new Map<string, 'S' | 'N'>();
    for (const k of [
      def.partitionKey,
      def.sortKey,
      ...def.globalIndexes.flatMap((g) => [g.partitionKey, g.sortKey ?? []].flat()),
    ])
      attrs.set(k.name, k.type);
    try {
      await client.send(
        new CreateTableCommand({
          TableName: name,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [...attrs].map(([AttributeName, AttributeType]) => ({ AttributeName, AttributeType })),
          KeySchema: [
            { AttributeName: def.partitionKey.name, KeyType: 'HASH' },
            { AttributeName: def.sortKey.name, KeyType: 'RANGE' },
          ],
          ...(def.globalIndexes.length > 0 && {
            GlobalSecondaryIndexes: def.globalIndexes.map((g) => ({
              IndexName: g.indexName,
              KeySchema: [
                { AttributeName: g.partitionKey.name, KeyType: 'HASH' as const },
                ...(g.sortKey ? [{ AttributeName: g.sortKey.name, KeyType: 'RANGE' as const }] : []),
              ],
              Projection: { ProjectionType: 'ALL' as const },
            })),
          }),
          ...(def.stream && { StreamSpecification: { StreamEnabled: true, StreamViewType: def.stream } }),
        }),
      );
      if (def.timeToLiveAttribute) {
        await client.send(
          new UpdateTimeToLiveCommand({
            TableName: name,
            TimeToLiveSpecification: { Enabled: true, AttributeName: def.timeToLiveAttribute },
          }),
        );
      }
    } catch (err) {
      if (!(err instanceof ResourceInUseException)) throw err;
    }
  }
  return names;
}

/** The stream ARN of the transactions table (for the local stream poller). */
export async function transactionsStreamArn(client: DynamoDBClient, tableName: string): Promise<string> {
  const out = await client.send(new DescribeTableCommand({ TableName: tableName }));
  const arn = out.Table?.LatestStreamArn;
  if (!arn) throw new Error(`table ${tableName} has no stream`);
  return arn;
}
