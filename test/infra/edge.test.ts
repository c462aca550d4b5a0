import { beforeAll, describe, expect, it } from 'vitest';
import { ACCESS_LOG_FIELDS, DEFAULT_ROUTE_LIMITS } from '../../infra/constructs/api-edge';
import { ORIGIN_VERIFY_HEADER } from '../../lambdas/shared/edge';
import { type SynthesizedStack, synthStack } from './stack-fixture';
import { flat, logicalIdOf, referencedIds, resourcesOf, roleStatements, type Statement } from './template-queries';

const DOMAIN = 'api.example.com';
const CERT = 'arn:aws:acm:us-east-1:000000000000:certificate/11111111-2222-3333-4444-555555555555';
const VERSION = 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d';

let s: SynthesizedStack;
let custom: SynthesizedStack;
beforeAll(() => {
  s = synthStack();
  custom = synthStack({ apiDomainName: DOMAIN, apiCertificateArn: CERT, originSecretVersion: VERSION });
});

interface Origin {
  Id: string;
  DomainName: unknown;
  OriginCustomHeaders?: { HeaderName: string; HeaderValue: unknown }[];
}
const apiOrigin = (x: SynthesizedStack): Origin => {
  const [dist] = Object.values(resourcesOf(x.template, 'AWS::CloudFront::Distribution'));
  const config = dist?.Properties?.DistributionConfig as {
    Origins: Origin[];
    CacheBehaviors: { PathPattern: string; TargetOriginId: string }[];
  };
  const target = config.CacheBehaviors.find((b) => b.PathPattern === '/api/*')?.TargetOriginId;
  const origin = config.Origins.find((o) => o.Id === target);
  if (!origin) throw new Error('no /api/* origin');
  return origin;
};
const httpApi = (x: SynthesizedStack) => Object.values(resourcesOf(x.template, 'AWS::ApiGatewayV2::Api'))[0];

describe('the execute-api endpoint does not bypass CloudFront', () => {
  it('CloudFront sends the origin secret, resolved from Secrets Manager at deploy time, never written in the template', () => {
    const headers = apiOrigin(s).OriginCustomHeaders ?? [];
    expect(headers.map((h) => h.HeaderName)).toEqual([ORIGIN_VERIFY_HEADER]);
    const value = flat(headers[0]?.HeaderValue);
    expect(value).toContain('{{resolve:secretsmanager:');
    expect(referencedIds(headers[0]?.HeaderValue)).toEqual([logicalIdOf(s.stack.secrets.origin)]);
    const fnProps = resourcesOf(s.template, 'AWS::Lambda::Function')[logicalIdOf(s.stack.api.apiFunction)]?.Properties;
    const env = (fnProps?.Environment as { Variables: Record<string, unknown> } | undefined)?.Variables ?? {};
    expect(env.ORIGIN_SECRET_ID).toEqual({ Ref: logicalIdOf(s.stack.secrets.origin) });
  });

  it('without a custom domain the execute-api host stays on (CloudFront needs it) and no ApiUrl is published', () => {
    expect(httpApi(s)?.Properties?.DisableExecuteApiEndpoint).not.toBe(true);
    expect(flat(apiOrigin(s).DomainName)).toContain(logicalIdOf(s.stack.api.httpApi));
    s.template.resourceCountIs('AWS::ApiGatewayV2::DomainName', 0);
    expect(Object.keys(s.template.toJSON().Outputs as object)).not.toContain('ApiUrl');
  });

  it('with a custom domain the default endpoint is disabled and CloudFront reaches the API by that name', () => {
    expect(httpApi(custom)?.Properties?.DisableExecuteApiEndpoint).toBe(true);
    custom.template.hasResourceProperties('AWS::ApiGatewayV2::DomainName', {
      DomainName: DOMAIN,
      DomainNameConfigurations: [{ CertificateArn: CERT, EndpointType: 'REGIONAL', SecurityPolicy: 'TLS_1_2' }],
    });
    custom.template.resourceCountIs('AWS::ApiGatewayV2::ApiMapping', 1);
    expect(apiOrigin(custom).DomainName).toBe(DOMAIN);
    const outputs = custom.template.toJSON().Outputs as Record<string, { Value: unknown; Description: string }>;
    expect(flat(outputs.ApiDomainTarget?.Value)).toContain('RegionalDomainName');
    expect(outputs.ApiDomainTarget?.Description).toContain(DOMAIN);
  });

  it('a rotated origin value is rolled by a redeploy pinned to its version id', () => {
    expect(flat(apiOrigin(custom).OriginCustomHeaders?.[0]?.HeaderValue)).toContain(`::${VERSION}}}`);
    expect(flat(apiOrigin(s).OriginCustomHeaders?.[0]?.HeaderValue)).not.toContain(VERSION);
  });

  it('refuses half a custom domain', () => {
    expect(() => synthStack({ apiDomainName: DOMAIN })).toThrow(/apiDomainName and apiCertificateArn/);
  });
});

