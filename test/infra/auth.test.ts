import { beforeAll, describe, expect, it } from 'vitest';
import { OPEN_ROUTES } from '../../lambdas/shared/routes';
import { type SynthesizedStack, synthStack } from './stack-fixture';
import { type CfnResource, fn, logicalIdOf, referencedIds, resourcesOf } from './template-queries';

let s: SynthesizedStack;
beforeAll(() => {
  s = synthStack();
});

const only = (type: string): [string, CfnResource] => {
  const all = Object.entries(resourcesOf(s.template, type));
  expect(all, type).toHaveLength(1);
  return all[0] as [string, CfnResource];
};
const props = (r: CfnResource) => r.Properties ?? {};

describe('staff sign-in (Cognito)', () => {
  it('has a user pool without self sign-up, with required MFA, a strong password policy and agency/role attributes', () => {
    const [, pool] = only('AWS::Cognito::UserPool');
    const p = props(pool);
    expect(p.AdminCreateUserConfig).toMatchObject({ AllowAdminCreateUserOnly: true });
    expect(p.MfaConfiguration).toBe('ON');
    expect(p.UserPoolTier).toBe('PLUS');
    expect(p.Policies).toMatchObject({ PasswordPolicy: { MinimumLength: 12, RequireSymbols: true } });
    const attributes = (p.Schema as { Name: string }[]).map((a) => a.Name);
    expect(attributes).toEqual(expect.arrayContaining(['agency', 'role']));
    expect(pool.DeletionPolicy).toBe('Retain');
  });

  it('has a public app client: authorization code only (PKCE), no secret, no password flows, redirects only to the site', () => {
    const [, client] = only('AWS::Cognito::UserPoolClient');
    const c = props(client);
    expect(c.GenerateSecret).toBe(false);
    expect(c.AllowedOAuthFlows).toEqual(['code']);
    expect(c.AllowedOAuthFlowsUserPoolClient).toBe(true);
    expect(c.AllowedOAuthScopes).toEqual(['openid', 'email', 'profile']);
    expect(c.ExplicitAuthFlows ?? ['ALLOW_REFRESH_TOKEN_AUTH']).toEqual(['ALLOW_REFRESH_TOKEN_AUTH']);
    const callbacks = JSON.stringify(c.CallbackURLs);
    expect(callbacks).toContain('/auth/callback');
    expect(referencedIds(c.CallbackURLs)).toContain(logicalIdOf(s.stack.site.distribution));
    expect(c.ReadAttributes).toEqual(expect.arrayContaining(['custom:agency', 'custom:role', 'email']));
    // Nobody can move themselves to another agency or promote themselves.
    expect(c.WriteAttributes ?? []).toEqual([]);
  });

  it('puts the JWT authorizer (the pool as issuer, the app client as audience) on every dashboard route and on no open route', () => {
    const [authorizerId, authorizer] = only('AWS::ApiGatewayV2::Authorizer');
    const a = props(authorizer);
    expect(a.AuthorizerType).toBe('JWT');
    expect(a.IdentitySource).toEqual(['$request.header.Authorization']);
    const jwt = a.JwtConfiguration as { Audience: unknown; Issuer: unknown };
    expect(referencedIds(jwt.Audience)).toEqual([logicalIdOf(s.stack.auth.client)]);
    expect(referencedIds(jwt.Issuer)).toContain(logicalIdOf(s.stack.auth.userPool));

    const routes = Object.values(resourcesOf(s.template, 'AWS::ApiGatewayV2::Route')).map((r) => props(r));
    const byKey = new Map(routes.map((r) => [String(r.RouteKey), r]));
    expect([...byKey.keys()].sort()).toEqual(
      ['ANY /api/{proxy+}', ...OPEN_ROUTES.map((r) => `${r.method} ${r.path}`)].sort(),
    );
    const dashboard = byKey.get('ANY /api/{proxy+}');
    expect(dashboard?.AuthorizationType).toBe('JWT');
    expect(referencedIds(dashboard?.AuthorizerId)).toEqual([authorizerId]);
    for (const open of ['POST /api/webhooks/fanvue', 'POST /api/sync', 'GET /api/key/dashboard']) {
      expect(byKey.get(open)?.AuthorizationType ?? 'NONE', open).toBe('NONE');
      expect(byKey.get(open)?.AuthorizerId, open).toBeUndefined();
    }
  });

  it('gives the API the issuer and client to verify tokens, and the pool actions invitations need, on that pool only', () => {
    const api = fn(s.template, logicalIdOf(s.stack.api.apiFunction));
    const env = (api.Properties?.Environment as { Variables: Record<string, unknown> } | undefined)?.Variables ?? {};
    expect(referencedIds(env.AUTH_CLIENT_ID)).toEqual([logicalIdOf(s.stack.auth.client)]);
    expect(referencedIds(env.USER_POOL_ID)).toEqual([logicalIdOf(s.stack.auth.userPool)]);
    expect(referencedIds(env.AUTH_ISSUER)).toContain(logicalIdOf(s.stack.auth.userPool));
    const statements = Object.values(resourcesOf(s.template, 'AWS::IAM::Policy')).flatMap(
      (p) =>
        (
          p.Properties?.PolicyDocument as
            | { Statement: { Action: string | string[]; Resource: unknown; Condition?: unknown }[] }
            | undefined
        )?.Statement ?? [],
    );
    // The export function only lists the pool's clients (to find the dashboard client's id): export.test.ts.
    const cognito = statements.filter(
      (st) =>
        [st.Action].flat().some((a) => a.startsWith('cognito-idp:')) &&
        [st.Action].flat().join() !== 'cognito-idp:ListUserPoolClients',
    );
    expect(cognito).toHaveLength(1);
    expect([cognito[0]?.Action].flat().sort()).toEqual([
      'cognito-idp:AdminCreateUser',
      'cognito-idp:AdminDeleteUser',
      'cognito-idp:AdminUserGlobalSignOut',
      'cognito-idp:ListUsers',
    ]);
    expect(referencedIds(cognito[0]?.Resource)).toEqual([logicalIdOf(s.stack.auth.userPool)]);
    // Other conditioned writes (the sync's model records, the API's webhook replay guard) are edge.test.ts's.
    const conditioned = (prefix: string) =>
      statements.filter(
        (st) => [st.Action].flat().includes('dynamodb:PutItem') && JSON.stringify(st.Condition ?? {}).includes(prefix),
      );
    expect(conditioned('APIKEY#').map((st) => st.Condition)).toEqual([
      { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['AGENCY#*', 'APIKEY#*', 'OAUTHSTATE#*'] } },
    ]);
    // The connect flow registers models: model records, the creator index, token-refresh locks, column counters.
    expect(conditioned('CREATOR#').map((st) => st.Condition)).toEqual([
      { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['MODEL#*', 'CREATOR#*', 'CONN#*', 'COLUMNS#*'] } },
    ]);
    const env2 = (
      fn(s.template, logicalIdOf(s.stack.api.apiFunction)).Properties?.Environment as
        | { Variables: Record<string, unknown> }
        | undefined
    )?.Variables;
    expect(JSON.stringify(env2?.FANVUE_REDIRECT_URI)).toContain('/connect/fanvue/callback');
  });

  it('serves the sign-in settings as /config.json from the site bucket: client id, issuer and login domain, no secret', () => {
    const [, deployment] = only('Custom::CDKBucketDeployment');
    const p = props(deployment);
    expect((p.SourceObjectKeys as unknown[]).length).toBe(2);
    const markers = p.SourceMarkers as unknown[];
    const refs = referencedIds(markers);
    expect(refs).toContain(logicalIdOf(s.stack.auth.client));
    expect(refs).toContain(logicalIdOf(s.stack.auth.userPool));
    expect(JSON.stringify(markers).length).toBeLessThan(2_000);
    expect(JSON.stringify(markers)).not.toMatch(/secret/i);
  });
});
