import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { KeysetPosition } from './store';

/** The parts of an earnings query a cursor is bound to (size may change between pages). */
export interface CursorScope {
  creatorUuid: string;
  startMs: number;
  endMs: number;
  source?: string | undefined;
  order: string;
}

const CursorPayloadSchema = z.object({ v: z.literal(1), d: z.number().int(), s: z.number().int(), q: z.string() });

/** A cursor that does not decode, or belongs to another query. */
export class CursorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CursorError';
  }
}

function scopeHash(scope: CursorScope): string {
  const key = JSON.stringify([scope.creatorUuid, scope.startMs, scope.endMs, scope.source ?? null, scope.order]);
  return createHash('sha256').update(key).digest('base64url').slice(0, 16);
}

/** Encodes the last row's position and the query it belongs to as an opaque base64url string. */
export function encodeCursor(pos: KeysetPosition, scope: CursorScope): string {
  return Buffer.from(JSON.stringify({ v: 1, d: pos.d, s: pos.s, q: scopeHash(scope) })).toString('base64url');
}

/** Decodes a cursor for this query; throws {@link CursorError} if it is garbage or from another query. */
export function decodeCursor(cursor: string, scope: CursorScope): KeysetPosition {
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new CursorError('invalid cursor');
  }
  const parsed = CursorPayloadSchema.safeParse(raw);
  if (!parsed.success) throw new CursorError('invalid cursor');
  if (parsed.data.q !== scopeHash(scope)) throw new CursorError('cursor does not belong to this query');
  return { d: parsed.data.d, s: parsed.data.s };
}
