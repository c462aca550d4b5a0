import { randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { RefreshLock } from '../../domain/connection-ports';
import { type Clock, systemClock } from '../../domain/ports';
import { keys } from '../../shared/tables';

/** Dependencies of {@link dynamoRefreshLock}. */
export interface DynamoRefreshLockDeps {
  doc: DynamoDBDocumentClient;
  /** Physical name of the control table. */
  tableName: string;
  /** @default systemClock */
  clock?: Clock;
}

/**
 * The token-refresh lock across Lambdas: a conditional put of
 * `pk = CONN#<connectionId>`, `sk = LOCK` in the control table that succeeds
 * only when no unexpired lock exists; released by a delete conditional on the
 * owner, so a holder whose lock expired cannot release someone else's.
 */
export function dynamoRefreshLock(deps: DynamoRefreshLockDeps): RefreshLock {
  const clock = deps.clock ?? systemClock;
  return {
    async acquire(connectionId, ttlMs) {
      const owner = randomUUID();
      const now = clock.now();
      const key = { pk: keys.connectionPk(connectionId), sk: keys.lockSk };
      try {
        await deps.doc.send(
          new PutCommand({
            TableName: deps.tableName,
            Item: { ...key, lockOwner: owner, lockExpiresAt: now + ttlMs },
            ConditionExpression: 'attribute_not_exists(pk) OR lockExpiresAt < :now',
            ExpressionAttributeValues: { ':now': now },
          }),
        );
      } catch (err) {
        if (err instanceof ConditionalCheckFailedException) return undefined;
        throw err;
      }
      return async () => {
        try {
          await deps.doc.send(
            new DeleteCommand({
              TableName: deps.tableName,
              Key: key,
              ConditionExpression: 'lockOwner = :owner',
              ExpressionAttributeValues: { ':owner': owner },
            }),
          );
        } catch (err) {
          // Our lock expired and someone else holds it now: theirs to release.
          if (!(err instanceof ConditionalCheckFailedException)) throw err;
        }
      };
    },
  };
}
