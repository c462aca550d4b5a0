import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const REPO = resolve(import.meta.dirname, '..', '..');

/** The commit a clean clone should check out: the working tree's tracked files as they are now. */
async function workingTreeCommit(): Promise<string> {
  // `git stash create` records uncommitted changes of tracked files as a commit without touching anything.
  const { stdout } = await run('git', ['stash', 'create'], { cwd: REPO });
  return stdout.trim() || 'HEAD';
}

/** The environment of a new shell: no CDK context, account or region handed down from this one. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of Object.keys(env)) if (key.startsWith('CDK_') || key.startsWith('AWS_')) delete env[key];
  return env;
}

let clone: string;
let result: { stdout: string; stderr: string };

beforeAll(async () => {
  const root = mkdtempSync(join(tmpdir(), 'heartbeat-clone-'));
  clone = join(root, 'repo');
  const commit = await workingTreeCommit();
  await run('git', ['clone', '--quiet', '--shared', '--no-checkout', REPO, clone]);
  await run('git', ['checkout', '--quiet', '--detach', commit], { cwd: clone });
  // Installing packages is `npm ci`'s job, not this test's: reuse this checkout's node_modules.
  symlinkSync(join(REPO, 'node_modules'), join(clone, 'node_modules'), 'dir');
  for (const leftover of ['frontend/dist', 'cdk.out', 'cdk.context.json'])
    expect(existsSync(join(clone, leftover)), `${leftover} in a fresh clone`).toBe(false);
  result = await run('npm', ['run', 'synth'], { cwd: clone, env: cleanEnv(), timeout: 900_000 });
}, 960_000);

afterAll(() => {
  if (clone) rmSync(resolve(clone, '..'), { recursive: true, force: true });
});

describe('npm run synth on a fresh clone (no frontend build, no cdk.out, no context)', () => {
  it('builds the dashboard itself and synthesizes the stack with the site upload', () => {
    expect(result.stderr).toContain('building the dashboard');
    expect(existsSync(join(clone, 'frontend', 'dist', 'index.html'))).toBe(true);
    const template = JSON.parse(readFileSync(join(clone, 'cdk.out', 'RevenueHeartbeat.template.json'), 'utf8')) as {
      Resources: Record<string, { Type: string }>;
    };
    const types = Object.values(template.Resources).map((r) => r.Type);
    expect(types).toContain('Custom::CDKBucketDeployment');
    expect(types.filter((t) => t === 'AWS::Lambda::Function').length).toBeGreaterThanOrEqual(5);
  });
});
