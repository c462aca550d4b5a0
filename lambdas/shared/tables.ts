/**
 * The one definition of every DynamoDB table. The CDK constructs and the local
 * bootstrap both build their tables from these objects, so the two cannot drift.
 *
 * Key layout (single-purpose tables, string keys `pk` / `sk`):
 *
 * - transactions: `pk = MODEL#<modelId>`, `sk = TX#<txKey>`; stream NEW_AND_OLD_IMAGES;
 *                 GSI `byDate`: `pk`, `date` (a model's latest rows first, one page at a time).
 * - control:      `pk = MODEL#<modelId>`, `sk = MODEL` (model config + cursor + status + lease);
 *                 `pk = MODEL#<modelId>`, `sk = RUN#<endedAt ISO>#<run id>` (one sync run's record, TTL `expiresAt`);
 *                 `pk = CONN#<connectionId>`, `sk = LOCK` (token-refresh lock);
 *                 `pk = CREATOR#<creatorUuid>`, `sk = MODEL#<modelId>` (creator index for webhooks);
 *                 `pk = AGENCY#<agencyId>`, `sk = AGENCY` (agency name);
 *                 `pk = APIKEY#<sha256 hex>`, `sk = APIKEY` (dashboard access key -> agencyId, keyId);
 *                 `pk = AGENCY#<agencyId>`, `sk = MEMBER#<userId>` (member: email, role);
 *                 `pk = AGENCY#<agencyId>`, `sk = ACCESSKEY#<keyId>` (access key listing: label, hash);
 *                 `pk = AGENCY#<agencyId>`, `sk = CONNECTION#<connectionId>` (Fanvue connection made from the dashboard);
 *                 `pk = OAUTHSTATE#<sha256 hex>`, `sk = OAUTHSTATE` (pending Fanvue authorization, TTL `expiresAt`);
 *                 `pk = WEBHOOK#<delivery hash>`, `sk = WEBHOOK` (webhook replay guard, TTL `expiresAt`);
 *                 `pk = COLUMNS#<agencyId>`, `sk = COLUMNS` (`nextColumn`: the agency's column-ordinal counter);
 *                 `pk = TICKET#<sha256 hex>`, `sk = TICKET` (single-use CSV download ticket, TTL `expiresAt`);
 *                 GSI `byAgency`: `gsi1pk = AGENCY#<agencyId>`, `gsi1sk = MODEL#<modelId>`.
 * - totals:       `pk = AGENCY#<agencyId>` or `MODEL#<modelId>`, `sk = TOTAL`
 *                 or `ZDAY#<zone>#<yyyy-mm-dd>` (local day in the agency's zone; the agency's also has
 *                 per-model columns `G|N|C<column in base 36>`, or `m#<modelId>#g|n|c` for a model
 *                 registered before column ordinals existed); `DAY#<yyyy-mm-dd>` (UTC day) items are
 *                 no longer written (left from before, never read or reconciled);
 *                 `pk = MARKER#<eventID>`, `sk = MARKER` (exactly-once markers, TTL `expiresAt`).
 *                 An agency's items are sharded: `AGENCY#<agencyId>` (shard 0) and `AGENCY#<agencyId>#S<k>`
 *                 (k = 1..AGENCY_SHARDS-1) carry the same sort keys, and a figure is the sum over its shards
 *                 (concurrent aggregators add to different shards instead of cancelling each other).
 */
export interface KeyAttribute {
  readonly name: string;
  readonly type: 'S' | 'N';
}

export interface GlobalIndexDefinition {
  readonly indexName: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
}

export interface TableDefinition {
  /** Logical id; also the suffix of the physical table name. */
  readonly id: 'transactions' | 'control' | 'totals';
  readonly partitionKey: KeyAttribute;
  readonly sortKey: KeyAttribute;
  readonly stream?: 'NEW_AND_OLD_IMAGES';
  readonly timeToLiveAttribute?: string;
  readonly globalIndexes: readonly GlobalIndexDefinition[];
}

const pk: KeyAttribute = { name: 'pk', type: 'S' };
const sk: KeyAttribute = { name: 'sk', type: 'S' };

export const transactionsTable: TableDefinition = {
  id: 'transactions',
  partitionKey: pk,
  sortKey: sk,
  stream: 'NEW_AND_OLD_IMAGES',
  globalIndexes: [{ indexName: 'byDate', partitionKey: pk, sortKey: { name: 'date', type: 'S' } }],
};

export const controlTable: TableDefinition = {
  id: 'control',
  partitionKey: pk,
  sortKey: sk,
  // Pending Fanvue authorizations, webhook replay guards and sync run records expire.
  timeToLiveAttribute: 'expiresAt',
  globalIndexes: [
    {
      indexName: 'byAgency',
      partitionKey: { name: 'gsi1pk', type: 'S' },
      sortKey: { name: 'gsi1sk', type: 'S' },
    },
  ],
};

export const totalsTable: TableDefinition = {
  id: 'totals',
  partitionKey: pk,
  sortKey: sk,
  timeToLiveAttribute: 'expiresAt',
  globalIndexes: [],
};

export const tableDefinitions = [transactionsTable, controlTable, totalsTable] as const;

/**
 * Shards of every agency totals item. Each stream shard's aggregator adds to one shard of the
 * agency's items (and moves to another after a TransactionConflict), so up to this many
 * aggregators write an agency at once without cancelling each other; readers sum the shards.
 */
export const AGENCY_SHARDS = 8;

const AGENCY_SHARD_SUFFIX = /#S\d+$/;

