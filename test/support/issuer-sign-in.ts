import { LocalAccounts } from '../../local/oidc/accounts';
import { startLocalIssuer } from '../../local/oidc/issuer';
import { signInOverHttp } from './oidc';

/**
 * A fresh process that starts the local issuer, signs one user in over HTTP and stops:
 * `test/integration/local-issuer.test.ts` reads everything it prints.
 */
const accounts = new LocalAccounts();
accounts.add({ email: 'owner@northstar.test', password: 'pw-owner-1', agencyId: 'a1', role: 'owner' });
const redirectUri = 'http://127.0.0.1:9/callback';
const issuer = await startLocalIssuer({
  accounts,
  client: { clientId: 'dashboard', redirectUris: [redirectUri], postLogoutRedirectUris: [] },
});
try {
  const tokens = await signInOverHttp({
    issuer: issuer.issuer,
    clientId: 'dashboard',
    redirectUri,
    email: 'owner@northstar.test',
    password: 'pw-owner-1',
  });
  console.log(`signed in: ${tokens.idToken.split('.').length} part ID token`);
} finally {
  await issuer.stop();
}
