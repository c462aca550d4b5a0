/**
 * Who may do what. A caller is a signed-in member of one agency (with a role)
 * or a machine access key (read-only, one agency). Plain TypeScript: the
 * handlers turn a verified token or key into a {@link Principal}, then ask
 * {@link can}.
 */

/** Roles of agency members, most powerful first. */
export const ROLES = ['owner', 'admin', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

/** Something a caller may be allowed to do. */
export type Action =
  /** See the dashboard (totals, models, status). */
  | 'read'
  /** Start a sync of a model now. */
  | 'sync'
  /** Connect, reconnect or disconnect Fanvue accounts and models. */
  | 'connect'
  /** Invite and remove members, create and revoke access keys. */
  | 'manage';

const allowed: Record<Role, readonly Action[]> = {
  owner: ['read', 'sync', 'connect', 'manage'],
  admin: ['read', 'sync', 'connect'],
  viewer: ['read'],
};

/** A verified caller. `agencyId` comes from the token's claims or the key's record, never from the request. */
export type Principal =
  | { kind: 'user'; agencyId: string; userId: string; email: string; role: Role }
  | { kind: 'key'; agencyId: string; keyId: string };

/** True when `who` may do `action` (an access key may only read). */
export function can(who: Principal, action: Action): boolean {
  if (who.kind === 'key') return action === 'read';
  return allowed[who.role].includes(action);
}

/** The weaker of two roles: a role lowered in the member table takes effect before the token expires. */
export function weakerRole(a: Role, b: Role): Role {
  return ROLES.indexOf(a) >= ROLES.indexOf(b) ? a : b;
}

/** Actions the dashboard may offer this caller (the UI hides the rest; the API enforces them). */
export function permissions(who: Principal): Action[] {
  return (['read', 'sync', 'connect', 'manage'] as const).filter((a) => can(who, a));
}

/**
 * The identity provider's user directory (Cognito in AWS, the local issuer
 * locally): owners' invitations create sign-in accounts carrying the agency
 * and role, removals delete them.
 */
export interface UserDirectory {
  /** Creates the account and sends its first sign-in (Cognito e-mails a temporary password). Throws {@link UserExistsError}. */
  invite(user: { email: string; agencyId: string; role: Role }): Promise<{ userId: string }>;
  /** Deletes the account (signing it out everywhere); a missing account is not an error. */
  remove(userId: string): Promise<void>;
}

/** An account with that e-mail already exists. */
export class UserExistsError extends Error {
  constructor(options?: { cause?: unknown }) {
    super('a user with this e-mail already exists', options);
    this.name = 'UserExistsError';
  }
}