/** Key builders: the only place key strings are spelled. */
export const keys = {
  modelPk: (modelId: string) => `MODEL#${modelId}`,
  agencyPk: (agencyId: string) => `AGENCY#${agencyId}`,
  /** Physical pk of shard `shard` of an agency's totals items (shard 0 is the logical pk itself). */
  agencyShardPk: (logicalPk: string, shard: number) => (shard === 0 ? logicalPk : `${logicalPk}#S${shard}`),
  /** Every physical pk of an agency's totals items. */
  agencyShardPks: (logicalPk: string) =>
    Array.from({ length: AGENCY_SHARDS }, (_, k) => (k === 0 ? logicalPk : `${logicalPk}#S${k}`)),
  /** The logical pk of a totals item (an agency shard's pk without its shard suffix). */
  logicalTotalsPk: (pk: string) => (pk.startsWith('AGENCY#') ? pk.replace(AGENCY_SHARD_SUFFIX, '') : pk),
  txSk: (txKey: string) => `TX#${txKey}`,
  modelSk: 'MODEL',
  /** Control table: one sync run's record under `modelPk(id)`; ISO times sort, so a reverse Query is newest first. */
  runSk: (endedAt: string, runId: string) => `RUN#${endedAt}#${runId}`,
  runSkPrefix: 'RUN#',
  connectionPk: (connectionId: string) => `CONN#${connectionId}`,
  lockSk: 'LOCK',
  totalSk: 'TOTAL',
  /** Totals table: a retired UTC-day item (no longer written; reconciliation skips what is left of them). */
  daySk: (day: string) => `DAY#${day}`,
  /** Totals table: one local day in an IANA zone (`ZDAY#Europe/Berlin#2026-03-29`). */
  zoneDaySk: (zone: string, day: string) => `ZDAY#${zone}#${day}`,
  markerPk: (eventId: string) => `MARKER#${eventId}`,
  markerSk: 'MARKER',
  /** Control table: agency record `{ agencyId, name }` under `agencyPk(id)`. */
  agencySk: 'AGENCY',
  /** Control table: dashboard access key `{ agencyId }`, keyed by the key's SHA-256 hex (the key itself is never stored). */
  apiKeyPk: (sha256Hex: string) => `APIKEY#${sha256Hex}`,
  apiKeySk: 'APIKEY',
  /** Control table: creator index `{ modelId, agencyId }` under `creatorPk(uuid)`, `sk = modelPk(id)` (webhooks name creators). */
  creatorPk: (creatorUuid: string) => `CREATOR#${creatorUuid}`,
  /** Control table: a member of an agency `{ userId, email, role }` under `agencyPk(id)`. */
  memberSk: (userId: string) => `MEMBER#${userId}`,
  memberSkPrefix: 'MEMBER#',
  /** Control table: an access key's listing `{ keyId, label, createdAt, keyHash }` under `agencyPk(id)`. */
  accessKeySk: (keyId: string) => `ACCESSKEY#${keyId}`,
  accessKeySkPrefix: 'ACCESSKEY#',
  /** Control table: an agency's Fanvue connection `{ connectionId, connectedAt, connectedBy }` under `agencyPk(id)`. */
  connectionSk: (connectionId: string) => `CONNECTION#${connectionId}`,
  connectionSkPrefix: 'CONNECTION#',
  /** Control table: a pending Fanvue authorization, keyed by the SHA-256 of its `state`. */
  oauthStatePk: (stateHash: string) => `OAUTHSTATE#${stateHash}`,
  oauthStateSk: 'OAUTHSTATE',
  /** Control table: a webhook delivery already accepted (replay guard), expiring with its signature. */
  webhookPk: (deliveryId: string) => `WEBHOOK#${deliveryId}`,
  webhookSk: 'WEBHOOK',
  /** Control table: an agency's column-ordinal counter `{ nextColumn }` (models' compact totals columns). */
  columnCounterPk: (agencyId: string) => `COLUMNS#${agencyId}`,
  columnCounterSk: 'COLUMNS',
  /** Control table: a CSV download ticket, keyed by the SHA-256 of the ticket (the ticket itself is never stored). */
  ticketPk: (ticketHash: string) => `TICKET#${ticketHash}`,
  ticketSk: 'TICKET',
} as const;

/**
 * Leading-key prefixes of the control table, by who writes them. IAM policies condition
 * writes on these (`dynamodb:LeadingKeys`), so a role can only write its own kinds of items.
 */
export const controlKeyPrefixes = {
  /** The sync: model records (lease, cursor, status), their run records (`RUN#` items) and token-refresh locks. */
  sync: ['MODEL#', 'CONN#'],
  /** The API: webhook replay-guard items. */
  api: ['WEBHOOK#'],
  /** The API's accounts routes: members, access-key listings (AGENCY#), access keys, pending Fanvue authorizations. */
  accounts: ['AGENCY#', 'APIKEY#', 'OAUTHSTATE#'],
  /** The API's connect flow: model records and the creator index it registers, token-refresh locks, column counters. */
  connect: ['MODEL#', 'CREATOR#', 'CONN#', 'COLUMNS#'],
  /** Agency records (name, time zone): read by the aggregator, zone switch by the reconciliation. */
  agency: ['AGENCY#'],
  /** Model records: read by the aggregator for the models' column ordinals. */
  models: ['MODEL#'],
  /** CSV download tickets: put by the API, consumed (deleted) by the export function. */
  tickets: ['TICKET#'],
} as const;
