import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { freshTables } from '../support/ddb';

describe('DynamoDB Local bootstrap', () => {
  it('creates the shared table definitions with the transactions stream and the agency index', async () => {
    const { client, names } = await freshTables();
    const tx = await client.send(new DescribeTableCommand({ TableName: names.transactions }));
    expect(tx.Table?.StreamSpecification).toEqual({ StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' });
    const control = await client.send(new DescribeTableCommand({ TableName: names.control }));
    expect(control.Table?.GlobalSecondaryIndexes?.map((g) => g.IndexName)).toEqual(['byAgency']);
  });
});
