import {
  GetSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { rotatingSecrets, ttlCache } from '../../lambdas/adapters/secret-cache';
import { awsSecretStore, localSecretStore } from '../../lambdas/adapters/secrets';
import { acceptedValues } from '../../lambdas/domain/secret-rotation';

const sm = mockClient(SecretsManagerClient);
const T0 = Date.parse('2026-03-10T12:00:00.000Z');

describe('ttlCache (the one secret cache)', () => {
  it('shares a load between concurrent callers, reloads after the ttl, and does not keep a failure', async () => {
    const clock = { at: T0, now: () => clock.at };
    let loads = 0;
    let fail = false;
    const cache = ttlCache(
      async (id) => {
        loads += 1;
        if (fail) throw new Error('down');
        return `${id}-${loads}`;
      },
      { ttlMs: 1_000, clock },
    );
    expect(await Promise.all([cache.get('a'), cache.get('a')])).toEqual(['a-1', 'a-1']);
    clock.at += 999;
    expect(await cache.get('a')).toBe('a-1');
    clock.at += 1;
    fail = true;
    await expect(cache.get('a')).rejects.toThrow('down');
    fail = false;
    expect(await cache.get('a')).toBe('a-3');
    expect(loads).toBe(3);
  });
});

describe('acceptedValues', () => {
  it('accepts the previous value only before currentSince + grace', () => {
    const v = { current: 'new', currentSince: T0, previous: 'old' };
    expect(acceptedValues(v, T0 + 999, 1_000)).toEqual(['new', 'old']);
    expect(acceptedValues(v, T0 + 1_000, 1_000)).toEqual(['new']);
    expect(acceptedValues({ current: 'only', currentSince: 0 }, T0, 1_000)).toEqual(['only']);
  });
});

describe('awsSecretStore.versions (AWSCURRENT / AWSPREVIOUS)', () => {
  beforeEach(() => sm.reset());

  it('reads AWSPREVIOUS only while the current version is recent, with its creation time', async () => {
    const clock = { at: T0, now: () => clock.at };
    sm.on(GetSecretValueCommand, { SecretId: 's' }).resolves({
      SecretString: 'new',
      CreatedDate: new Date(T0 - 60_000),
    });
    sm.on(GetSecretValueCommand, { SecretId: 's', VersionStage: 'AWSPREVIOUS' }).resolves({ SecretString: 'old' });
    const store = awsSecretStore(new SecretsManagerClient({}), { clock });
    expect(await store.versions('s', { previousWithinMs: 120_000 })).toEqual({
      current: 'new',
      currentSince: T0 - 60_000,
      previous: 'old',
    });
    clock.at += 60_000;
    expect(await store.versions('s', { previousWithinMs: 120_000 })).toEqual({
      current: 'new',
      currentSince: T0 - 60_000,
    });
    expect(sm.commandCalls(GetSecretValueCommand).filter((c) => c.args[0].input.VersionStage)).toHaveLength(1);
  });

  it('a secret never rotated has no previous value', async () => {
    sm.on(GetSecretValueCommand, { SecretId: 's' }).resolves({ SecretString: 'v', CreatedDate: new Date(T0) });
    sm.on(GetSecretValueCommand, { SecretId: 's', VersionStage: 'AWSPREVIOUS' }).rejects(
      new ResourceNotFoundException({ message: 'no version', $metadata: {} }),
    );
    const store = awsSecretStore(new SecretsManagerClient({}), { clock: { now: () => T0 } });
    expect(await store.versions('s', { previousWithinMs: 60_000 })).toEqual({ current: 'v', currentSince: T0 });
  });
});

describe('rotatingSecrets', () => {
  it('re-reads on a miss at most every refreshOnMissMs, so guessing cannot hammer the store', async () => {
    const clock = { at: T0, now: () => clock.at };
    const store = localSecretStore({ initial: { s: 'v1' }, clock });
    let reads = 0;
    const counted = {
      ...store,
      versions(id: string, o?: { previousWithinMs?: number }) {
        reads += 1;
        return store.versions(id, o);
      },
    };
    const secrets = rotatingSecrets(counted, { clock, refreshOnMissMs: 10_000 });
    const is = (given: string) => (value: string) => value === given;
    expect(await secrets.accepts('cron', 's', is('v1'))).toBe(true);
    for (let i = 0; i < 5; i++) expect(await secrets.accepts('cron', 's', is('guess'))).toBe(false);
    expect(reads).toBe(1);
    clock.at += 10_000;
    expect(await secrets.accepts('cron', 's', is('guess'))).toBe(false);
    expect(reads).toBe(2);
  });
});
