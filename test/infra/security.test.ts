import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/app';
import { type SynthesizedStack, synthStack, unacknowledgedFindings } from './stack-fixture';
import { flat, logicalIdOf, referencedIds, resourcesOf, roleStatements, type Statement } from './template-queries';

let s: SynthesizedStack;
beforeAll(() => {
  s = synthStack();
});

const ids = () => ({
  transactions: logicalIdOf(s.stack.tables.transactions),
  control: logicalIdOf(s.stack.tables.control),
  totals: logicalIdOf(s.stack.tables.totals),
  clientSecret: logicalIdOf(s.stack.secrets.fanvueClient),
  cronSecret: logicalIdOf(s.stack.secrets.cron),
  webhookSecret: logicalIdOf(s.stack.secrets.webhook),
  originSecret: logicalIdOf(s.stack.secrets.origin),
});
const statementsOf = (construct: Parameters<typeof logicalIdOf>[0]) =>
  roleStatements(s.template, logicalIdOf(construct));
const touching = (statements: Statement[], prefix: string) =>
  statements.filter((st) => st.actions.some((a) => a.startsWith(prefix)));
const dynamoTables = (statements: Statement[]) =>
  new Set(touching(statements, 'dynamodb:').flatMap((st) => st.resources.flatMap(referencedIds)));

