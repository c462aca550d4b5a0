import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTEXT_KEYS } from '../../infra/config';
import { AgencySchema } from '../../lambdas/adapters/dynamo/agencies';
import { ModelRecordSchema } from '../../lambdas/domain/model';
import { keys } from '../../lambdas/shared/tables';
import { startLambdaEndpoint } from '../../local/lambda-endpoint';
import { type SynthesizedStack, synthStack } from './stack-fixture';
import { fn, logicalIdOf, resourcesOf } from './template-queries';

const ROOT = resolve(import.meta.dirname, '..', '..');
const DOCS = ['README.md', ...readdirSync(join(ROOT, 'docs')).map((f) => join('docs', f))].filter((f) =>
  f.endsWith('.md'),
);
const text = (file: string) => readFileSync(join(ROOT, file), 'utf8');
const all = DOCS.map(text).join('\n');
/** Shell commands with their backslash continuations joined. */
const commands = all.replace(/\\\n\s*/g, ' ').split('\n');
const scripts = (JSON.parse(text('package.json')) as { scripts: Record<string, string> }).scripts;

let s: SynthesizedStack;
beforeAll(() => {
  s = synthStack();
});

describe('README and docs/ name only what exists', () => {
  it('every `npm run <script>` is a script of package.json', () => {
    const named = [...all.matchAll(/npm run ([\w:-]+)/g)].map((m) => m[1] as string);
    expect(named.length).toBeGreaterThan(10);
    for (const name of new Set(named)) expect(scripts, `npm run ${name}`).toHaveProperty(name);
  });

  it('every `-c key=value` and every settings row is a context key the app reads, and every key is documented', () => {
    const used = [...all.matchAll(/-c (\w+)=/g)].map((m) => m[1]).filter((k) => k !== 'key');
    for (const key of used) expect(CONTEXT_KEYS, `-c ${key}`).toContain(key);
    const deploy = text('docs/deploy.md');
    for (const key of CONTEXT_KEYS) expect(deploy, `context key ${key} documented`).toContain(`\`${key}\``);
  });

  it('every stack output the docs read exists, and URLs are used as they come (they already hold https://)', () => {
    const outputs = Object.keys(s.template.toJSON().Outputs as Record<string, unknown>);
    const read = [
      ...[...all.matchAll(/\$\(out (\w+)\)/g)].map((m) => m[1]),
      ...[...all.matchAll(/<(\w+(?:Name|Url|Arn|Prefix))>/g)].map((m) => m[1]),
    ];
    expect(read.length).toBeGreaterThan(5);
    for (const name of new Set(read)) expect(outputs, `output ${name}`).toContain(name);
    expect(String(s.template.toJSON().Outputs.DashboardUrl.Value['Fn::Join'][1][0])).toBe('https://');
    expect(all).not.toMatch(/https:\/\/(<DashboardUrl>|\$DASHBOARD|\$\(out DashboardUrl\))/);
  });

  it('gives `aws lambda invoke` against AWS a read timeout above the function timeout', () => {
    const timeout = (f: { Properties?: Record<string, unknown> }) => Number(f.Properties?.Timeout);
    const syncTimeout = timeout(fn(s.template, logicalIdOf(s.stack.pipeline.syncFunction)));
    const fanoutTimeout = timeout(fn(s.template, logicalIdOf(s.stack.pipeline.fanoutFunction)));
    const invokes = commands.filter((c) => c.includes('aws lambda invoke') && !c.includes('--endpoint-url'));
    expect(invokes.length).toBeGreaterThanOrEqual(4);
    for (const c of invokes) {
      const readTimeout = Number(/--cli-read-timeout (\d+)/.exec(c)?.[1] ?? 60);
      const needed = /Sync|SYNC_FN/.test(c) ? syncTimeout : /Fanout|FANOUT_FN/.test(c) ? fanoutTimeout : 0;
      expect(readTimeout, c).toBeGreaterThan(needed);
    }
  });

  it('names commands and log groups as they are (connect, not register; no /aws/lambda/ log groups)', () => {
    expect(all).not.toMatch(/`register`|npm run register/);
    expect(all).not.toContain('/aws/lambda/');
    for (const g of Object.values(resourcesOf(s.template, 'AWS::Logs::LogGroup')))
      expect(g.Properties?.LogGroupName).toBeUndefined();
  });

  it('deletes connection secrets without a recovery window, so the same connection can be created again', () => {
    const deletes = commands.filter((c) => c.includes('secretsmanager delete-secret'));
    expect(deletes.length).toBeGreaterThan(0);
    for (const c of deletes) expect(c).toContain('--force-delete-without-recovery');
  });

  it('quotes the alarm and secret counts of the template in the cost estimate', () => {
    const alarms = Object.values(resourcesOf(s.template, 'AWS::CloudWatch::Alarm'));
    const metrics = alarms
      .map(
        (a) =>
          (a.Properties?.Metrics as { MetricStat?: unknown }[] | undefined)?.filter((m) => m.MetricStat).length ?? 1,
      )
      .reduce((x, y) => x + y, 0);
    const secrets = Object.keys(resourcesOf(s.template, 'AWS::SecretsManager::Secret')).length;
    const deploy = text('docs/deploy.md');
    expect(deploy).toContain(`**${alarms.length} alarms on ${metrics} metrics**`);
    expect(deploy).toContain(`${metrics} alarm metrics × $0.10`);
    expect(deploy).toContain(`**${secrets} stack secrets**`);
    expect(deploy).toContain(`(${secrets} + C) secrets × $0.40`);
  });
});

