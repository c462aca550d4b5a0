import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { ZoneLookup } from '../../domain/aggregate';
import { isTimeZone } from '../../domain/period';
import { keys } from '../../shared/tables';
import * as z from '../../shared/zod';

/** Agencies in the control table (their access keys: `access-keys.ts`). */
export { createApiKey, hashApiKey, resolveApiKey } from './access-keys';

/** An agency as stored. */
const Zone = z.string().check(z.refine(isTimeZone, 'unknown time zone'));

export const AgencySchema = z.object({
  agencyId: z.string().check(z.minLength(1)),
  name: z.string().check(z.minLength(1)),
  /** IANA zone that days, "today" and periods are counted in; its local-day totals are complete. @default 'UTC' */
  timeZone: z.optional(Zone),
  /** A new zone whose local-day totals reconciliation is still rebuilding; it replaces `timeZone` once built. */
  pendingTimeZone: z.optional(Zone),
});
export type Agency = z.infer<typeof AgencySchema>;

/** The zone an agency's figures are shown in. */
export function activeTimeZone(agency: Pick<Agency, 'timeZone'> | undefined): string {
  return agency?.timeZone ?? 'UTC';
}

/** Zones whose local-day buckets the aggregator keeps for an agency: its zone and a pending one. */
export function bucketZones(agency: Pick<Agency, 'timeZone' | 'pendingTimeZone'> | undefined): string[] {
  const active = activeTimeZone(agency);
  const pending = agency?.pendingTimeZone;
  return pending && pending !== active ? [active, pending] : [active];
}

/**
 * Reads the agencies' zone settings (BatchGetItem, 100 keys a request); an
 * agency with no record counts in UTC. Throws when DynamoDB keeps keys
 * unprocessed after retries, so no record is counted in the wrong zone.
 */
export function dynamoZoneLookup(doc: DynamoDBDocumentClient, controlTable: string): ZoneLookup {
  return async (agencyIds) => {
    const out = new Map<string, Agency | undefined>();
    const ids = [...new Set(agencyIds)];
    for (let i = 0; i < ids.length; i += 100) {
      let pending: Record<string, unknown>[] = ids
        .slice(i, i + 100)
        .map((id) => ({ pk: keys.agencyPk(id), sk: keys.agencySk }));
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt >= 5) throw new Error('agency zones: keys left unprocessed');
        if (attempt > 0) await new Promise((r) => setTimeout(r, 25 * 2 ** attempt));
        const res = await doc.send(new BatchGetCommand({ RequestItems: { [controlTable]: { Keys: pending } } }));
        for (const item of res.Responses?.[controlTable] ?? []) {
          const agency = AgencySchema.parse(item);
          out.set(agency.agencyId, agency);
        }
        pending = res.UnprocessedKeys?.[controlTable]?.Keys ?? [];
      }
    }
    return new Map(ids.map((id) => [id, bucketZones(out.get(id))]));
  };
}

/**
 * Asks for the agency's figures in a new zone. With no totals in the old zone
 * yet (`immediate`) it takes effect at once; otherwise it is pending until
 * reconciliation has rebuilt the new zone's local-day totals from the stored
 * transactions, and the dashboard keeps the old zone until then.
 */
export async function setAgencyTimeZone(
  doc: DynamoDBDocumentClient,
  controlTable: string,
  agencyId: string,
  zone: string,
  immediate: boolean,
): Promise<void> {
  const timeZone = Zone.parse(zone);
  await doc.send(
    new UpdateCommand({
      TableName: controlTable,
      Key: { pk: keys.agencyPk(agencyId), sk: keys.agencySk },
      UpdateExpression: immediate ? 'SET #tz = :z REMOVE #ptz' : 'SET #ptz = :z',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeNames: immediate
        ? { '#tz': 'timeZone', '#ptz': 'pendingTimeZone' }
        : { '#ptz': 'pendingTimeZone' },
      ExpressionAttributeValues: { ':z': timeZone },
    }),
  );
}

/** Makes a pending zone the agency's zone, if it is still the pending one (reconciliation has rebuilt it). */
export async function activatePendingZone(
  doc: DynamoDBDocumentClient,
  controlTable: string,
  agencyId: string,
  zone: string,
): Promise<boolean> {
  try {
    await doc.send(
      new UpdateCommand({
        TableName: controlTable,
        Key: { pk: keys.agencyPk(agencyId), sk: keys.agencySk },
        UpdateExpression: 'SET #tz = :z REMOVE #ptz',
        ConditionExpression: '#ptz = :z',
        ExpressionAttributeNames: { '#tz': 'timeZone', '#ptz': 'pendingTimeZone' },
        ExpressionAttributeValues: { ':z': zone },
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof Error && error.name === 'ConditionalCheckFailedException') return false;
    throw error;
  }
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
