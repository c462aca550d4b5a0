import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import {
  CreateSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { type Clock, type SecretStore, systemClock } from '../domain/ports';
import { HeartbeatError } from '../shared/errors';
import * as z from '../shared/zod';

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
 * Secrets Manager behind the {@link SecretStore} port. `put` writes a new
 * version (AWSCURRENT) and creates the secret when it does not exist yet.
 */
export function awsSecretStore(client: SecretsManagerClient, options: AwsSecretStoreOptions = {}): SecretStore {
  const isCacheable = options.isCacheable ?? (() => false);
  const ttl = options.cacheTtlMs ?? 300_000;
  const clock = options.clock ?? systemClock;
  const cache = new Map<string, { value: string; until: number }>();
  return {
    async get(id) {
      const hit = cache.get(id);
      if (hit && hit.until > clock.now()) return hit.value;
      let value: string | undefined;
      try {
        value = (await client.send(new GetSecretValueCommand({ SecretId: id }))).SecretString;
      } catch (err) {
        if (err instanceof ResourceNotFoundException) throw new SecretNotFoundError(id, { cause: err });
        throw err;
      }
      if (value === undefined) throw new SecretNotFoundError(id);
      if (isCacheable(id)) cache.set(id, { value, until: clock.now() + ttl });
      return value;
    },
    async put(id, value) {
      cache.delete(id);
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
}

const SecretFileSchema = z.record(z.string(), z.string());

/** The local-mode {@link SecretStore}: an in-memory map, optionally persisted to a private JSON file. */
export function localSecretStore(options: LocalSecretStoreOptions = {}): SecretStore {
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
    async put(id, value) {
      const values = await loadOnce();
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
