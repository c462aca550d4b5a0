import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { freePort, OWN_DYNAMODB_LOCAL_ENV } from '../../local/dynamodb-local';
import { listenOnLoopback } from '../../local/ports';
import { localClient } from '../support/ddb';

const root = resolve(import.meta.dirname, '../..');
const tsx = resolve(root, 'node_modules', '.bin', 'tsx');
let blocker: Server | undefined;

afterEach(async () => {
  if (blocker?.listening) await new Promise<void>((r) => blocker?.close(() => r()));
  blocker = undefined;
});

/** Holds a loopback port, as another program would; returns its number. */
async function takePort(): Promise<number> {
  blocker = createServer();
  await listenOnLoopback(blocker, 0);
  const addr = blocker.address();
  if (typeof addr !== 'object' || !addr) throw new Error('no address');
  return addr.port;
}

/** True while any process of the group (the child and everything it started) is alive. */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Runs a script in its own process group; resolves with its exit code, output, and whether the group outlived it. */
async function runScript(script: string, args: string[], env: Record<string, string> = {}) {
  const child = spawn(tsx, [script, ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  const pgid = child.pid!;
  // Whatever the script started must be gone with it; give stragglers a moment, then clean up regardless.
  for (let i = 0; i < 50 && groupAlive(pgid); i++) await new Promise((r) => setTimeout(r, 100));
  const leftBehind = groupAlive(pgid);
  if (leftBehind) process.kill(-pgid, 'SIGKILL');
  return { code, stdout, stderr, leftBehind };
}

// Each case starts tsx in a child process: seconds on a busy machine, so an explicit, generous limit.
describe('npm start fails kindly', { timeout: 120_000 }, () => {
  it('a taken --port: one line naming the port and the flag, before anything starts, nothing left running', async () => {
    const port = await takePort();
    const r = await runScript('local/start.ts', ['--port', String(port), '--lambda-port', '0']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([
      `port ${port} is in use: choose another with --port (npm start -- --port ${port + 10})`,
    ]);
    expect(r.stdout).toBe('');
    expect(r.leftBehind).toBe(false);
  });

  it('a taken --lambda-port names that flag', async () => {
    const port = await takePort();
    const r = await runScript('local/start.ts', ['--port', '0', '--lambda-port', String(port)]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`port ${port} is in use: choose another with --lambda-port`);
    expect(r.leftBehind).toBe(false);
  });

  it('an unknown flag prints the usage, not a stack trace', async () => {
    const r = await runScript('local/start.ts', ['--prot', '3000']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("Unknown option '--prot'");
    expect(r.stderr).toContain('npm start -- [options]');
    // The README's `npm start` table and the usage name the same options, both ways.
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const rows = readme.split('\n').filter((line) => line.startsWith('| `--'));
    const documented = rows.flatMap((row) => [...(row.split('|')[1] ?? '').matchAll(/`(--[a-z-]+)/g)].map((m) => m[1]));
    const usage = [...r.stderr.matchAll(/^ {2}(--[a-z-]+) /gm)].map((m) => m[1]);
    expect(documented).toContain('--ddb-endpoint');
    expect(usage).toContain('--time-zone');
    for (const flag of documented) expect(usage, `${flag} is in the README but not the usage`).toContain(flag);
    for (const flag of usage) expect(documented, `${flag} is in the usage but not the README`).toContain(flag);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.leftBehind).toBe(false);
  });

  it('no Java: says to install Java 17, and how on Debian and macOS', async () => {
    // A PATH with node and nothing else.
    const bin = mkdtempSync(join(tmpdir(), 'no-java-'));
    symlinkSync(process.execPath, join(bin, 'node'));
    try {
      const r = await runScript('local/start.ts', ['--port', '0', '--lambda-port', '0'], { PATH: bin });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('java was not found on PATH');
      expect(r.stderr).toContain('Java 17');
      expect(r.stderr).toContain('apt-get install -y openjdk-17-jdk-headless');
      expect(r.stderr).toContain('brew install openjdk@17');
      expect(r.leftBehind).toBe(false);
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  });

  it('--ddb-endpoint: a bad URL, --persist with it, or nothing answering there: one message, nothing started', async () => {
    const bad = await runScript('local/start.ts', ['--port', '0', '--lambda-port', '0', '--ddb-endpoint', 'localhost']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('ddbEndpoint');
    expect(bad.stderr).toContain('npm start -- [options]');

    const shared = inject('ddbEndpoint');
    const both = await runScript('local/start.ts', [
      '--port',
      '0',
      '--lambda-port',
      '0',
      '--persist',
      '--ddb-endpoint',
      shared,
    ]);
    expect(both.code).toBe(2);
    expect(both.stderr.trim()).toBe(
      '--persist keeps the data of the DynamoDB Local npm start runs: not with --ddb-endpoint',
    );

    const nobody = `http://127.0.0.1:${await freePort()}`;
    const r = await runScript('local/start.ts', ['--port', '0', '--lambda-port', '0', '--ddb-endpoint', nobody]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([
      `nothing answers at ${nobody} (--ddb-endpoint): start DynamoDB Local there, or leave the flag out`,
    ]);
    for (const run of [bad, both, r]) expect(run.leftBehind).toBe(false);
  });

  // The one test in the suite that lets a start launch DynamoDB Local's JVM of its own (every other
  // test uses the shared one): only that proves a failed start stops the JVM it launched. Starts the
  // JVM and the simulator before the port clash: heavy on a busy machine.
  it.runIf(existsSync('/proc/self/stat'))(
    'a start that fails half-way stops every part it had started, its own DynamoDB Local included',
    { timeout: 240_000 },
    async () => {
      const port = await takePort();
      const r = await runScript('test/support/start-stack-once.ts', [], {
        STACK_PORT: String(port),
        [OWN_DYNAMODB_LOCAL_ENV]: '1',
      });
      expect(r.stderr.trim().split('\n').at(-1)).toBe(`port ${port} is in use`);
      expect(r.code).toBe(3);
      expect(r.stdout.trim()).toBe('java children started: 1, left: 0');
      expect(r.leftBehind).toBe(false);
    },
  );

  it.runIf(existsSync('/proc/self/stat'))(
    'on a given DynamoDB endpoint a failed start launches no JVM, leaves nothing, and leaves that DynamoDB running',
    async () => {
      const port = await takePort();
      const r = await runScript('test/support/start-stack-once.ts', [], {
        STACK_PORT: String(port),
        STACK_DDB_ENDPOINT: inject('ddbEndpoint'),
      });
      expect(r.stderr.trim().split('\n').at(-1)).toBe(`port ${port} is in use`);
      expect(r.code).toBe(3);
      expect(r.stdout.trim()).toBe('java children started: 0, left: 0');
      expect(r.leftBehind).toBe(false);
      const client = localClient();
      try {
        // The stack made its tables there before the clash, and did not stop what it did not start.
        const tables = await client.send(new ListTablesCommand({}));
        expect(tables.TableNames?.some((t) => /^start[0-9a-f]{8}-transactions$/.test(t))).toBe(true);
      } finally {
        client.destroy();
      }
    },
  );
});
