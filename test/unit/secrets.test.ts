import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { awsSecretStore, localSecretStore, SecretNotFoundError } from '../../lambdas/adapters/secrets';

const sm = mockClient(SecretsManagerClient);
const notFound = () => new ResourceNotFoundException({ message: 'not found', $metadata: {} });

describe('awsSecretStore', () => {
  beforeEach(() => {
    sm.reset();
    vi.useFakeTimers().setSystemTime(Date.UTC(2025, 0, 1));
  });
  afterEach(() => vi.useRealTimers());

  it('reads SecretString with GetSecretValue', async () => {
    sm.on(GetSecretValueCommand, { SecretId: 'a' }).resolves({ SecretString: 'value-a' });
    expect(await awsSecretStore(new SecretsManagerClient({})).get('a')).toBe('value-a');
  });

  it('maps a missing secret (or one without a string) to SecretNotFoundError naming the id only', async () => {
    sm.on(GetSecretValueCommand, { SecretId: 'gone' }).rejects(notFound());
    sm.on(GetSecretValueCommand, { SecretId: 'binary' }).resolves({ SecretBinary: new Uint8Array([1]) });
    const store = awsSecretStore(new SecretsManagerClient({}));
    await expect(store.get('gone')).rejects.toThrow(new SecretNotFoundError('gone'));
    await expect(store.get('binary')).rejects.toBeInstanceOf(SecretNotFoundError);
  });

  it('re-reads token secrets on every get, but caches cacheable ids for the ttl', async () => {
    sm.on(GetSecretValueCommand).resolves({ SecretString: 'v' });
    const store = awsSecretStore(new SecretsManagerClient({}), {
      isCacheable: (id) => id === 'client',
      cacheTtlMs: 1_000,
      clock: { now: () => Date.now() },
    });
    await store.get('tokens');
    await store.get('tokens');
    await store.get('client');
    await store.get('client');
    expect(sm.commandCalls(GetSecretValueCommand).map((c) => c.args[0].input.SecretId)).toEqual([
      'tokens',
      'tokens',
      'client',
    ]);
    vi.advanceTimersByTime(1_001);
    await store.get('client');
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(4);
  });

  it('writes with PutSecretValue, creating the secret when it does not exist yet', async () => {
    sm.on(PutSecretValueCommand, { SecretId: 'exists' }).resolves({});
    sm.on(PutSecretValueCommand, { SecretId: 'new' }).rejects(notFound());
    sm.on(CreateSecretCommand).resolves({});
    const store = awsSecretStore(new SecretsManagerClient({}));
    await store.put('exists', 'v1');
    await store.put('new', 'v2');
    expect(sm.commandCalls(PutSecretValueCommand).map((c) => c.args[0].input)).toEqual([
      { SecretId: 'exists', SecretString: 'v1' },
      { SecretId: 'new', SecretString: 'v2' },
    ]);
    expect(sm.commandCalls(CreateSecretCommand)[0]!.args[0].input).toEqual({ Name: 'new', SecretString: 'v2' });
  });

  it('a put invalidates the cached value', async () => {
    sm.on(GetSecretValueCommand).resolvesOnce({ SecretString: 'old' }).resolves({ SecretString: 'new' });
    sm.on(PutSecretValueCommand).resolves({});
    const store = awsSecretStore(new SecretsManagerClient({}), { isCacheable: () => true });
    expect(await store.get('c')).toBe('old');
    await store.put('c', 'new');
    expect(await store.get('c')).toBe('new');
  });
});

describe('localSecretStore', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'secrets-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps secrets in memory and reports missing ones', async () => {
    const store = localSecretStore({ initial: { a: '1' } });
    expect(await store.get('a')).toBe('1');
    await store.put('b', '2');
    expect(await store.get('b')).toBe('2');
    await expect(store.get('c')).rejects.toBeInstanceOf(SecretNotFoundError);
  });

  it('persists to a 0600 JSON file that a new store reads back', async () => {
    const file = join(dir, 'nested', 'secrets.json');
    const first = localSecretStore({ file });
    await Promise.all([first.put('x', 'one'), first.put('y', 'two')]);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ x: 'one', y: 'two' });
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const second = localSecretStore({ file });
    expect(await second.get('y')).toBe('two');
  });
});
