import { CognitoIdentityProviderClient, ListUserPoolClientsCommand } from '@aws-sdk/client-cognito-identity-provider';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { lazyVerifier, poolClientId } from '../../lambdas/adapters/auth/pool-client';

const cognito = mockClient(CognitoIdentityProviderClient);
afterEach(() => cognito.reset());

describe("the export function's audience: the dashboard client's id, found by name", () => {
  it('pages through the pool clients until the named one, and fails when there is none', async () => {
    cognito
      .on(ListUserPoolClientsCommand, { UserPoolId: 'pool', MaxResults: 60 })
      .resolves({ UserPoolClients: [{ ClientId: 'c-1', ClientName: 'machines' }], NextToken: 'p2' })
      .on(ListUserPoolClientsCommand, { UserPoolId: 'pool', MaxResults: 60, NextToken: 'p2' })
      .resolves({ UserPoolClients: [{ ClientId: 'c-2', ClientName: 'dashboard' }] });
    const client = new CognitoIdentityProviderClient({ region: 'us-east-1' });
    expect(await poolClientId(client, 'pool', 'dashboard')).toBe('c-2');
    await expect(poolClientId(client, 'pool', 'admin')).rejects.toThrow(/no app client named admin/);
  });

  it('builds the verifier once, and again after a failed build', async () => {
    let builds = 0;
    const verifier = lazyVerifier(async () => {
      builds += 1;
      if (builds === 1) throw new Error('cognito unreachable');
      return { verify: async (token) => ({ sub: token, claims: { sub: token } }) };
    });
    await expect(verifier.verify('a')).rejects.toThrow('cognito unreachable');
    expect((await verifier.verify('b')).sub).toBe('b');
    expect((await verifier.verify('c')).sub).toBe('c');
    expect(builds).toBe(2);
  });
});