describe('the items docs/deploy.md writes by hand', () => {
  /** The `--item` JSON of every `aws dynamodb put-item` in the deploy guide, unmarshalled (shell variables kept as text). */
  const joined = all.replace(/\\\n\s*/g, ' ');
  const items = [...joined.matchAll(/aws dynamodb put-item[^\n]*?--item\s+(?:'([^']+)'|"((?:[^"\\]|\\.)+)")/g)]
    .map((m) => m[1] ?? m[2]?.replace(/\\"/g, '"') ?? '')
    .map((json) => unmarshall(JSON.parse(json) as Parameters<typeof unmarshall>[0]));

  it('are the records the code reads: model (with its agency index), agency, access key', () => {
    const model = items.find((i) => String(i.pk).startsWith('MODEL#'));
    expect(model).toBeDefined();
    const parsed = ModelRecordSchema.parse(model);
    expect(model).toMatchObject({
      pk: keys.modelPk(parsed.modelId),
      sk: keys.modelSk,
      gsi1pk: keys.agencyPk(parsed.agencyId),
      gsi1sk: keys.modelPk(parsed.modelId),
    });
    const agency = items.find((i) => i.sk === keys.agencySk);
    expect(agency?.pk).toBe(keys.agencyPk(AgencySchema.parse(agency).agencyId));
    const key = items.find((i) => i.sk === keys.apiKeySk);
    expect(key?.pk).toBe(keys.apiKeyPk('$HASH'));
    expect(key?.agencyId).toBe(agency?.agencyId);
  });
});

describe('npm run invoke against a deployed function (an Invoke API endpoint standing in for AWS)', () => {
  const run = promisify(execFile);
  const received: { fn: string; payload: unknown }[] = [];
  let endpoint: Awaited<ReturnType<typeof startLambdaEndpoint>>;
  beforeAll(async () => {
    const deployed = (name: string) => async (payload: unknown) => {
      received.push({ fn: name, payload });
      return { ran: name };
    };
    endpoint = await startLambdaEndpoint({
      'RevenueHeartbeat-SyncPipelineSync-abc': deployed('sync'),
      'RevenueHeartbeat-SyncPipelineFanout-def': deployed('fanout'),
    });
  });
  afterAll(() => endpoint?.stop());

  const invoke = (args: string[], env: Record<string, string>) => {
    const base = { ...process.env };
    for (const k of ['LAMBDA_ENDPOINT', 'SYNC_FUNCTION_NAME', 'FANOUT_FUNCTION_NAME']) delete base[k];
    return run('npm', ['run', '--silent', 'invoke', '--', ...args], {
      cwd: ROOT,
      timeout: 120_000,
      env: {
        ...base,
        AWS_ENDPOINT_URL_LAMBDA: endpoint.url,
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'test',
        AWS_SECRET_ACCESS_KEY: 'test',
        ...env,
      },
    });
  };

  it('runs the sync with SYNC_FUNCTION_NAME and the fan-out with FANOUT_FUNCTION_NAME alone, as the docs say', async () => {
    const sync = await invoke(['sync', 'model-1'], { SYNC_FUNCTION_NAME: 'RevenueHeartbeat-SyncPipelineSync-abc' });
    expect(JSON.parse(sync.stdout)).toEqual({ ran: 'sync' });
    const fanout = await invoke(['fanout'], { FANOUT_FUNCTION_NAME: 'RevenueHeartbeat-SyncPipelineFanout-def' });
    expect(JSON.parse(fanout.stdout)).toEqual({ ran: 'fanout' });
    expect(received).toEqual([
      { fn: 'sync', payload: { modelId: 'model-1', reason: 'manual' } },
      { fn: 'fanout', payload: { reason: 'manual' } },
    ]);
  });

  it('prints its usage for a wrong command', async () => {
    const failed = await invoke(['nope'], {}).catch((e: { code: number; stderr: string }) => e);
    expect(failed).toMatchObject({ code: 2 });
    expect((failed as { stderr: string }).stderr).toContain('FANOUT_FUNCTION_NAME');
  });
});
