import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { OPEN_ROUTES } from '../../lambdas/shared/routes';
import { type SynthesizedStack, synthStack } from './stack-fixture';
import { flat, logicalIdOf, resourcesOf } from './template-queries';

let s: SynthesizedStack;
let withEmail: SynthesizedStack;
beforeAll(() => {
  s = synthStack();
  withEmail = synthStack({ alarmEmail: 'ops@example.com' });
});

interface DistributionConfig {
  DefaultRootObject: string;
  Origins: {
    Id: string;
    DomainName: unknown;
    OriginAccessControlId?: unknown;
    S3OriginConfig?: unknown;
    CustomOriginConfig?: Record<string, unknown>;
  }[];
  DefaultCacheBehavior: Record<string, unknown>;
  CacheBehaviors: Record<string, unknown>[];
  Logging?: unknown;
}
const distribution = (): DistributionConfig => {
  const all = Object.values(resourcesOf(s.template, 'AWS::CloudFront::Distribution'));
  expect(all).toHaveLength(1);
  return all[0]?.Properties?.DistributionConfig as DistributionConfig;
};

describe('dashboard site', () => {
  it('serves the private bucket through origin access control, HTTPS only, with index.html as root', () => {
    const d = distribution();
    expect(d.DefaultRootObject).toBe('index.html');
    const s3Origin = d.Origins.find((o) => o.OriginAccessControlId);
    expect(s3Origin).toBeDefined();
    expect(flat(s3Origin?.DomainName)).toContain(logicalIdOf(s.stack.site.bucket));
    expect(d.DefaultCacheBehavior).toMatchObject({
      TargetOriginId: s3Origin?.Id,
      ViewerProtocolPolicy: 'redirect-to-https',
    });
    s.template.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
      OriginAccessControlConfig: Match.objectLike({
        OriginAccessControlOriginType: 's3',
        SigningBehavior: 'always',
        SigningProtocol: 'sigv4',
      }),
    });
    // Only CloudFront (this distribution) may read the bucket.
    const policy = Object.values(resourcesOf(s.template, 'AWS::S3::BucketPolicy')).find((p) =>
      flat(p.Properties?.Bucket).includes(logicalIdOf(s.stack.site.bucket)),
    );
    expect(flat(policy)).toContain('cloudfront.amazonaws.com');
    expect(flat(policy)).toContain('AWS:SourceArn');
    expect(d.Logging).toBeDefined();
  });

  it('forwards /api/* to the HTTP API uncached, all methods, without the Host header', () => {
    const d = distribution();
    const api = d.CacheBehaviors.find((b) => b.PathPattern === '/api/*');
    expect(api).toMatchObject({
      ViewerProtocolPolicy: 'redirect-to-https',
      AllowedMethods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE'],
      CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad', // Managed-CachingDisabled
      OriginRequestPolicyId: 'b689b0a8-53d0-40ab-baf2-68738e2966ac', // Managed-AllViewerExceptHostHeader
    });
    const origin = d.Origins.find((o) => o.Id === api?.TargetOriginId);
    expect(origin?.CustomOriginConfig).toMatchObject({
      OriginProtocolPolicy: 'https-only',
      OriginSSLProtocols: ['TLSv1.2'],
    });
    expect(flat(origin?.DomainName)).toContain(logicalIdOf(s.stack.api.httpApi));
  });

  it('adds security headers to every response and rewrites app routes to the SPA shell', () => {
    const d = distribution();
    s.template.hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
      ResponseHeadersPolicyConfig: Match.objectLike({
        SecurityHeadersConfig: Match.objectLike({
          StrictTransportSecurity: Match.objectLike({ Override: true }),
          ContentTypeOptions: { Override: true },
          FrameOptions: { FrameOption: 'DENY', Override: true },
          ContentSecurityPolicy: Match.objectLike({
            ContentSecurityPolicy: Match.stringLikeRegexp("frame-ancestors 'none'"),
          }),
        }),
      }),
    });
    expect(d.DefaultCacheBehavior.ResponseHeadersPolicyId).toBeDefined();
    const api = d.CacheBehaviors.find((b) => b.PathPattern === '/api/*');
    for (const b of d.CacheBehaviors)
      expect(b.ResponseHeadersPolicyId).toEqual(d.DefaultCacheBehavior.ResponseHeadersPolicyId);
    expect(flat(d.DefaultCacheBehavior.FunctionAssociations)).toContain('viewer-request');
    expect(api?.FunctionAssociations).toBeUndefined();
  });

  it('deploys the frontend build and invalidates the distribution', () => {
    s.template.hasResourceProperties('Custom::CDKBucketDeployment', {
      DestinationBucketName: { Ref: logicalIdOf(s.stack.site.bucket) },
      DistributionId: { Ref: logicalIdOf(s.stack.site.distribution) },
      DistributionPaths: ['/*'],
    });
  });
});

