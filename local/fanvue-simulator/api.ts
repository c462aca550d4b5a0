import { z } from 'zod';
import type { TokenFamily } from './auth';
import { malformRow, presentRow, type SimCore } from './core';
import { CursorError, type CursorScope, decodeCursor, encodeCursor } from './cursor';
import type { Reply } from './http-util';
import type { RouteKind } from './stats';

/** A request to the API host, reduced to what the routes need. */
export interface ApiRequest {
  method: string;
  url: URL;
  apiVersion: string | undefined;
  bearer: string | undefined;
}

/** A reply plus what the stats count it as. */
export interface ApiReply extends Reply {
  kind: RouteKind;
  creatorUuid?: string | undefined;
}

const isoDate = z.union([z.iso.datetime({ offset: true }), z.iso.date()]);

/** Query of both earnings routes. */
export const EarningsQuerySchema = z.object({
  startDate: isoDate.optional(),
  endDate: isoDate.optional(),
  cursor: z.string().min(1).optional(),
  size: z.coerce.number().int().min(1).max(50).default(20),
  source: z.string().min(1).optional(),
});

/** Query of `GET /creators`. */
export const CreatorsQuerySchema = z.object({
  page: z.coerce.number().int().min(1).default(1),
  size: z.coerce.number().int().min(1).max(50).default(20),
});

const CREATOR_ROUTE = /^\/creators\/([^/]+)\/insights\/earnings$/;
const FAR_FUTURE_MS = 8.64e15;

function routeOf(pathname: string): { kind: RouteKind; creatorUuid?: string } {
  if (pathname === '/creators') return { kind: 'creators' };
  if (pathname === '/insights/earnings') return { kind: 'ownEarnings' };
  const m = CREATOR_ROUTE.exec(pathname);
  if (m?.[1]) return { kind: 'creatorEarnings', creatorUuid: decodeURIComponent(m[1]) };
  return { kind: 'unknown' };
}

function query(url: URL): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of url.searchParams) if (!(k in out)) out[k] = v;
  return out;
}

/** Answers one request to the API host: storm, version, auth, rate limit, injected 5xx, then the route. */
export function handleApi(sim: SimCore, req: ApiRequest): ApiReply {
  const route = routeOf(req.url.pathname);
  const base = { kind: route.kind, creatorUuid: route.creatorUuid };
  const nowMs = sim.opts.now();
  const storm = sim.faults.takeStorm();
  if (storm) {
    const headers = {
      'retry-after': String(storm.retryAfterSeconds),
      'x-ratelimit-limit': String(sim.opts.rateLimit.capacity),
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': String(Math.ceil(nowMs / 1000) + storm.retryAfterSeconds),
    };
    return { ...base, status: 429, body: { error: 'rate limit exceeded' }, headers };
  }
  const version = checkVersion(sim, req.apiVersion, nowMs);
  if ('status' in version) return { ...base, ...version };
  const auth = req.bearer ? sim.tokens.authenticate(req.bearer) : undefined;
  if (!auth?.ok) {
    const error = auth ? `access token ${auth.reason}` : 'missing bearer token';
    return { ...base, status: 401, body: { error }, headers: { 'www-authenticate': 'Bearer', ...version.headers } };
  }
  const family = auth.family;
  const ownerUuid = route.kind === 'ownEarnings' ? family.owner : route.creatorUuid;
  const bucketKey = route.creatorUuid
    ? `${sim.opts.clientId}|${family.id}|creator:${route.creatorUuid}`
    : `${sim.opts.clientId}|${family.id}`;
  const limit = sim.limiter.take(bucketKey);
  const headers: Record<string, string> = {
    ...version.headers,
    'x-ratelimit-limit': String(limit.limit),
    'x-ratelimit-remaining': String(limit.remaining),
    'x-ratelimit-reset': String(limit.resetAt),
  };
  const withHeaders = (r: Omit<ApiReply, 'kind' | 'headers'>): ApiReply => ({
    ...base,
    creatorUuid: ownerUuid,
    ...r,
    headers,
  });
  if (!limit.allowed) {
    headers['retry-after'] = String(limit.retryAfter);
    return withHeaders({ status: 429, body: { error: 'rate limit exceeded' } });
  }
  const serverError = sim.faults.takeServerError();
  if (serverError) return withHeaders({ status: serverError, body: { error: 'internal server error' } });
  if (req.method !== 'GET')
    return withHeaders({ status: route.kind === 'unknown' ? 404 : 405, body: { error: 'method not allowed' } });
  switch (route.kind) {
    case 'creators':
      return withHeaders(listCreators(sim, family, req.url));
    case 'creatorEarnings':
    case 'ownEarnings':
      if (!ownerUuid) return withHeaders({ status: 403, body: { error: 'token has no creator of its own' } });
      if (!sim.store.has(ownerUuid)) return withHeaders({ status: 404, body: { error: 'creator not found' } });
      if (!family.creatorUuids.has(ownerUuid))
        return withHeaders({ status: 403, body: { error: 'token may not read this creator' } });
      return withHeaders(earnings(sim, ownerUuid, req.url));
    default:
      return withHeaders({ status: 404, body: { error: 'not found' } });
  }
}

