import { createHash, randomBytes } from 'node:crypto';
import { type DynamoDBDocumentClient, GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from '../../shared/tables';
import * as z from '../../shared/zod';

/**
 * Read-only access keys of agencies (scripts, a wall display), in the control
 * table. A key is stored only as its SHA-256 hash (`APIKEY#<hash>` -> agency and
 * key id), next to a listing entry under the agency (`ACCESSKEY#<keyId>`) that
 * owners see and revoke. The plaintext is returned once, at creation.
 */

const ApiKeyItemSchema = z.object({
  agencyId: z.string().check(z.minLength(1)),
  keyId: z.optional(z.string()),
});

/** SHA-256 hex of an access key: the only form in which a key is stored or looked up. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** An access key as owners see it in the list: never the key itself. */
export const AccessKeySchema = z.object({
  keyId: z.string().check(z.minLength(1)),
  label: z.string(),
  createdAt: z.string(),
});
export type AccessKey = z.infer<typeof AccessKeySchema>;

const AccessKeyListingSchema = z.object({ ...AccessKeySchema.shape, keyHash: z.string() });

/**
 * Creates a read-only access key for an agency (scripts, a wall display): 32
 * random bytes, base64url. Returns the plaintext key once; only its hash is
 * stored, next to a listing entry (id, label, date) owners can see and revoke.
 */
export async function createAccessKey(
  doc: DynamoDBDocumentClient,
  controlTable: string,
  agencyId: string,
  label = 'access key',
  now: Date = new Date(),
): Promise<{ key: string; accessKey: AccessKey }> {
  const key = randomBytes(32).toString('base64url');
  const keyHash = hashApiKey(key);
  const accessKey = { keyId: randomBytes(9).toString('base64url'), label, createdAt: now.toISOString() };
  await doc.send(
    new TransactWriteCommand({
      TransactItems: [
        {
          Put: {
            TableName: controlTable,
            Item: { pk: keys.apiKeyPk(keyHash), sk: keys.apiKeySk, agencyId, keyId: accessKey.keyId },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        {
          Put: {
            TableName: controlTable,
            Item: { pk: keys.agencyPk(agencyId), sk: keys.accessKeySk(accessKey.keyId), ...accessKey, keyHash },
          },
        },
      ],
    }),
  );
  return { key, accessKey };
}

/** Creates an access key and returns only the plaintext (see {@link createAccessKey}). */
export async function createApiKey(
  doc: DynamoDBDocumentClient,
  controlTable: string,
  agencyId: string,
): Promise<string> {
  return (await createAccessKey(doc, controlTable, agencyId)).key;
}

/** The agency (and key id) an access key belongs to; undefined for an unknown, revoked or malformed key. */
export async function resolveAccessKey(
  doc: DynamoDBDocumentClient,
  controlTable: string,
  key: string,
): Promise<{ agencyId: string; keyId: string } | undefined> {
  // A real key is 43 base64url chars; anything far off is rejected without a read.
  if (key.length < 16 || key.length > 256) return undefined;
  const out = await doc.send(
    new GetCommand({ TableName: controlTable, Key: { pk: keys.apiKeyPk(hashApiKey(key)), sk: keys.apiKeySk } }),
  );
  if (!out.Item) return undefined;
  const item = ApiKeyItemSchema.parse(out.Item);
  return { agencyId: item.agencyId, keyId: item.keyId ?? 'unlisted' };
}

/** The agency an access key belongs to; undefined for an unknown or malformed key. */
export async function resolveApiKey(
  doc: DynamoDBDocumentClient,
  controlTable: string,
  key: string,
): Promise<string | undefined> {
  return (await resolveAccessKey(doc, controlTable, key))?.agencyId;
}

/** An agency's access keys, newest first. */
export async function listAccessKeys(
  doc: DynamoDBDocumentClient,
  controlTable: string,
  agencyId: string,
): Promise<AccessKey[]> {
  const out = await doc.send(
    new QueryCommand({
      TableName: controlTable,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
      ExpressionAttributeValues: { ':pk': keys.agencyPk(agencyId), ':sk': keys.accessKeySkPrefix },
    }),
  );
  return (out.Items ?? [])
    .map((item) => AccessKeySchema.parse(item))
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

/** Revokes one of the agency's access keys (both items, in one transaction); false when it has no such key. */
export async function revokeAccessKey(
  doc: DynamoDBDocumentClient,
  controlTable: string,
  agencyId: string,
  keyId: string,
): Promise<boolean> {
  const out = await doc.send(
    new GetCommand({ TableName: controlTable, Key: { pk: keys.agencyPk(agencyId), sk: keys.accessKeySk(keyId) } }),
  );
  if (!out.Item) return false;
  const listing = AccessKeyListingSchema.parse(out.Item);
  await doc.send(
    new TransactWriteCommand({
      TransactItems: [
        { Delete: { TableName: controlTable, Key: { pk: keys.apiKeyPk(listing.keyHash), sk: keys.apiKeySk } } },
        { Delete: { TableName: controlTable, Key: { pk: keys.agencyPk(agencyId), sk: keys.accessKeySk(keyId) } } },
      ],
    }),
  );
  return true;
}
