import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { type SynthesizedStack, synthStack } from './stack-fixture';
import { type CfnResource, fn, logicalIdOf, resourcesOf } from './template-queries';

let base: SynthesizedStack;
let tuned: SynthesizedStack;

beforeAll(() => {
  base = synthStack();
  tuned = synthStack({ scheduleMinutes: '5', syncReservedConcurrency: '3', syncBudgetSeconds: '120' });
});

const env = (r: CfnResource): Record<string, unknown> =>
  (r.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};

describe('schedule', () => {
  it('fans out every 10 minutes by default and follows the scheduleMinutes context', () => {
    const target = { Arn: { 'Fn::GetAtt': [logicalIdOf(base.stack.pipeline.fanoutFunction), 'Arn'] } };
    base.template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(10 minutes)',
      State: 'ENABLED',
      Targets: Match.arrayWith([
        Match.objectLike({ ...target, Input: '{"reason":"schedule"}', DeadLetterConfig: Match.anyValue() }),
      ]),
    });
    tuned.template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(5 minutes)' });
    expect(JSON.stringify(tuned.template.toJSON())).not.toContain('rate(10 minutes)');
  });

  it('runs the reconciliation once a day with the plain scheduled event (its handler parses that shape)', () => {
    base.template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'cron(0 3 * * ? *)',
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [logicalIdOf(base.stack.reconciliation.reconcileFunction), 'Arn'] },
          Input: Match.absent(),
        }),
      ],
    });
  });

  it('lets the reconciliation fan out to itself (one invocation per model and per agency), and nothing else', () => {
    const id = logicalIdOf(base.stack.reconciliation.reconcileFunction);
    expect(env(fn(base.template, id))).toMatchObject({ RECONCILE_FAN_OUT: 'true' });
    const permissions = Object.values(resourcesOf(base.template, 'AWS::Lambda::Permission')).filter(
      (p) => JSON.stringify(p.Properties?.FunctionName) === JSON.stringify({ 'Fn::GetAtt': [id, 'Arn'] }),
    );
    const roleId = logicalIdOf(base.stack.reconciliation.reconcileFunction.executionRole);
    expect(permissions.map((p) => p.Properties?.Principal)).toContainEqual({ 'Fn::GetAtt': [roleId, 'Arn'] });
  });
});

describe('source audit', () => {
  it('has its own daily rule that starts the audit fan-out; the sync function runs it and knows its days', () => {
    base.template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'cron(10 3 * * ? *)',
      State: 'ENABLED',
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [logicalIdOf(base.stack.pipeline.fanoutFunction), 'Arn'] },
          Input: '{"reason":"audit","audit":true}',
          DeadLetterConfig: Match.anyValue(),
        }),
      ],
    });
    const sync = resourcesOf(base.template, 'AWS::Lambda::Function')[logicalIdOf(base.stack.pipeline.syncFunction)];
    expect(sync && env(sync).AUDIT_DAYS).toBe('7');
  });
});

describe('async invocation', () => {
  it('sends failed sync invocations to the SQS onFailure destination after bounded retries', () => {
    const syncId = logicalIdOf(base.stack.pipeline.syncFunction);
    const queueId = logicalIdOf(base.stack.pipeline.syncFailures.queue);
    base.template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: syncId },
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: 3600,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queueId, 'Arn'] } } },
    });
  });

  it('gives the fan-out a dead-letter queue and lets it invoke the sync function (only)', () => {
    const fanout = fn(base.template, logicalIdOf(base.stack.pipeline.fanoutFunction));
    expect(fanout.Properties?.DeadLetterConfig).toEqual({
      TargetArn: { 'Fn::GetAtt': [logicalIdOf(base.stack.pipeline.fanoutDlq.queue), 'Arn'] },
    });
    expect(env(fanout).SYNC_FUNCTION_NAME).toEqual({ Ref: logicalIdOf(base.stack.pipeline.syncFunction) });
    expect(env(fanout).FANOUT_CONCURRENCY).toBe('10');
  });
});

