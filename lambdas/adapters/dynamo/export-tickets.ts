import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { TicketRecord } from '../../domain/export-ticket';
import { keys } from '../../shared/tables';
import * as z from '../../shared/zod';

const StoredTicketSchema = z.object({
  agencyId: z.string().check(z.minLength(1)),
  path: z.string(),
  query: z.string(),
  expiresAt: z.number(),
});

const isConditionFailed = (err: unknown) =>
  err instanceof ConditionalCheckFailedException ||
  (err as { name?: string } | null)?.name === 'ConditionalCheckFailedException';

/** Stores a new ticket under its hash (PutItem on a `TICKET#` key; a hash already there is never overwritten). */
export async function putTicket(
  doc: DynamoDBDocumentClient,
  tableName: string,
  hash: string,
  record: TicketRecord,
): Promise<void> {
  await doc.send(
    new PutCommand({
      TableName: tableName,
      Item: { pk: keys.ticketPk(hash), sk: keys.ticketSk, ...record },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
}

/**
 * Consumes a ticket: one conditional DeleteItem that returns what it deleted. Of any number of
 * concurrent redemptions exactly one gets the record; the others (and any later one) get undefined.
 * Expiry is the caller's to check: TTL deletes lazily, so an expired ticket may still be returned.
 */
export async function consumeTicket(
  doc: DynamoDBDocumentClient,
  tableName: string,
  hash: string,
): Promise<TicketRecord | undefined> {
  try {
    const out = await doc.send(
      new DeleteCommand({
        TableName: tableName,
        Key: { pk: keys.ticketPk(hash), sk: keys.ticketSk },
        ConditionExpression: 'attribute_exists(pk)',
        ReturnValues: 'ALL_OLD',
      }),
    );
    const parsed = StoredTicketSchema.safeParse(out.Attributes);
    return parsed.success ? parsed.data : undefined;
  } catch (err) {
    if (isConditionFailed(err)) return undefined;
    throw err;
  }
}
