import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import {
  CreateSecretCommand,
  GetSecretValueCommand,
  type GetSecretValueCommandOutput,
  PutSecretValueCommand,
  ResourceNotFoundException,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { type Clock, type SecretVersions, systemClock, type VersionedSecretStore } from '../domain/ports';
import { HeartbeatError } from '../shared/errors';
import * as z from '../shared/zod';
import { ttlCache } from './secret-cache';

/** The named secret does not exist (or has no string value). The message names the id, never a value. */
export class SecretNotFoundError extends HeartbeatError {
  readonly secretId: string;
  constructor(secretId: string, options?: { cause?: unknown }) {
    super('secret_not_found', `secret not found: ${secretId}`, options);
    this.secretId = secretId;
  }
}

/** Options of {@link awsSecretStore}. */
export interface AwsSecretStoreOptions {
  /**
   * Which ids may be served from a short in-memory cache (client credentials).
   * Token secrets rotate and must always be re-read, so nothing is cached by default.
   * @default () => false
   */
  isCacheable?: (id: string) => boolean;
  /** @default 300000 (5 minutes) */
  cacheTtlMs?: number;
  /** @default systemClock */
  clock?: Clock;
}

/**
 * Secrets Manager behind the {@link VersionedSecretStore} port. `put` writes a new
 * version (AWSCURRENT; the old one becomes AWSPREVIOUS) and creates the secret when
 * it does not exist yet.
 */
export function awsSecretStore(
  client: SecretsManagerClient,
  options: AwsSecretStoreOptions = {},
): VersionedSecretStore {
  const isCacheable = options.isCacheable ?? (() => false);
  const clock = options.clock ?? systemClock;

  async function read(id: string, stage?: 'AWSPREVIOUS'): Promise<{ value: string; createdAt: number }> {
    let out: GetSecretValueCommandOutput;
    try {
      out = await client.send(new GetSecretValueCommand({ SecretId: id, ...(stage && { VersionStage: stage }) }));
    } catch (err) {
      if (err instanceof ResourceNotFoundException) throw new SecretNotFoundError(id, { cause: err });
      throw err;
    }
    if (out.SecretString === undefined) throw new SecretNotFoundError(id);
    return { value: out.SecretString, createdAt: out.CreatedDate?.getTime() ?? 0 };
  }

  const cache = ttlCache(async (id) => (await read(id)).value, { ttlMs: options.cacheTtlMs ?? 300_000, clock });
  return {
    get: async (id) => (isCacheable(id) ? cache.get(id) : (await read(id)).value),
    async versions(id, opts = {}): Promise<SecretVersions> {
      const current = await read(id);
      const recent = clock.now() - current.createdAt < (opts.previousWithinMs ?? 0);
      // A secret that was never rotated has no AWSPREVIOUS version.
      const previous = recent
        ? await read(id, 'AWSPREVIOUS').catch((err: unknown) => {
            if (err instanceof SecretNotFoundError) return undefined;
            throw err;
          })
        : undefined;
      return {
        current: current.value,
        currentSince: current.createdAt,
        ...(previous && { previous: previous.value }),
      };
    },
    async put(id, value) {
      cache.invalidate(id);
      try {
        await client.send(new PutSecretValueCommand({ SecretId: id, SecretString: value }));
      } catch (err) {
        if (!(err instanceof ResourceNotFoundException)) throw err;
        await client.send(new CreateSecretCommand({ Name: id, SecretString: value }));
      }
    },
  };
}

/** Options of {@link localSecretStore}. */
export interface LocalSecretStoreOptions {
  /** JSON file (`{ [id]: value }`) to load from and persist to, written with mode 0600. In memory only when absent. */
  file?: string;
  /** Secrets to start with (override the file's). */
  initial?: Record<string, string>;
  /** Timestamps rotations (`put` over an existing value). @default systemClock */
  clock?: Clock;
}

const SecretFileSchema = z.record(z.string(), z.string());

/**
 * The local-mode {@link VersionedSecretStore}: an in-memory map, optionally persisted to a
 * private JSON file. A `put` over a value keeps the old one as `previous` (in memory only),
 * like Secrets Manager's AWSPREVIOUS; values loaded at start count as set long ago.
 */
export function localSecretStore(options: LocalSecretStoreOptions = {}): VersionedSecretStore {
  const clock = options.clock ?? systemClock;
  const rotations = new Map<string, { since: number; previous: string }>();
  let loaded: Promise<Map<string, string>> | undefined;
  let writes: Promise<void> = Promise.resolve();

  async function load(): Promise<Map<string, string>> {
    const values = new Map<string, string>();
    if (options.file) {
      try {
        const parsed = SecretFileSchema.parse(JSON.parse(await readFile(options.file, 'utf8')));
        for (const [k, v] of Object.entries(parsed)) values.set(k, v);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
          throw new HeartbeatError('secret_store', 'local secret file is unreadable', { cause: err });
      }
    }
    for (const [k, v] of Object.entries(options.initial ?? {})) values.set(k, v);
    return values;
  }

  async function persist(file: string, values: Map<string, string>): Promise<void> {
    await mkdir(dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify(Object.fromEntries(values), null, 2), { mode: 0o600 });
    await chmod(tmp, 0o600);
    await rename(tmp, file);
  }

  function loadOnce(): Promise<Map<string, string>> {
    loaded ??= load();
    return loaded;
  }

  return {
    async get(id) {
      const values = await loadOnce();
      const value = values.get(id);
      if (value === undefined) throw new SecretNotFoundError(id);
      return value;
    },
    async versions(id, opts = {}) {
      const values = await loadOnce();
      const current = values.get(id);
      if (current === undefined) throw new SecretNotFoundError(id);
      const rotation = rotations.get(id);
      const since = rotation?.since ?? 0;
      const recent = clock.now() - since < (opts.previousWithinMs ?? 0);
      return { current, currentSince: since, ...(rotation && recent && { previous: rotation.previous }) };
    },
    async put(id, value) {
      const values = await loadOnce();
      const old = values.get(id);
      if (old !== undefined && old !== value) rotations.set(id, { since: clock.now(), previous: old });
      values.set(id, value);
      const file = options.file;
      if (!file) return;
      // Serialize file writes so an older snapshot never lands after a newer one.
      const write = writes.then(() => persist(file, values));
      writes = write.catch(() => undefined);
      await write;
    },
  };
}
