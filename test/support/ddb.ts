import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { inject } from 'vitest';
import { createTables } from '../../local/bootstrap';

/** A DynamoDB client pointed at the suite's DynamoDB Local. */
export function localClient(endpoint = inject('ddbEndpoint')): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
}

/** A unique table prefix, so tests that share the suite's DynamoDB Local never share tables. */
export function uniquePrefix(label = 't'): string {
  return `${label}${randomUUID().slice(0, 8)}`;
}

/** Local-stack options that put a stack on the suite's shared DynamoDB Local, under tables of its own. */
export function sharedDynamoDb(label = 'stack'): { dynamoDbEndpoint: string; tablePrefix: string } {
  return { dynamoDbEndpoint: inject('ddbEndpoint'), tablePrefix: uniquePrefix(label) };
}

export interface TestTables {
  client: DynamoDBClient;
  doc: DynamoDBDocumentClient;
  names: Awaited<ReturnType<typeof createTables>>;
}

/** Fresh tables under a unique prefix, so test files never share state. */
export async function freshTables(): Promise<TestTables> {
  const client = localClient();
  const names = await createTables(client, uniquePrefix());
  return {
    client,
    doc: DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } }),
    names,
  };
}
