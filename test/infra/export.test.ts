import { beforeAll, describe, expect, it } from 'vitest';
import {
  EXPORT_TICKETS_PATH,
  EXPORT_VIEWER_REQUEST_FUNCTION,
  VIEWER_AUTHORIZATION_HEADER,
} from '../../lambdas/shared/edge';
import { type SynthesizedStack, synthStack, unacknowledgedFindings } from './stack-fixture';
import { flat, logicalIdOf, referencedIds, resourcesOf, roleStatements } from './template-queries';

/**
 * The streamed CSV exports in AWS: a function URL (IAM auth, response streaming) that only this
 * distribution can call, through an origin access control on `/api/export/*`, never cached.
 */

let s: SynthesizedStack;
beforeAll(() => {
  s = synthStack();
});

interface Behavior {
  PathPattern?: string;
  TargetOriginId?: string;
  AllowedMethods?: string[];
  CachePolicyId?: string;
  OriginRequestPolicyId?: string;
  FunctionAssociations?: { EventType: string; FunctionARN: unknown }[];
}
const distribution = () => {
  const all = Object.values(resourcesOf(s.template, 'AWS::CloudFront::Distribution'));
  expect(all).toHaveLength(1);
  return all[0]?.Properties?.DistributionConfig as {
    Origins: { Id: string; DomainName: unknown; OriginAccessControlId?: unknown }[];
    CacheBehaviors: Behavior[];
  };
};
const exportFn = () => logicalIdOf(s.stack.csvExport.exportFunction);
const distributionId = () => logicalIdOf(s.stack.site.distribution);