describe('IAM least privilege', () => {
  it('never grants DynamoDB or Secrets Manager actions on "*"', () => {
    for (const policy of Object.values(resourcesOf(s.template, 'AWS::IAM::Policy'))) {
      const doc = policy.Properties!.PolicyDocument as {
        Statement: { Action: string | string[]; Resource: unknown }[];
      };
      for (const st of doc.Statement) {
        const actions = [st.Action].flat();
        if (!actions.some((a) => a.startsWith('dynamodb:') || a.startsWith('secretsmanager:'))) continue;
        expect([st.Resource].flat(), `${actions.join(',')}`).not.toContain('*');
      }
    }
  });

  it('scopes each function to the tables it uses', () => {
    const t = ids();
    expect(dynamoTables(statementsOf(s.stack.pipeline.syncFunction))).toEqual(new Set([t.transactions, t.control]));
    expect(dynamoTables(statementsOf(s.stack.pipeline.fanoutFunction))).toEqual(new Set([t.control]));
    // Control: the agencies' time zones (local-day totals).
    expect(dynamoTables(statementsOf(s.stack.aggregator.aggregateFunction))).toEqual(
      new Set([t.totals, t.transactions, t.control]),
    );
    // Transactions: one page of a model's latest rows at a time (model page, CSV export).
    expect(dynamoTables(statementsOf(s.stack.api.apiFunction))).toEqual(new Set([t.control, t.totals, t.transactions]));
    expect(dynamoTables(statementsOf(s.stack.reconciliation.reconcileFunction))).toEqual(
      new Set([t.transactions, t.control, t.totals]),
    );
  });

  it('gives the aggregator only stream reads on the transactions table', () => {
    const t = ids();
    for (const st of touching(statementsOf(s.stack.aggregator.aggregateFunction), 'dynamodb:')) {
      if (st.resources.flatMap(referencedIds).includes(t.transactions)) {
        expect(
          st.actions.every((a) =>
            [
              'dynamodb:DescribeStream',
              'dynamodb:GetRecords',
              'dynamodb:GetShardIterator',
              'dynamodb:ListStreams',
            ].includes(a),
          ),
        ).toBe(true);
        expect(flat(st.resources)).toContain('StreamArn');
      }
    }
  });

  it('keeps the dashboard API read-only on DynamoDB but for control table items by leading key (accounts items, see auth.test.ts; webhook replay guard, see edge.test.ts; download tickets, see export.test.ts)', () => {
    const writing = touching(statementsOf(s.stack.api.apiFunction), 'dynamodb:').filter((st) =>
      st.actions.some((a) => /Put|Update|Delete|Write/.test(a)),
    );
    // Accounts items, the webhook replay guard, the connect flow's model records and CSV download tickets.
    expect(writing).toHaveLength(4);
    for (const st of writing) {
      expect(referencedIds(st.resources)).toEqual([ids().control]);
      expect(st.actions.filter((a) => /BatchWrite/.test(a))).toEqual([]);
      expect(st.conditions?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys']).toBeDefined();
    }
  });

  it('limits secrets to the client credentials and the connection prefix (sync) and the cron, webhook and origin secrets (api)', () => {
    const t = ids();
    const sync = touching(statementsOf(s.stack.pipeline.syncFunction), 'secretsmanager:');
    expect(new Set(sync.flatMap((st) => st.actions))).toEqual(
      new Set(['secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue']),
    );
    for (const st of sync) {
      const text = flat(st.resources);
      const isClient = referencedIds(st.resources).includes(t.clientSecret);
      const isPrefix = text.includes(':secret:RevenueHeartbeat/fanvue/connection/*');
      expect(isClient || isPrefix, text).toBe(true);
      if (isClient) expect(st.actions).toEqual(['secretsmanager:GetSecretValue']);
    }
    const api = touching(statementsOf(s.stack.api.apiFunction), 'secretsmanager:');
    // Plus, for connecting Fanvue from the dashboard, the sync's own grant (client credentials, connection tokens).
    const apiReads = api.filter((st) => !st.actions.includes('secretsmanager:PutSecretValue'));
    expect(apiReads.flatMap((st) => referencedIds(st.resources)).sort()).toEqual(
      [t.cronSecret, t.webhookSecret, t.originSecret, t.clientSecret].sort(),
    );
    const apiTokens = api.filter((st) => st.actions.includes('secretsmanager:PutSecretValue'));
    expect(apiTokens).toHaveLength(1);
    expect(flat(apiTokens[0]?.resources)).toContain(':secret:RevenueHeartbeat/fanvue/connection/*');
    for (const fnc of [
      s.stack.pipeline.fanoutFunction,
      s.stack.aggregator.aggregateFunction,
      s.stack.reconciliation.reconcileFunction,
    ]) {
      expect(touching(statementsOf(fnc), 'secretsmanager:')).toEqual([]);
    }
  });

  it('generates secret values instead of putting them in the template', () => {
    for (const secret of Object.values(resourcesOf(s.template, 'AWS::SecretsManager::Secret'))) {
      expect(secret.Properties).toHaveProperty('GenerateSecretString');
      expect(secret.Properties).not.toHaveProperty('SecretString');
    }
    expect(flat(s.template.toJSON())).not.toMatch(/refreshToken"\s*:/);
  });
});

describe('data protection', () => {
  it('builds the three tables on demand with PITR', () => {
    const tables = Object.values(resourcesOf(s.template, 'AWS::DynamoDB::GlobalTable'));
    expect(tables).toHaveLength(3);
    for (const table of tables) {
      expect(table.Properties).toMatchObject({ BillingMode: 'PAY_PER_REQUEST' });
      const replica = (table.Properties!.Replicas as Record<string, unknown>[])[0];
      expect(replica).toMatchObject({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } });
    }
  });

  it('takes keys, GSI, stream and TTL from the shared table definitions', () => {
    const t = ids();
    const all = resourcesOf(s.template, 'AWS::DynamoDB::GlobalTable');
    expect(all[t.transactions]?.Properties).toMatchObject({
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
    });
    expect(all[t.control]?.Properties?.GlobalSecondaryIndexes).toEqual([
      expect.objectContaining({
        IndexName: 'byAgency',
        KeySchema: [
          { AttributeName: 'gsi1pk', KeyType: 'HASH' },
          { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
        ],
      }),
    ]);
    expect(all[t.totals]?.Properties).toMatchObject({
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
  });

  it('keeps every bucket private, encrypted and TLS-only', () => {
    const buckets = resourcesOf(s.template, 'AWS::S3::Bucket');
    expect(Object.keys(buckets).length).toBeGreaterThanOrEqual(1);
    for (const bucket of Object.values(buckets)) {
      expect(bucket.Properties).toMatchObject({
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
      });
    }
    for (const policy of Object.values(resourcesOf(s.template, 'AWS::S3::BucketPolicy'))) {
      const statements = (
        policy.Properties!.PolicyDocument as {
          Statement: { Effect: string; Principal: unknown; Condition?: unknown }[];
        }
      ).Statement;
      expect(flat(statements)).toContain('"aws:SecureTransport":"false"');
      for (const st of statements.filter((x) => x.Effect === 'Allow')) expect(st.Principal).not.toEqual({ AWS: '*' });
    }
    expect(s.stack.site.bucket.node.defaultChild).toBeDefined();
  });
});

describe('cdk-nag (AWS Solutions)', () => {
  it('reports nothing unacknowledged for the stack', () => {
    expect(unacknowledgedFindings(s.assembly)).toEqual([]);
  });

  it('is wired in: an unencrypted, non-TLS queue fails synth', () => {
    const dist = mkdtempSync(join(tmpdir(), 'heartbeat-dist-'));
    writeFileSync(join(dist, 'index.html'), '');
    const app = new App({
      outdir: mkdtempSync(join(tmpdir(), 'heartbeat-cdk-out-')),
      context: { 'aws:cdk:bundling-stacks': [], frontendDist: dist },
    });
    const { stack } = buildApp(app);
    new sqs.Queue(stack, 'Careless', { encryption: sqs.QueueEncryption.UNENCRYPTED });
    expect(() => app.synth()).toThrow(/AwsSolutions-SQS4/);
  });
});
