import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from '../../shared/tables';

/** Webhook deliveries already accepted, remembered until their signature expires (replay guard). */
export interface DeliveryLog {
  /** True the first time `id` is seen before `expiresAtMs`; false for a replay. */
  remember(id: string, expiresAtMs: number, nowMs: number): Promise<boolean>;
  /** Forgets a delivery whose work failed, so that Fanvue's retry is not taken for a replay. */
  forget(id: string): Promise<void>;
}

/** {@link DeliveryLog} in the control table: one conditional put per delivery, removed by TTL. */
export function dynamoDeliveryLog(doc: DynamoDBDocumentClient, tableName: string): DeliveryLog {
  const key = (id: string) => ({ pk: keys.webhookPk(id), sk: keys.webhookSk });
  return {
    async remember(id, expiresAtMs, nowMs) {
      try {
        await doc.send(
          new PutCommand({
            TableName: tableName,
            Item: { ...key(id), expiresAt: Math.ceil(expiresAtMs / 1000) },
            // TTL deletes lazily: an expired item left behind does not count as seen.
            ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now',
            ExpressionAttributeValues: { ':now': Math.floor(nowMs / 1000) },
          }),
        );
        return true;
      } catch (err) {
        if (
          err instanceof ConditionalCheckFailedException ||
          (err as { name?: string }).name === 'ConditionalCheckFailedException'
        )
          return false;
        throw err;
      }
    },
    async forget(id) {
      await doc.send(new DeleteCommand({ TableName: tableName, Key: key(id) }));
    },
  };
}
