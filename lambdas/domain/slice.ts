import type { ResumePoint } from './model';

/**
 * Slices of a sync window. A window `[start, now)` is read as one slice until a
 * slice holding id-less rows does not fit in one run: its ordinals are only stable
 * over one whole read, so it cannot resume from a page token, and it is halved
 * instead (its end stays fixed from then on). A slice that completes quickly lets
 * the next one grow again. Every completed slice moves the cursor, so any history
 * converges, with or without row ids.
 */

/**
 * Consecutive slices overlap by this much: Fanvue's `startDate` may be exclusive, so
 * rows dated exactly at a slice's end are read by the next one. A slice holds either
 * all identical rows of one timestamp or none, so ordinals agree across the overlap.
 */
export const SLICE_OVERLAP_MS = 1;
/** Halving stops here (a single second holding more identical rows than one run reads is out of scope). */
export const MIN_SLICE_MS = 1_000;

const iso = (ms: number) => new Date(ms).toISOString();

/** A slice from `start` to `target`, or `len` long when given (the last one ends at `target`). */
export function sliceFrom(start: number, target: number, len: number | undefined): ResumePoint {
  const end = len === undefined ? target : Math.min(start + len, target);
  return {
    windowStart: iso(start),
    windowEnd: iso(Math.max(end, start + 1)),
    pages: 0,
    ...(len !== undefined && end < target && { sliceMs: len }),
  };
}

/** The slice after a completed one, up to `target`, or undefined when the completed one reached it. */
export function sliceAfter(done: ResumePoint, target: number, len: number | undefined): ResumePoint | undefined {
  const end = Date.parse(done.windowEnd);
  if (end >= target) return undefined;
  return sliceFrom(end - SLICE_OVERLAP_MS, target, len);
}

/** The first half of a slice that did not fit in one run (same start, fixed new end), read from its start. */
export function halve(slice: ResumePoint): ResumePoint {
  const start = Date.parse(slice.windowStart);
  const len = Math.max(MIN_SLICE_MS, Math.floor((Date.parse(slice.windowEnd) - start) / 2));
  const end = Math.min(start + len, Date.parse(slice.windowEnd));
  return { windowStart: slice.windowStart, windowEnd: iso(end), pages: 0, sliceMs: len };
}

/** The slice restarted from its start (no page token, no high-water), bounds and length unchanged. */
export function restart(slice: ResumePoint): ResumePoint {
  return {
    windowStart: slice.windowStart,
    windowEnd: slice.windowEnd,
    pages: 0,
    ...(slice.sliceMs !== undefined && { sliceMs: slice.sliceMs }),
  };
}

/** Length of the next slice: doubled when the last one took under a quarter of the budget. */
export function nextLength(len: number | undefined, tookMs: number, budgetMs: number): number | undefined {
  if (len === undefined) return undefined;
  return tookMs < budgetMs / 4 ? len * 2 : len;
}
