import * as z from '../shared/zod';

/** Sync state shown on the dashboard. */
export const SYNC_STATUSES = ['idle', 'syncing', 'ok', 'error'] as const;
export type SyncStatus = (typeof SYNC_STATUSES)[number];

/**
 * The slice of a window being read: its bounds are fixed once chosen, so an
 * interrupted slice restarts (or resumes) only itself. Saved after every durably
 * written page and when a slice completes (then it names the next slice).
 */
export const ResumePointSchema = z.object({
  /** Slice bounds as sent to Fanvue (`startDate`, `endDate` exclusive). */
  windowStart: z.iso.datetime(),
  windowEnd: z.iso.datetime(),
  /**
   * Fanvue's `nextCursor` for the next page of this slice. Absent: read the slice from its
   * start (it holds id-less rows, whose ordinals are only stable over one whole read).
   */
  pageToken: z.optional(z.string().check(z.minLength(1))),
  /** Newest row date stored so far in this slice (only with a page token). */
  highWater: z.optional(z.iso.datetime()),
  pages: z.number().check(z.int(), z.nonnegative()),
  /** Length of the slices that follow this one in its window; absent = the rest of the window. */
  sliceMs: z.optional(z.number().check(z.int(), z.positive())),
});
export type ResumePoint = z.infer<typeof ResumePointSchema>;

/** One connected model (creator): config, cursor, status and lease, in the control table. */
export const ModelRecordSchema = z.object({
  modelId: z.string().check(z.minLength(1)),
  agencyId: z.string().check(z.minLength(1)),
  displayName: z.string().check(z.minLength(1)),
  /** Fanvue creator user uuid (path of `/creators/{uuid}/insights/earnings`). */
  creatorUuid: z.string().check(z.minLength(1)),
  /** Names the secret holding this model's OAuth tokens (shared by models of one agency connection). */
  connectionId: z.string().check(z.minLength(1)),
  enabled: z._default(z.boolean(), true),
  /**
   * The model's column ordinal per agency (`agencyId -> n`): its figures on that agency's local-day
   * totals are the columns `G<n>`, `N<n>`, `C<n>` (see `modelColumns`). Allocated once from the
   * agency's counter when the model is connected to (or moved to) the agency, and never changed,
   * so a model moved back finds its old columns. Absent for an agency: the legacy `m#<modelId>#` names.
   */
  columns: z.optional(z.record(z.string(), z.number().check(z.int(), z.nonnegative()))),
  /** Committed cursor: newest stored row date once a whole window has been read. */
  cursor: z.optional(z.iso.datetime()),
  resume: z.optional(ResumePointSchema),
  /** Digests of the rows stored in the look-back overlap (txKey -> digest), so an idle re-read writes nothing. */
  overlap: z.optional(z.record(z.string(), z.string())),
  status: z._default(z.enum(SYNC_STATUSES), 'idle'),
  leaseOwner: z.optional(z.string()),
  /** Epoch ms. */
  leaseExpiresAt: z.optional(z.number().check(z.int())),
  lastSyncStartedAt: z.optional(z.iso.datetime()),
  lastSyncFinishedAt: z.optional(z.iso.datetime()),
  /** When a verified Fanvue webhook last started (or asked for) this model's sync. */
  lastWebhookAt: z.optional(z.iso.datetime()),
  lastSuccessAt: z.optional(z.iso.datetime()),
  /** User-readable, never contains a secret. */
  lastError: z.optional(z.string()),
  lastErrorCode: z.optional(z.string()),
  consecutiveFailures: z._default(z.number().check(z.int(), z.nonnegative()), 0),
  /** Rows written by the last run / over the model's lifetime. */
  lastRunRows: z._default(z.number().check(z.int(), z.nonnegative()), 0),
  rowsWritten: z._default(z.number().check(z.int(), z.nonnegative()), 0),
  /** Set when a trigger found the model syncing: the running sync reads one more window before it stops. */
  rerunRequested: z.optional(z.boolean()),
  /** True while a window is unfinished (backfill or budget stop). */
  behind: z._default(z.boolean(), false),
  /** When the source audit last compared this model's recent history with Fanvue end to end. */
  lastVerifiedAt: z.optional(z.iso.datetime()),
  /** Rows that differed in that audit: missing here (then stored) plus gone from Fanvue (kept, reported). */
  differences: z.optional(z.number().check(z.int(), z.nonnegative())),
  /** The last audit run, complete or not (see `AuditRecord`). */
  lastAudit: z.optional(
    z.object({
      at: z.iso.datetime(),
      from: z.iso.datetime(),
      to: z.iso.datetime(),
      complete: z.boolean(),
      rowsChecked: z.number().check(z.int(), z.nonnegative()),
      missing: z.number().check(z.int(), z.nonnegative()),
      gone: z.number().check(z.int(), z.nonnegative()),
      updated: z.number().check(z.int(), z.nonnegative()),
    }),
  ),
});
export type ModelRecord = z.infer<typeof ModelRecordSchema>;

/** The model ids behind an agency's column ordinals (the reader's way back from `G<n>` to a model). */
export function modelsByColumn(
  models: Iterable<Pick<ModelRecord, 'modelId' | 'columns'>>,
  agencyId: string,
): Map<number, string> {
  const out = new Map<number, string>();
  for (const m of models) {
    const column = m.columns?.[agencyId];
    if (column !== undefined) out.set(column, m.modelId);
  }
  return out;
}