describe('route-level throttling', () => {
  it('gives the webhook and the manual sync their own limits, below the dashboard routes', () => {
    const [id, stage] = Object.entries(resourcesOf(s.template, 'AWS::ApiGatewayV2::Stage'))[0] ?? [];
    const p = stage?.Properties as {
      DefaultRouteSettings: { ThrottlingRateLimit: number; ThrottlingBurstLimit: number };
      RouteSettings: Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }>;
    };
    expect(p.RouteSettings).toEqual({
      'POST /api/webhooks/fanvue': { ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20 },
      'POST /api/sync': { ThrottlingRateLimit: 1, ThrottlingBurstLimit: 5 },
    });
    for (const [key, limit] of Object.entries(DEFAULT_ROUTE_LIMITS)) {
      expect(p.RouteSettings[key]?.ThrottlingRateLimit).toBe(limit.rateLimit);
      expect(limit.rateLimit).toBeLessThan(p.DefaultRouteSettings.ThrottlingRateLimit);
      expect(limit.burstLimit).toBeLessThan(p.DefaultRouteSettings.ThrottlingBurstLimit);
    }
    // The route keys exist before the stage names them.
    const routes = resourcesOf(s.template, 'AWS::ApiGatewayV2::Route');
    const keyed = Object.entries(routes).filter(([, r]) => String(r.Properties?.RouteKey) in p.RouteSettings);
    expect(keyed).toHaveLength(2);
    const dependsOn = (s.template.toJSON().Resources as Record<string, { DependsOn?: string[] }>)[id as string]
      ?.DependsOn;
    for (const [routeId] of keyed) expect(dependsOn).toContain(routeId);
  });
});

describe('HTTP API access logs', () => {
  it('are one JSON object per request with the fields an operator needs, and no request header', () => {
    const [stage] = Object.values(resourcesOf(s.template, 'AWS::ApiGatewayV2::Stage'));
    const format = (stage?.Properties?.AccessLogSettings as { Format?: string } | undefined)?.Format ?? '';
    const fields = JSON.parse(format) as Record<string, string>;
    expect(fields).toEqual(ACCESS_LOG_FIELDS);
    expect(fields).toMatchObject({
      requestId: '$context.requestId',
      routeKey: '$context.routeKey',
      path: '$context.path',
      status: '$context.status',
      latencyMs: '$context.responseLatency',
      integrationError: '$context.integrationErrorMessage',
      userAgent: '$context.identity.userAgent',
      viewerIp: '$context.identity.sourceIp',
    });
    expect(format).not.toMatch(/\$request\.header|authorization|x-cron-secret|x-origin-verify/i);
  });
});