describe('HTTP API', () => {
  it('routes the webhook, the manual sync and ANY /api/{proxy+} to the API function on a throttled, access-logged $default stage', () => {
    for (const RouteKey of ['ANY /api/{proxy+}', 'POST /api/sync', 'POST /api/webhooks/fanvue'])
      s.template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey });
    // Plus the access-key read routes without the JWT authorizer: see auth.test.ts.
    s.template.resourceCountIs('AWS::ApiGatewayV2::Route', 1 + OPEN_ROUTES.length);
    s.template.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
      IntegrationType: 'AWS_PROXY',
      IntegrationUri: { 'Fn::GetAtt': [logicalIdOf(s.stack.api.apiFunction), 'Arn'] },
    });
    s.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
      AccessLogSettings: {
        DestinationArn: { 'Fn::GetAtt': [logicalIdOf(s.stack.api.accessLogs), 'Arn'] },
        Format: Match.anyValue(),
      },
    });
  });
});

describe('observability', () => {
  const alarmsOn = (metricName: string) =>
    Object.values(resourcesOf(s.template, 'AWS::CloudWatch::Alarm')).filter(
      (a) => a.Properties?.MetricName === metricName,
    );

  it('alarms on Errors and Throttles of every function, each DLQ depth and the aggregator iterator age', () => {
    expect(alarmsOn('Errors')).toHaveLength(6);
    expect(alarmsOn('Throttles')).toHaveLength(6);
    const depth = alarmsOn('ApproximateNumberOfMessagesVisible');
    expect(depth).toHaveLength(4);
    const queues = [
      s.stack.pipeline.syncFailures,
      s.stack.pipeline.fanoutDlq,
      s.stack.aggregator.streamFailures,
      s.stack.reconciliation.dlq,
    ];
    for (const q of queues) expect(flat(depth)).toContain(logicalIdOf(q.queue));
    for (const a of depth)
      expect(a.Properties).toMatchObject({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
    const age = alarmsOn('IteratorAge');
    expect(age).toHaveLength(1);
    expect(flat(age[0]?.Properties?.Dimensions)).toContain(logicalIdOf(s.stack.aggregator.aggregateFunction));
  });

  it('alarms on the sync error rate: model-level failures (SyncFailed, emitted by the sync) plus Lambda errors', () => {
    const rate = Object.values(resourcesOf(s.template, 'AWS::CloudWatch::Alarm')).filter((a) =>
      flat(a.Properties?.Metrics).includes('100 * (FILL(failed'),
    );
    expect(rate).toHaveLength(1);
    const metrics = flat(rate[0]?.Properties?.Metrics);
    expect(metrics).toContain(logicalIdOf(s.stack.pipeline.syncFunction));
    expect(metrics).toContain('SyncFailed');
    expect(metrics).toContain('RevenueHeartbeat');
  });

  it('alarms when models stay stale (the fan-out counts them) and passes the Live threshold to the fan-out', () => {
    const stale = alarmsOn('StaleModels');
    expect(stale).toHaveLength(1);
    expect(stale[0]?.Properties).toMatchObject({ Namespace: 'RevenueHeartbeat', Threshold: 0, EvaluationPeriods: 3 });
    const fanout = resourcesOf(s.template, 'AWS::Lambda::Function')[logicalIdOf(s.stack.pipeline.fanoutFunction)];
    const env = (fanout?.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables;
    expect(env?.STALE_AFTER_MS).toBe(String(2 * 10 * 60_000 + 120_000));
  });

  it('alarms on any source audit difference (AuditDifferences, summed per hour like the reconciliation drift)', () => {
    const audit = alarmsOn('AuditDifferences');
    expect(audit).toHaveLength(1);
    expect(audit[0]?.Properties).toMatchObject({
      Namespace: 'RevenueHeartbeat',
      Threshold: 0,
      Period: 3_600,
      EvaluationPeriods: 1,
      Statistic: 'Sum',
      TreatMissingData: 'notBreaching',
    });
  });

  it('notifies an SNS topic only when alarmEmail is set', () => {
    s.template.resourceCountIs('AWS::SNS::Topic', 0);
    withEmail.template.resourceCountIs('AWS::SNS::Topic', 1);
    withEmail.template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
    });
    for (const alarm of Object.values(resourcesOf(withEmail.template, 'AWS::CloudWatch::Alarm'))) {
      expect(alarm.Properties?.AlarmActions).toHaveLength(1);
    }
  });

  it('has one dashboard and the outputs an operator needs', () => {
    s.template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    s.template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'RevenueHeartbeat' });
    const outputs = Object.keys(s.template.toJSON().Outputs as Record<string, unknown>);
    // The execute-api URL is no output: the API answers only through the dashboard URL.
    expect(outputs).not.toContain('ApiUrl');
    expect(outputs).toEqual(
      expect.arrayContaining([
        'DashboardUrl',
        'SyncFunctionName',
        'FanoutFunctionName',
        'FanvueClientSecretArn',
        'CronSecretArn',
        'TransactionsTableName',
        'ControlTableName',
        'TotalsTableName',
      ]),
    );
  });
});
