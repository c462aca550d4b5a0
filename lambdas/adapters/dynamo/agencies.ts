import { createHash, randomBytes } from 'node:crypto';
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from '../../shared/tables';
import * as z from '../../shared/zod';

/**
 * Agencies and their dashboard access keys, in the control table. A key is
 * stored only as its SHA-256 hash; the plaintext is returned once at creation.
 */

/** An agency as stored. */
export const AgencySchema = z.object({
  agencyId: z.string().check(z.minLength(1)),
  name: z.string().check(z.minLength(1)),
});
export type Agency = z.infer<typeof AgencySchema>;

const ApiKeyItemSchema = z.object({ agencyId: z.string().check(z.minLength(1)) });

/** SHA-256 hex of an access key: the only form in which a key is stored or looked up. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** Creates or replaces an agency record. */
export async function putAgency(doc: DynamoDBDocumentClient, controlTable: string, agency: Agency): Promise<void> {
  const a = AgencySchema.parse(agency);
  await doc.send(
    new PutCommand({ TableName: controlTable, Item: { pk: keys.agencyPk(a.agencyId), sk: keys.agencySk, ...a } }),
  );
}

/** Reads an agency record; undefined when there is none. */
export async function getAgency(
  doc: DynamoDBDocumentClient,
  controlTable: string,
  agencyId: string,
): Promise<Agency | undefined> {
  const out = await doc.send(
    new GetCommand({ TableName: controlTable, Key: { pk: keys.agencyPk(agencyId), sk: keys.agencySk } }),
  );
  return out.Item ? AgencySchema.parse(out.Item) : undefined;
}

/**
 * Creates a dashboard access key for an agency: 32 random bytes, base64url.
 * Returns the plaintext key once; only its hash is stored.
 */
export async function createApiKey(
  doc: DynamoDBDocumentClient,
  controlTable: string,
  agencyId: string,
): Promise<string> {
  const key = randomBytes(32).toString('base64url');
  await doc.send(
    new PutCommand({
      TableName: controlTable,
      Item: { pk: keys.apiKeyPk(hashApiKey(key)), sk: keys.apiKeySk, agencyId, createdAt: new Date().toISOString() },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
  return key;
}

/** The agency an access key belongs to; undefined for an unknown or malformed key. */
export async function resolveApiKey(
  doc: DynamoDBDocumentClient,
  controlTable: string,
  key: string,
): Promise<string | undefined> {
  // A real key is 43 base64url chars; anything far off is rejected without a read.
  if (key.length < 16 || key.length > 256) return undefined;
  const out = await doc.send(
    new GetCommand({ TableName: controlTable, Key: { pk: keys.apiKeyPk(hashApiKey(key)), sk: keys.apiKeySk } }),
  );
  if (!out.Item) return undefined;
  return ApiKeyItemSchema.parse(out.Item).agencyId;
}
