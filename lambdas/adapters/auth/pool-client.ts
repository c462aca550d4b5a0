import {
  type CognitoIdentityProviderClient,
  ListUserPoolClientsCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import type { TokenVerifier } from '../../domain/auth-ports';

/** The id of the user pool's app client named `name` (ListUserPoolClients, every page). */
export async function poolClientId(
  client: CognitoIdentityProviderClient,
  userPoolId: string,
  name: string,
): Promise<string> {
  let next: string | undefined;
  do {
    const out = await client.send(
      new ListUserPoolClientsCommand({ UserPoolId: userPoolId, MaxResults: 60, ...(next && { NextToken: next }) }),
    );
    const hit = out.UserPoolClients?.find((c) => c.ClientName === name);
    if (hit?.ClientId) return hit.ClientId;
    next = out.NextToken;
  } while (next);
  throw new Error(`the user pool has no app client named ${name}`);
}

/** A verifier built on first use (once; built again after a failure), for settings only known at run time. */
export function lazyVerifier(build: () => Promise<TokenVerifier>): TokenVerifier {
  let pending: Promise<TokenVerifier> | undefined;
  return {
    async verify(token) {
      pending ??= build().catch((err: unknown) => {
        pending = undefined;
        throw err;
      });
      return (await pending).verify(token);
    },
  };
}
