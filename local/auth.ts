import { randomBytes } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { jwtVerifier } from '../lambdas/adapters/auth/jwt-verifier';
import { putMember } from '../lambdas/adapters/dynamo/members';
import { ROLES, type Role } from '../lambdas/domain/access';
import type { TokenVerifier } from '../lambdas/domain/auth-ports';
import { SIGN_IN_CALLBACK_PATH, type SiteConfig } from '../lambdas/domain/site-config';
import { needsSignIn } from '../lambdas/shared/routes';
import { LocalAccounts } from './oidc/accounts';
import { type LocalIssuer, startLocalIssuer } from './oidc/issuer';

/** The dashboard's app client id at the local issuer. */
export const LOCAL_CLIENT_ID = 'heartbeat-dashboard';
/** A second app at the same issuer, whose tokens the API must refuse (wrong audience). */
export const OTHER_CLIENT_ID = 'some-other-app';

export interface DemoUser {
  email: string;
  password: string;
  role: Role;
  userId: string;
}

/** Sign-in for the local stack: the issuer, its accounts, the verifier and what the site and gateway need. */
export interface LocalAuth {
  issuer: LocalIssuer;
  accounts: LocalAccounts;
  verifier: TokenVerifier;
  /** One user per role of the demo agency. */
  demoUsers: DemoUser[];
  siteConfig: SiteConfig;
  /** The JWT authorizer as API Gateway runs it in front of the Lambda. */
  authorizer(event: APIGatewayProxyEventV2): Promise<boolean>;
  /** Adds a member of `agencyId` (account + member record) with a known password. */
  addMember(agencyId: string, email: string, role: Role): Promise<DemoUser>;
}

/**
 * Starts the local OpenID Connect issuer for a dashboard at `siteUrl` and makes
 * one member per role of `agencyId`.
 */
export async function startLocalAuth(input: {
  doc: DynamoDBDocumentClient;
  controlTable: string;
  siteUrl: string;
  agencyId: string;
  /** Demo e-mails are `<role>@<domain>`. @default 'northstar.test' */
  domain?: string;
}): Promise<LocalAuth> {
  const accounts = new LocalAccounts();
  const issuer = await startLocalIssuer({
    accounts,
    client: {
      clientId: LOCAL_CLIENT_ID,
      redirectUris: [`${input.siteUrl}${SIGN_IN_CALLBACK_PATH}`],
      postLogoutRedirectUris: [`${input.siteUrl}/`],
    },
    extraClients: [{ clientId: OTHER_CLIENT_ID, redirectUris: [`${input.siteUrl}/other-app`] }],
  });
  const verifier = jwtVerifier({ issuer: issuer.issuer, audience: [LOCAL_CLIENT_ID] });
  async function addMember(agencyId: string, email: string, role: Role): Promise<DemoUser> {
    const password = randomBytes(9).toString('base64url');
    const account = accounts.add({ email, password, agencyId, role });
    await putMember(input.doc, input.controlTable, {
      agencyId,
      userId: account.sub,
      email: account.email,
      role,
      addedAt: new Date().toISOString(),
    });
    return { email: account.email, password, role, userId: account.sub };
  }
  const demoUsers: DemoUser[] = [];
  for (const role of ROLES)
    demoUsers.push(await addMember(input.agencyId, `${role}@${input.domain ?? 'northstar.test'}`, role));
  return {
    issuer,
    accounts,
    verifier,
    demoUsers,
    addMember,
    siteConfig: {
      auth: {
        issuer: issuer.issuer,
        clientId: LOCAL_CLIENT_ID,
        authorizationEndpoint: `${issuer.issuer}/auth`,
        tokenEndpoint: `${issuer.issuer}/token`,
        logout: { endpoint: `${issuer.issuer}/session/end`, style: 'oidc' },
        scope: 'openid email profile',
      },
    },
    async authorizer(event) {
      const method = event.requestContext.http.method;
      if (!needsSignIn(method, event.rawPath)) return true;
      const token = /^Bearer\s+(\S+)\s*$/i.exec(event.headers.authorization ?? '')?.[1];
      if (!token) return false;
      return verifier.verify(token).then(
        () => true,
        () => false,
      );
    },
  };
}
