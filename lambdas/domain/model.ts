import { z } from 'zod';

/** Sync state shown on the dashboard. */
export const SYNC_STATUSES = ['idle', 'syncing', 'ok', 'error'] as const;
export type SyncStatus = (typeof SYNC_STATUSES)[number];

/**
 * Where an unfinished window stopped: enough to resume it in the next
 * invocation without re-reading it. Saved after every durably written page.
 */
export const ResumePointSchema = z.object({
  /** Window bounds as sent to Fanvue (`startDate` inclusive-ish, `endDate` exclusive). */
  windowStart: z.string().datetime(),
  windowEnd: z.string().datetime(),
  /** Fanvue's `nextCursor` for the next page of this window. */
  pageToken: z.string().min(1),
  /** Newest row date stored so far in this window. */
  highWater: z.string().datetime().optional(),
  pages: z.number().int().nonnegative(),
});
export type ResumePoint = z.infer<typeof ResumePointSchema>;

/** One connected model (creator): config, cursor, status and lease, in the control table. */
export const ModelRecordSchema = z.object({
  modelId: z.string().min(1),
  agencyId: z.string().min(1),
  displayName: z.string().min(1),
  /** Fanvue creator user uuid (path of `/creators/{uuid}/insights/earnings`). */
  creatorUuid: z.string().min(1),
  /** Names the secret holding this model's OAuth tokens (shared by models of one agency connection). */
  connectionId: z.string().min(1),
  enabled: z.boolean().default(true),
  /** Committed cursor: newest stored row date once a whole window has been read. */
  cursor: z.string().datetime().optional(),
  resume: ResumePointSchema.optional(),
  /** Digests of the rows stored in the look-back overlap (txKey -> digest), so an idle re-read writes nothing. */
  overlap: z.record(z.string(), z.string()).optional(),
  status: z.enum(SYNC_STATUSES).default('idle'),
  leaseOwner: z.string().optional(),
  /** Epoch ms. */
  leaseExpiresAt: z.number().int().optional(),
  lastSyncStartedAt: z.string().datetime().optional(),
  lastSyncFinishedAt: z.string().datetime().optional(),
  lastSuccessAt: z.string().datetime().optional(),
  /** User-readable, never contains a secret. */
  lastError: z.string().optional(),
  lastErrorCode: z.string().optional(),
  consecutiveFailures: z.number().int().nonnegative().default(0),
  /** Rows written by the last run / over the model's lifetime. */
  lastRunRows: z.number().int().nonnegative().default(0),
  rowsWritten: z.number().int().nonnegative().default(0),
  /** True while a window is unfinished (backfill or budget stop). */
  behind: z.boolean().default(false),
});
export type ModelRecord = z.infer<typeof ModelRecordSchema>;