describe('CSV export function behind CloudFront', () => {
  it('has a function URL with AuthType AWS_IAM and InvokeMode RESPONSE_STREAM', () => {
    const urls = Object.values(resourcesOf(s.template, 'AWS::Lambda::Url'));
    expect(urls).toHaveLength(1);
    expect(urls[0]?.Properties).toMatchObject({
      AuthType: 'AWS_IAM',
      InvokeMode: 'RESPONSE_STREAM',
      TargetFunctionArn: { 'Fn::GetAtt': [exportFn(), 'Arn'] },
    });
    const fn = resourcesOf(s.template, 'AWS::Lambda::Function')[exportFn()];
    expect(fn?.Properties?.Handler).toBe('index.handler');
  });

  it('routes /api/export/* (ahead of /api/*) to the URL through a Lambda OAC, uncached, GET/HEAD, viewer headers but Host', () => {
    const d = distribution();
    const patterns = d.CacheBehaviors.map((b) => b.PathPattern);
    expect(patterns.indexOf('/api/export/*')).toBeGreaterThanOrEqual(0);
    expect(patterns.indexOf('/api/export/*')).toBeLessThan(patterns.indexOf('/api/*'));
    const behavior = d.CacheBehaviors.find((b) => b.PathPattern === '/api/export/*');
    expect(behavior).toMatchObject({
      AllowedMethods: ['GET', 'HEAD'],
      CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad', // Managed-CachingDisabled
      OriginRequestPolicyId: 'b689b0a8-53d0-40ab-baf2-68738e2966ac', // Managed-AllViewerExceptHostHeader
    });
    const origin = d.Origins.find((o) => o.Id === behavior?.TargetOriginId);
    expect(flat(origin?.DomainName)).toContain(logicalIdOf(s.stack.csvExport.functionUrl));
    const oacs = resourcesOf(s.template, 'AWS::CloudFront::OriginAccessControl');
    const oacId = flat(origin?.OriginAccessControlId);
    const oac = Object.entries(oacs).find(([id]) => oacId.includes(id))?.[1];
    expect(oac?.Properties?.OriginAccessControlConfig).toMatchObject({
      OriginAccessControlOriginType: 'lambda',
      SigningBehavior: 'always',
      SigningProtocol: 'sigv4',
    });
    // The origin secret header is not sent there: OAC and the resource policy admit only this distribution.
    expect(flat(origin)).not.toContain('x-origin-verify');
  });

  it('hands the viewer Authorization over with a viewer-request function (OAC signs in Authorization)', () => {
    const behavior = distribution().CacheBehaviors.find((b) => b.PathPattern === '/api/export/*');
    expect(behavior?.FunctionAssociations?.map((a) => a.EventType)).toEqual(['viewer-request']);
    const fnId = flat(behavior?.FunctionAssociations?.[0]?.FunctionARN);
    const cfFunction = Object.entries(resourcesOf(s.template, 'AWS::CloudFront::Function')).find(([id]) =>
      fnId.includes(id),
    )?.[1];
    expect(cfFunction?.Properties?.FunctionCode).toBe(EXPORT_VIEWER_REQUEST_FUNCTION);
    expect(String(cfFunction?.Properties?.FunctionCode)).toContain(VIEWER_AUTHORIZATION_HEADER);
  });

  it('lets only this distribution invoke the function (InvokeFunctionUrl and InvokeFunction via the URL)', () => {
    const url = logicalIdOf(s.stack.csvExport.functionUrl);
    const perms = Object.values(resourcesOf(s.template, 'AWS::Lambda::Permission')).filter((p) =>
      [exportFn(), url].some((id) => flat(p.Properties?.FunctionName).includes(id)),
    );
    expect(perms.map((p) => p.Properties?.Action).sort()).toEqual([
      'lambda:InvokeFunction',
      'lambda:InvokeFunctionUrl',
    ]);
    for (const p of perms) {
      expect(p.Properties?.Principal).toBe('cloudfront.amazonaws.com');
      expect(flat(p.Properties?.SourceArn)).toContain(`distribution/`);
      expect(flat(p.Properties?.SourceArn)).toContain(distributionId());
    }
    expect(perms.find((p) => p.Properties?.Action === 'lambda:InvokeFunction')?.Properties?.InvokedViaFunctionUrl).toBe(
      true,
    );
  });

  it('reads (no Scan), may delete only download tickets (TICKET#), and may list the user pool clients', () => {
    const statements = roleStatements(s.template, exportFn());
    const actions = new Set(statements.flatMap((st) => st.actions));
    for (const a of actions)
      expect(a).toMatch(/^(dynamodb:(GetItem|Query|BatchGetItem|DeleteItem)|cognito-idp:ListUserPoolClients|logs:)/);
    const deletes = statements.filter((st) => st.actions.includes('dynamodb:DeleteItem'));
    expect(deletes.map((st) => [st.actions, st.conditions, st.resources.flatMap(referencedIds)])).toEqual([
      [
        ['dynamodb:DeleteItem'],
        { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['TICKET#*'] } },
        [logicalIdOf(s.stack.tables.control)],
      ],
    ]);
    const cognito = statements.filter((st) => st.actions.includes('cognito-idp:ListUserPoolClients'));
    expect(cognito.flatMap((st) => st.resources.flatMap(referencedIds))).toEqual([logicalIdOf(s.stack.auth.userPool)]);
    expect(unacknowledgedFindings(s.assembly)).toEqual([]);
  });

  it('sends POST /api/export/tickets to the API (ahead of /api/export/*), which alone may put tickets', () => {
    const d = distribution();
    const patterns = d.CacheBehaviors.map((b) => b.PathPattern);
    expect(patterns.indexOf(EXPORT_TICKETS_PATH)).toBeGreaterThanOrEqual(0);
    expect(patterns.indexOf(EXPORT_TICKETS_PATH)).toBeLessThan(patterns.indexOf('/api/export/*'));
    const tickets = d.CacheBehaviors.find((b) => b.PathPattern === EXPORT_TICKETS_PATH);
    const api = d.CacheBehaviors.find((b) => b.PathPattern === '/api/*');
    expect(tickets).toEqual({ ...api, PathPattern: EXPORT_TICKETS_PATH });
    expect(tickets?.AllowedMethods).toContain('POST');
    const route = Object.values(resourcesOf(s.template, 'AWS::ApiGatewayV2::Route')).find(
      (r) => r.Properties?.RouteKey === `POST ${EXPORT_TICKETS_PATH}`,
    );
    // No JWT authorizer: members' tokens and access keys are both checked in the Lambda, as the export does.
    expect(route?.Properties?.AuthorizationType ?? 'NONE').toBe('NONE');
    const puts = roleStatements(s.template, logicalIdOf(s.stack.api.apiFunction)).filter((st) =>
      JSON.stringify(st.conditions ?? {}).includes('TICKET#'),
    );
    expect(puts.map((st) => st.actions)).toEqual([['dynamodb:PutItem']]);
  });
});
