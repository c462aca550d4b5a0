import { beforeAll, describe, expect, it } from 'vitest';
import { type SynthesizedStack, synthStack } from './stack-fixture';
import { type CfnResource, resourcesOf } from './template-queries';

let base: SynthesizedStack;
let protectedTables: SynthesizedStack;
beforeAll(() => {
  base = synthStack();
  protectedTables = synthStack({ tableDeletionProtection: 'true' });
});

const STATEFUL = ['AWS::DynamoDB::GlobalTable', 'AWS::DynamoDB::Table', 'AWS::S3::Bucket'];
const stateful = (s: SynthesizedStack): [string, CfnResource][] =>
  STATEFUL.flatMap((type) => Object.entries(resourcesOf(s.template, type)));
const replicas = (table: CfnResource) => (table.Properties?.Replicas ?? []) as Record<string, unknown>[];

describe('stateful resources on a first deploy that rolls back, an update, a delete', () => {
  it('keeps every table and bucket on delete and replacement, but lets a create rollback remove it', () => {
    const all = stateful(base);
    expect(all.length).toBeGreaterThanOrEqual(5);
    for (const [id, resource] of all) {
      expect(resource.DeletionPolicy, id).toBe('RetainExceptOnCreate');
      expect(resource.UpdateReplacePolicy, id).toBe('Retain');
    }
  });

  it('leaves DynamoDB deletion protection off by default (it would block the rollback delete) and on when asked', () => {
    const tables = Object.values(resourcesOf(base.template, 'AWS::DynamoDB::GlobalTable'));
    expect(tables).toHaveLength(3);
    for (const t of tables) expect(replicas(t)[0]?.DeletionProtectionEnabled).not.toBe(true);
    for (const t of Object.values(resourcesOf(protectedTables.template, 'AWS::DynamoDB::GlobalTable')))
      expect(replicas(t)[0]?.DeletionProtectionEnabled).toBe(true);
  });
});

describe('Lambda concurrency on any account', () => {
  it('reserves concurrency for no function by default (AWS keeps 100 unreserved; new accounts may have 10 in all)', () => {
    for (const [id, f] of Object.entries(resourcesOf(base.template, 'AWS::Lambda::Function')))
      expect(f.Properties, id).not.toHaveProperty('ReservedConcurrentExecutions');
  });
});
