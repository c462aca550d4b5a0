import * as z from 'zod/mini';
import { ROLES } from '../../lambdas/domain/access';
import { ApiError, failure } from './api';

/** The accounts routes of the API, parsed at the boundary. */

const ActionSchema = z.enum(['read', 'sync', 'connect', 'manage']);
export const MeSchema = z.object({
  agency: z.object({ id: z.string(), name: z.string() }),
  kind: z.enum(['member', 'key']),
  email: z.optional(z.string()),
  role: z.enum(ROLES),
  permissions: z.array(ActionSchema),
});
export type Me = z.infer<typeof MeSchema>;

export const MemberSchema = z.object({
  userId: z.string(),
  email: z.string(),
  role: z.enum(ROLES),
  addedAt: z.string(),
});
export type Member = z.infer<typeof MemberSchema>;

export const AccessKeySchema = z.object({ keyId: z.string(), label: z.string(), createdAt: z.string() });
export type AccessKey = z.infer<typeof AccessKeySchema>;

async function call<T>(
  credential: string,
  method: string,
  path: string,
  schema: z.ZodMiniType<T> | undefined,
  body?: unknown,
): Promise<T> {
  const res = await fetch(path, {
    method,
    headers: {
      authorization: `Bearer ${credential}`,
      accept: 'application/json',
      ...(body !== undefined && { 'content-type': 'application/json' }),
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  if (!res.ok) throw await failure(res);
  if (!schema) return undefined as T;
  const parsed = schema.safeParse(await res.json());
  if (!parsed.success) throw new ApiError(res.status, 'the server sent an answer this app cannot read');
  return parsed.data;
}

export const fetchMe = (credential: string) => call(credential, 'GET', '/api/me', MeSchema);
export const fetchMembers = (credential: string) =>
  call(credential, 'GET', '/api/members', z.object({ members: z.array(MemberSchema) })).then((r) => r.members);
export const inviteMember = (credential: string, invite: { email: string; role: Member['role'] }) =>
  call(credential, 'POST', '/api/members', z.object({ member: MemberSchema }), invite).then((r) => r.member);
export const removeMember = (credential: string, userId: string) =>
  call(credential, 'DELETE', `/api/members/${encodeURIComponent(userId)}`, undefined);
export const fetchAccessKeys = (credential: string) =>
  call(credential, 'GET', '/api/access-keys', z.object({ keys: z.array(AccessKeySchema) })).then((r) => r.keys);
export const createAccessKey = (credential: string, label: string) =>
  call(credential, 'POST', '/api/access-keys', z.object({ ...AccessKeySchema.shape, key: z.string() }), { label });
export const revokeAccessKey = (credential: string, keyId: string) =>
  call(credential, 'DELETE', `/api/access-keys/${encodeURIComponent(keyId)}`, undefined);
