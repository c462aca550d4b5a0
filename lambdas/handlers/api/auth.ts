import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { resolveAccessKey } from '../../adapters/dynamo/access-keys';
import { getMember } from '../../adapters/dynamo/members';
import { type Action, can, type Principal, ROLES, weakerRole } from '../../domain/access';
import { TokenRejectedError } from '../../domain/auth-ports';
import { HttpError } from '../../shared/errors';
import * as z from '../../shared/zod';
import { header } from './http';
import type { ApiAuth, ApiDeps } from './routes';

/**
 * Who is calling. A signed-in member sends the identity provider's ID token
 * (`Authorization: Bearer <JWT>`): it is verified as API Gateway's JWT
 * authorizer does, the agency and role are read from its claims, and the
 * member record is read on every request, so a removed member is refused at
 * once. A machine sends a read-only access key the same way.
 */

/** The claims this app reads; Cognito spells custom attributes `custom:<name>`, and the local issuer does too. */
export const MemberClaimsSchema = z.object({
  sub: z.string().check(z.minLength(1)),
  email: z.string().check(z.minLength(3)),
  'custom:agency': z.string().check(z.minLength(1)),
  'custom:role': z.enum(ROLES),
});

const JWT_SHAPE = /^[\w-]+\.[\w-]+\.[\w-]+$/;

/** What checking a caller needs: the API's and the export function's dependencies both have it. */
export type AuthDeps = Pick<ApiDeps, 'doc' | 'tables' | 'logger'> & { auth?: Pick<ApiAuth, 'verifier'> };

/** How a route may be called: by members only, by access keys only, or by either. */
export type Callers = 'member' | 'key' | 'any';

/** The bearer credential of a request, if any. */
function bearer(event: APIGatewayProxyEventV2): string | undefined {
  return /^Bearer\s+(\S+)\s*$/i.exec(header(event, 'authorization') ?? '')?.[1];
}

async function member(deps: AuthDeps, token: string): Promise<Principal> {
  if (!deps.auth) throw new HttpError(401, 'sign-in is not configured');
  let claims: z.infer<typeof MemberClaimsSchema>;
  try {
    const verified = await deps.auth.verifier.verify(token);
    const parsed = MemberClaimsSchema.safeParse(verified.claims);
    if (!parsed.success) throw new HttpError(403, 'this account is not a member of any agency');
    claims = parsed.data;
  } catch (err) {
    if (!(err instanceof TokenRejectedError)) throw err;
    deps.logger.info('sign-in token rejected', { reason: err.reason });
    throw new HttpError(401, 'sign-in expired or invalid');
  }
  const agencyId = claims['custom:agency'];
  const record = await getMember(deps.doc, deps.tables.control, agencyId, claims.sub);
  if (!record) throw new HttpError(401, 'you are no longer a member of this agency');
  return {
    kind: 'user',
    agencyId,
    userId: claims.sub,
    email: record.email,
    role: weakerRole(claims['custom:role'], record.role),
  };
}

/**
 * The caller of a request, allowed to do `action`: 401 when unknown (or a
 * credential of a kind the route does not take), 403 when not allowed.
 */
export async function authorize(
  deps: AuthDeps,
  event: APIGatewayProxyEventV2,
  action: Action,
  callers: Callers = 'any',
): Promise<Principal> {
  const credential = bearer(event);
  let who: Principal | undefined;
  if (credential && JWT_SHAPE.test(credential) && callers !== 'key') who = await member(deps, credential);
  else if (credential && callers !== 'member') {
    const key = await resolveAccessKey(deps.doc, deps.tables.control, credential);
    if (key) who = { kind: 'key', ...key };
  }
  if (!who) throw new HttpError(401, callers === 'member' ? 'sign in first' : 'missing or invalid access key');
  if (!can(who, action)) {
    throw new HttpError(403, who.kind === 'key' ? 'access keys are read-only' : `a ${who.role} may not do this`);
  }
  return who;
}
