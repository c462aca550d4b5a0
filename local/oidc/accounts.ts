import { randomBytes, randomUUID, scryptSync, timingSafeEqual } from 'node:crypto';
import { type Role, type UserDirectory, UserExistsError } from '../../lambdas/domain/access';

/**
 * The local identity provider's user accounts (in memory): what Cognito's user
 * pool holds in AWS. Passwords are kept as scrypt hashes. Invitations get a
 * generated temporary password that goes to an outbox, the local stand-in for
 * the invitation e-mail Cognito sends.
 */

export interface LocalAccount {
  sub: string;
  email: string;
  agencyId: string;
  role: Role;
}

/** A message the local directory "sent" (printed by `npm start`, read by tests). */
export interface OutboxMessage {
  to: string;
  temporaryPassword: string;
}

interface Stored extends LocalAccount {
  salt: Buffer;
  hash: Buffer;
}

const hashOf = (password: string, salt: Buffer) => scryptSync(password, salt, 32);

export class LocalAccounts implements UserDirectory {
  private readonly byEmail = new Map<string, Stored>();
  /** Invitations "sent", oldest first. */
  readonly outbox: OutboxMessage[] = [];
  /** Called with each new invitation. */
  onInvite: ((message: OutboxMessage) => void) | undefined;

  /** Adds an account with a known password (demo users, tests). */
  add(account: Omit<LocalAccount, 'sub'> & { password: string; sub?: string }): LocalAccount {
    const email = account.email.toLowerCase();
    if (this.byEmail.has(email)) throw new UserExistsError();
    const salt = randomBytes(16);
    const stored: Stored = {
      sub: account.sub ?? randomUUID(),
      email,
      agencyId: account.agencyId,
      role: account.role,
      salt,
      hash: hashOf(account.password, salt),
    };
    this.byEmail.set(email, stored);
    return this.public(stored);
  }

  /** The account for these credentials, or undefined (same work whether the e-mail exists or not). */
  check(email: string, password: string): LocalAccount | undefined {
    const stored = this.byEmail.get(email.trim().toLowerCase());
    const salt = stored?.salt ?? Buffer.alloc(16);
    const ok = timingSafeEqual(hashOf(password, salt), stored?.hash ?? Buffer.alloc(32));
    return stored && ok ? this.public(stored) : undefined;
  }

  bySub(sub: string): LocalAccount | undefined {
    for (const a of this.byEmail.values()) if (a.sub === sub) return this.public(a);
    return undefined;
  }

  async invite(user: { email: string; agencyId: string; role: Role }): Promise<{ userId: string }> {
    const temporaryPassword = randomBytes(9).toString('base64url');
    const account = this.add({ ...user, password: temporaryPassword });
    const message = { to: account.email, temporaryPassword };
    this.outbox.push(message);
    this.onInvite?.(message);
    return { userId: account.sub };
  }

  async remove(userId: string): Promise<void> {
    for (const [email, a] of this.byEmail) if (a.sub === userId) this.byEmail.delete(email);
  }

  private public(a: Stored): LocalAccount {
    return { sub: a.sub, email: a.email, agencyId: a.agencyId, role: a.role };
  }
}