describe('sync function', () => {
  it('reserves no concurrency unless asked (syncReservedConcurrency > 0), so a small account can deploy', () => {
    expect(fn(base.template, logicalIdOf(base.stack.pipeline.syncFunction)).Properties).not.toHaveProperty(
      'ReservedConcurrentExecutions',
    );
    expect(
      fn(tuned.template, logicalIdOf(tuned.stack.pipeline.syncFunction)).Properties?.ReservedConcurrentExecutions,
    ).toBe(3);
  });

  it('times out after its work budget, so a run always checkpoints before Lambda kills it', () => {
    for (const s of [base, tuned]) {
      const sync = fn(s.template, logicalIdOf(s.stack.pipeline.syncFunction));
      const budgetMs = Number(env(sync).SYNC_BUDGET_MS);
      expect(budgetMs).toBeGreaterThan(0);
      expect(Number(sync.Properties?.Timeout) * 1000).toBeGreaterThanOrEqual(budgetMs + 30_000);
    }
    expect(env(fn(base.template, logicalIdOf(base.stack.pipeline.syncFunction))).SYNC_BUDGET_MS).toBe('240000');
    expect(fn(base.template, logicalIdOf(base.stack.pipeline.syncFunction)).Properties?.Timeout).toBe(300);
  });

  it('gets the Fanvue settings and secret references it reads', () => {
    const vars = env(fn(base.template, logicalIdOf(base.stack.pipeline.syncFunction)));
    expect(vars).toMatchObject({
      FANVUE_API_BASE_URL: 'https://api.fanvue.com',
      FANVUE_AUTH_BASE_URL: 'https://auth.fanvue.com',
      FANVUE_CLIENT_SECRET_ID: { Ref: logicalIdOf(base.stack.secrets.fanvueClient) },
      FANVUE_CONNECTION_SECRET_PREFIX: 'RevenueHeartbeat/fanvue/connection/',
      SYNC_LOOKBACK_MINUTES: '60',
      CONTROL_TABLE: { Ref: logicalIdOf(base.stack.tables.control) },
      TRANSACTIONS_TABLE: { Ref: logicalIdOf(base.stack.tables.transactions) },
    });
    expect(vars).not.toHaveProperty('TOTALS_TABLE');
  });
});

describe('aggregator stream mapping', () => {
  it('reads the transactions stream with partial failures, bisection, bounded retries and an SQS onFailure', () => {
    base.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: logicalIdOf(base.stack.aggregator.aggregateFunction) },
      EventSourceArn: { 'Fn::GetAtt': [logicalIdOf(base.stack.tables.transactions), 'StreamArn'] },
      BatchSize: 100,
      StartingPosition: 'TRIM_HORIZON',
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 3,
      MaximumRecordAgeInSeconds: 3600,
      DestinationConfig: {
        OnFailure: { Destination: { 'Fn::GetAtt': [logicalIdOf(base.stack.aggregator.streamFailures.queue), 'Arn'] } },
      },
    });
    base.template.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
  });
});

describe('every function', () => {
  it('runs Node.js 24 on ARM without X-Ray (no instrumentation, no bill for empty traces), with source maps and its own log group', () => {
    const fns = Object.entries(resourcesOf(base.template, 'AWS::Lambda::Function')).filter(
      ([, r]) => String(r.Properties?.Description ?? '') !== '' && env(r).POWERTOOLS_SERVICE_NAME,
    );
    expect(fns).toHaveLength(6);
    for (const [, r] of fns) {
      expect(r.Properties).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
      });
      expect(env(r)).toMatchObject({
        NODE_OPTIONS: '--enable-source-maps',
        LOG_LEVEL: 'INFO',
        POWERTOOLS_SERVICE_NAME: 'revenue-heartbeat',
      });
      expect(r.Properties).not.toHaveProperty('TracingConfig');
      const logGroup = (r.Properties!.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
      expect(resourcesOf(base.template, 'AWS::Logs::LogGroup')[logGroup]?.Properties?.RetentionInDays).toBe(30);
    }
    expect(JSON.stringify(resourcesOf(base.template, 'AWS::IAM::Policy'))).not.toContain('xray:');
  });
});
