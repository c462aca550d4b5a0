import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import { ROLES } from '../../domain/access';
import { keys } from '../../shared/tables';
import * as z from '../../shared/zod';

/**
 * Members of an agency, in the control table (`AGENCY#<id>` / `MEMBER#<userId>`).
 * The record is checked on every signed-in request, so removing it refuses the
 * member's next request even while their token is still valid.
 */

export const MemberSchema = z.object({
  agencyId: z.string().check(z.minLength(1)),
  /** The identity provider's `sub`. */
  userId: z.string().check(z.minLength(1)),
  email: z.string().check(z.minLength(3)),
  role: z.enum(ROLES),
  addedAt: z.string(),
  /** userId of the owner who invited them; absent for the first owner. */
  invitedBy: z.optional(z.string()),
});
export type Member = z.infer<typeof MemberSchema>;

/** Creates or replaces a member record. */
export async function putMember(doc: DynamoDBDocumentClient, table: string, member: Member): Promise<void> {
  const m = MemberSchema.parse(member);
  await doc.send(
    new PutCommand({ TableName: table, Item: { pk: keys.agencyPk(m.agencyId), sk: keys.memberSk(m.userId), ...m } }),
  );
}

/** One member of one agency; undefined when that user is not (or no longer) a member. */
export async function getMember(
  doc: DynamoDBDocumentClient,
  table: string,
  agencyId: string,
  userId: string,
): Promise<Member | undefined> {
  const out = await doc.send(
    new GetCommand({ TableName: table, Key: { pk: keys.agencyPk(agencyId), sk: keys.memberSk(userId) } }),
  );
  return out.Item ? MemberSchema.parse(out.Item) : undefined;
}

/** Every member of an agency, by e-mail. */
export async function listMembers(doc: DynamoDBDocumentClient, table: string, agencyId: string): Promise<Member[]> {
  const members: Member[] = [];
  let start: QueryCommandOutput['LastEvaluatedKey'];
  do {
    const out = await doc.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
        ExpressionAttributeValues: { ':pk': keys.agencyPk(agencyId), ':sk': keys.memberSkPrefix },
        ExclusiveStartKey: start,
      }),
    );
    for (const item of out.Items ?? []) members.push(MemberSchema.parse(item));
    start = out.LastEvaluatedKey;
  } while (start);
  return members.sort((a, b) => a.email.localeCompare(b.email));
}

/** Removes a member; true when there was one to remove. */
export async function deleteMember(
  doc: DynamoDBDocumentClient,
  table: string,
  agencyId: string,
  userId: string,
): Promise<boolean> {
  const out = await doc.send(
    new DeleteCommand({
      TableName: table,
      Key: { pk: keys.agencyPk(agencyId), sk: keys.memberSk(userId) },
      ReturnValues: 'ALL_OLD',
    }),
  );
  return out.Attributes !== undefined;
}
