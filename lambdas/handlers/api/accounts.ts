import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { createAccessKey, listAccessKeys, revokeAccessKey } from '../../adapters/dynamo/access-keys';
import { getAgency } from '../../adapters/dynamo/agencies';
import { deleteMember, getMember, listMembers, putMember } from '../../adapters/dynamo/members';
import { permissions, ROLES, UserExistsError } from '../../domain/access';
import { HttpError } from '../../shared/errors';
import * as z from '../../shared/zod';
import { authorize } from './auth';
import { type ApiResult, bodyText, json } from './http';
import { type ApiDeps, safeDecode } from './routes';

/**
 * Accounts routes: who am I, the agency's members (owners invite and remove)
 * and its read-only access keys (owners list, create and revoke). Every lookup
 * is under the caller's own agency, so another agency's member or key is a 404.
 */

const InviteSchema = z.strictObject({
  email: z
    .string()
    .check(z.trim(), z.toLowerCase(), z.regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, 'a valid e-mail is required')),
  role: z.enum(ROLES, 'role must be owner, admin or viewer'),
});
const NewKeySchema = z.strictObject({
  label: z.string().check(z.trim(), z.minLength(1, 'label is required'), z.maxLength(80, 'label is too long')),
});
const ID = /^[\w.@:+-]{1,128}$/;

/** The request body parsed as JSON with `schema`; 400 with the first problem otherwise. */
export function parseBody<T>(event: APIGatewayProxyEventV2, schema: z.ZodMiniType<T>): T {
  let raw: unknown;
  try {
    raw = JSON.parse(bodyText(event) || '{}');
  } catch {
    throw new HttpError(400, 'body must be JSON');
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new HttpError(400, parsed.error.issues[0]?.message ?? 'invalid request');
  return parsed.data;
}

function pathId(raw: string, what: string): string {
  const id = safeDecode(raw);
  if (!ID.test(id)) throw new HttpError(404, `${what} not found`);
  return id;
}

/** GET /api/me: the caller's agency, role and what the dashboard may offer them. */
async function me(deps: ApiDeps, event: APIGatewayProxyEventV2): Promise<ApiResult> {
  const who = await authorize(deps, event, 'read');
  const agency = await getAgency(deps.doc, deps.tables.control, who.agencyId);
  return json(200, {
    agency: { id: who.agencyId, name: agency?.name ?? who.agencyId },
    ...(who.kind === 'user' ? { kind: 'member', email: who.email, role: who.role } : { kind: 'key', role: 'viewer' }),
    permissions: permissions(who),
  });
}

async function invite(deps: ApiDeps, event: APIGatewayProxyEventV2): Promise<ApiResult> {
  const who = await authorize(deps, event, 'manage', 'member');
  const body = parseBody(event, InviteSchema);
  if (!deps.auth) throw new HttpError(404, 'sign-in is not configured');
  let userId: string;
  try {
    ({ userId } = await deps.auth.directory.invite({ ...body, agencyId: who.agencyId }));
  } catch (err) {
    if (err instanceof UserExistsError) throw new HttpError(409, err.message);
    throw err;
  }
  const member = {
    agencyId: who.agencyId,
    userId,
    email: body.email,
    role: body.role,
    addedAt: new Date(deps.clock.now()).toISOString(),
    ...(who.kind === 'user' && { invitedBy: who.userId }),
  };
  await putMember(deps.doc, deps.tables.control, member);
  deps.logger.info('member invited', { agencyId: who.agencyId, userId, role: body.role });
  return json(201, { member });
}

async function remove(deps: ApiDeps, event: APIGatewayProxyEventV2, rawId: string): Promise<ApiResult> {
  const who = await authorize(deps, event, 'manage', 'member');
  const userId = pathId(rawId, 'member');
  if (who.kind === 'user' && who.userId === userId) throw new HttpError(400, 'you cannot remove yourself');
  if (!(await getMember(deps.doc, deps.tables.control, who.agencyId, userId)))
    throw new HttpError(404, 'member not found');
  // The record first: from here on the member's requests are refused, whatever the directory does.
  await deleteMember(deps.doc, deps.tables.control, who.agencyId, userId);
  await deps.auth?.directory.remove(userId);
  deps.logger.info('member removed', { agencyId: who.agencyId, userId });
  return { statusCode: 204 };
}

/** Routes under /api/me, /api/members and /api/access-keys; undefined when the path is none of them. */
export async function accountsRoute(
  deps: ApiDeps,
  event: APIGatewayProxyEventV2,
  method: string,
  path: string,
): Promise<ApiResult | undefined> {
  const only = (...allowed: string[]) => {
    if (!allowed.includes(method)) throw new HttpError(405, 'method not allowed');
  };
  if (path === '/api/me') {
    only('GET');
    return me(deps, event);
  }
  if (path === '/api/members') {
    only('GET', 'POST');
    if (method === 'POST') return invite(deps, event);
    const who = await authorize(deps, event, 'manage', 'member');
    return json(200, { members: await listMembers(deps.doc, deps.tables.control, who.agencyId) });
  }
  const member = /^\/api\/members\/([^/]+)$/.exec(path)?.[1];
  if (member) {
    only('DELETE');
    return remove(deps, event, member);
  }
  if (path === '/api/access-keys') {
    only('GET', 'POST');
    const who = await authorize(deps, event, 'manage', 'member');
    if (method === 'GET') return json(200, { keys: await listAccessKeys(deps.doc, deps.tables.control, who.agencyId) });
    const { label } = parseBody(event, NewKeySchema);
    const created = await createAccessKey(
      deps.doc,
      deps.tables.control,
      who.agencyId,
      label,
      new Date(deps.clock.now()),
    );
    deps.logger.info('access key created', { agencyId: who.agencyId, keyId: created.accessKey.keyId });
    // The only time the key is ever shown.
    return json(201, { ...created.accessKey, key: created.key }, { 'cache-control': 'no-store' });
  }
  const key = /^\/api\/access-keys\/([^/]+)$/.exec(path)?.[1];
  if (key) {
    only('DELETE');
    const who = await authorize(deps, event, 'manage', 'member');
    const keyId = pathId(key, 'access key');
    if (!(await revokeAccessKey(deps.doc, deps.tables.control, who.agencyId, keyId)))
      throw new HttpError(404, 'access key not found');
    deps.logger.info('access key revoked', { agencyId: who.agencyId, keyId });
    return { statusCode: 204 };
  }
  return undefined;
}