function checkVersion(
  sim: SimCore,
  version: string | undefined,
  nowMs: number,
): { status: number; body: unknown } | { headers: Record<string, string> } {
  if (!version) return { status: 400, body: { error: 'missing X-Fanvue-API-Version header' } };
  if (sim.opts.sunsetVersions.includes(version))
    return { status: 410, body: { error: `API version ${version} is sunset` } };
  if (version === sim.opts.apiVersion) return { headers: {} };
  if (sim.opts.deprecatedVersions.includes(version)) {
    return { headers: { deprecation: 'true', sunset: new Date(nowMs + 90 * 86_400_000).toUTCString() } };
  }
  return { status: 400, body: { error: `unsupported API version ${version}` } };
}

function listCreators(sim: SimCore, family: TokenFamily, url: URL): Omit<ApiReply, 'kind'> {
  const parsed = CreatorsQuerySchema.safeParse(query(url));
  if (!parsed.success) return { status: 400, body: { error: z.prettifyError(parsed.error) } };
  const { page, size } = parsed.data;
  const readable = sim.creators.filter((c) => family.creatorUuids.has(c.uuid));
  const data = readable.slice((page - 1) * size, page * size).map((c) => ({ ...c }));
  return { status: 200, body: { data, pagination: { page, size, hasMore: readable.length > page * size } } };
}

function earnings(sim: SimCore, creatorUuid: string, url: URL): Omit<ApiReply, 'kind'> {
  const parsed = EarningsQuerySchema.safeParse(query(url));
  if (!parsed.success) return { status: 400, body: { error: z.prettifyError(parsed.error) } };
  const q = parsed.data;
  const startMs = q.startDate ? Date.parse(q.startDate) : 0;
  const endMs = q.endDate ? Date.parse(q.endDate) : FAR_FUTURE_MS;
  if (startMs > endMs) return { status: 400, body: { error: 'startDate must not be after endDate' } };
  const scope: CursorScope = { creatorUuid, startMs, endMs, source: q.source, order: sim.opts.order };
  let after: ReturnType<typeof decodeCursor> | undefined;
  try {
    after = q.cursor === undefined ? undefined : decodeCursor(q.cursor, scope);
  } catch (err) {
    if (err instanceof CursorError) return { status: 400, body: { error: err.message } };
    throw err;
  }
  const page = sim.store.page(creatorUuid, {
    startMs,
    endMs,
    source: q.source,
    order: sim.opts.order,
    after,
    size: q.size,
  });
  const last = page.rows.at(-1);
  const nextCursor = page.hasMore && last ? encodeCursor({ d: last.dateMs, s: last.seq }, scope) : null;
  const data: unknown[] = page.rows.map((r) => presentRow(r.row, sim.opts.withIds));
  const malform = data.length > 0 ? sim.faults.takeMalform(creatorUuid) : undefined;
  if (malform && page.rows[0]) data[0] = malformRow(presentRow(page.rows[0].row, sim.opts.withIds), malform);
  return { status: 200, body: { data, nextCursor } };
}
