import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { dynamoRefreshLock } from '../../lambdas/adapters/dynamo/refresh-lock';
import { keys } from '../../lambdas/shared/tables';
import { freshTables } from '../support/ddb';

describe('DynamoDB token-refresh lock (control table)', () => {
  it('is exclusive per connection, expires, and is released only by its owner', async () => {
    const { doc, names } = await freshTables();
    let now = Date.UTC(2025, 0, 1);
    const clock = { now: () => now };
    const lambdaA = dynamoRefreshLock({ doc, tableName: names.control, clock });
    const lambdaB = dynamoRefreshLock({ doc, tableName: names.control, clock });

    const releaseA = await lambdaA.acquire('conn-1', 30_000);
    expect(releaseA).toBeTypeOf('function');
    const item = await doc.send(
      new GetCommand({ TableName: names.control, Key: { pk: keys.connectionPk('conn-1'), sk: keys.lockSk } }),
    );
    expect(item.Item).toMatchObject({ lockExpiresAt: now + 30_000 });
    expect(await lambdaB.acquire('conn-1', 30_000)).toBeUndefined();
    expect(await lambdaB.acquire('conn-2', 30_000)).toBeTypeOf('function');

    now += 30_001;
    const releaseB = await lambdaB.acquire('conn-1', 30_000);
    expect(releaseB).toBeTypeOf('function');
    await releaseA!();
    expect(await lambdaA.acquire('conn-1', 30_000)).toBeUndefined();

    await releaseB!();
    expect(await lambdaA.acquire('conn-1', 30_000)).toBeTypeOf('function');
  });
});