describe('least privilege on DynamoDB', () => {
  const statementsOf = (x: Parameters<typeof logicalIdOf>[0]) => roleStatements(s.template, logicalIdOf(x));
  const dynamo = (sts: Statement[]) => sts.filter((st) => st.actions.some((a) => a.startsWith('dynamodb:')));
  const on = (sts: Statement[], table: Parameters<typeof logicalIdOf>[0]) =>
    dynamo(sts).filter((st) => referencedIds(st.resources).includes(logicalIdOf(table)));
  const leadingKeys = (st: Statement) => st.conditions?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys'];

  it('the API reads with GetItem/Query (BatchGetItem on totals), never Scan, and writes control items by leading key only', () => {
    const api = statementsOf(s.stack.api.apiFunction);
    const actions = new Set(dynamo(api).flatMap((st) => st.actions));
    expect(actions).not.toContain('dynamodb:Scan');
    expect([...actions].filter((a) => /Get|Query|Scan/.test(a)).sort()).toEqual([
      'dynamodb:BatchGetItem',
      'dynamodb:GetItem',
      'dynamodb:Query',
    ]);
    const writers = dynamo(api).filter((st) => st.actions.some((a) => /Put|Update|Delete|Write/.test(a)));
    // The replay guard's items; the accounts items (members, access keys, pending authorizations) are auth.test.ts's.
    expect(writers.map((st) => leadingKeys(st))).toContainEqual(['WEBHOOK#*']);
    // CSV download tickets: PutItem only (the export function consumes them): export.test.ts's.
    expect(writers.map((st) => leadingKeys(st))).toContainEqual(['TICKET#*']);
    // The dashboard's connect flow registers models (model records, creator index, refresh locks, the
    // agency's column-ordinal counter): auth.test.ts's.
    const connectFlow = ['MODEL#*', 'CREATOR#*', 'CONN#*', 'COLUMNS#*'];
    for (const st of writers) {
      expect(referencedIds(st.resources)).toEqual([logicalIdOf(s.stack.tables.control)]);
      const keysAllowed = leadingKeys(st) as string[];
      expect(keysAllowed.length).toBeGreaterThan(0);
      if (JSON.stringify(keysAllowed) === JSON.stringify(connectFlow)) continue;
      // Otherwise never the sync's items (model records, refresh locks) or the creator index.
      for (const k of keysAllowed) expect(connectFlow).not.toContain(k);
    }
    // Reads reach the indexes by name, never index/*.
    expect(flat(on(api, s.stack.tables.control))).toContain('/index/byAgency');
    expect(flat(api)).not.toContain('/index/*');
  });

  it('the sync cannot touch agencies, access keys or the creator index: control table items by leading key only', () => {
    const sync = statementsOf(s.stack.pipeline.syncFunction);
    const control = on(sync, s.stack.tables.control);
    expect(control.length).toBeGreaterThan(0);
    for (const st of control) expect(leadingKeys(st)).toEqual(['MODEL#*', 'CONN#*']);
    expect(on(sync, s.stack.tables.transactions).flatMap((st) => st.actions)).toEqual(['dynamodb:BatchWriteItem']);
  });

  it('only the two functions that list every model may Scan, and only the control table', () => {
    const scanners: string[] = [];
    const fns = {
      sync: s.stack.pipeline.syncFunction,
      fanout: s.stack.pipeline.fanoutFunction,
      aggregate: s.stack.aggregator.aggregateFunction,
      reconcile: s.stack.reconciliation.reconcileFunction,
      api: s.stack.api.apiFunction,
    };
    for (const [name, f] of Object.entries(fns)) {
      for (const st of dynamo(statementsOf(f))) {
        expect(st.actions, name).not.toContain('dynamodb:*');
        if (!st.actions.includes('dynamodb:Scan')) continue;
        scanners.push(name);
        expect(referencedIds(st.resources)).toEqual([logicalIdOf(s.stack.tables.control)]);
      }
    }
    expect(scanners.sort()).toEqual(['fanout', 'reconcile']);
    // The aggregator only writes totals (stream reads come from the event source mapping).
    expect(on(statementsOf(fns.aggregate), s.stack.tables.totals).flatMap((st) => st.actions)).toEqual([
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
    ]);
  });
});
