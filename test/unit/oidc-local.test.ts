import type { AdapterPayload } from 'oidc-provider';
import { describe, expect, it } from 'vitest';
import { isUnsupportedRuntimeWarning, UNSUPPORTED_RUNTIME_WARNING } from '../../local/oidc/load-provider';
import { memoryAdapter } from '../../local/oidc/memory-adapter';

describe("the local issuer's oidc-provider storage", () => {
  const at = (t0: number) => {
    let now = t0;
    return {
      clock: () => now,
      advance: (ms: number) => {
        now += ms;
      },
    };
  };

  it('keeps an entry until it expires, and hands out copies (as a database would)', async () => {
    const time = at(1_000_000);
    const codes = memoryAdapter(time.clock)('AuthorizationCode');
    await codes.upsert('c1', { accountId: 'u1', grantId: 'g1' }, 60);
    const found = (await codes.find('c1')) as AdapterPayload;
    expect(found).toEqual({ accountId: 'u1', grantId: 'g1' });
    found.accountId = 'changed';
    expect(await codes.find('c1')).toEqual({ accountId: 'u1', grantId: 'g1' });
    time.advance(59_999);
    expect(await codes.find('c1')).toBeDefined();
    time.advance(1);
    expect(await codes.find('c1')).toBeUndefined();
  });

  it('marks a consumed code (a reused code is refused by the provider), and destroys entries', async () => {
    const time = at(5_000_000);
    const codes = memoryAdapter(time.clock)('AuthorizationCode');
    await codes.upsert('c1', { grantId: 'g1' }, 60);
    await codes.consume('c1');
    expect(await codes.find('c1')).toMatchObject({ consumed: 5_000 });
    await codes.destroy('c1');
    expect(await codes.find('c1')).toBeUndefined();
  });

  it('finds a session by its uid and an entry by its user code, within one model only', async () => {
    const factory = memoryAdapter(at(0).clock);
    await factory('Session').upsert('s1', { uid: 'uid-1', accountId: 'u1' }, 3600);
    await factory('DeviceCode').upsert('d1', { userCode: 'ABCD' }, 600);
    expect(await factory('Session').findByUid('uid-1')).toMatchObject({ accountId: 'u1' });
    expect(await factory('Interaction').findByUid('uid-1')).toBeUndefined();
    expect(await factory('DeviceCode').findByUserCode('ABCD')).toBeDefined();
    expect(await factory('Session').findByUid('nope')).toBeUndefined();
  });

  it("revoking a grant drops its codes and tokens across models, and nothing else's", async () => {
    const factory = memoryAdapter(at(0).clock);
    await factory('AuthorizationCode').upsert('c1', { grantId: 'g1' }, 60);
    await factory('AccessToken').upsert('a1', { grantId: 'g1' }, 3600);
    await factory('AccessToken').upsert('a2', { grantId: 'g2' }, 3600);
    await factory('Grant').upsert('g1', { jti: 'g1' }, 3600);
    await factory('AccessToken').revokeByGrantId('g1');
    expect(await factory('AuthorizationCode').find('c1')).toBeUndefined();
    expect(await factory('AccessToken').find('a1')).toBeUndefined();
    expect(await factory('AccessToken').find('a2')).toBeDefined();
    expect(await factory('Grant').find('g1')).toBeDefined();
  });

  it("leaves out only oidc-provider's unsupported-runtime line, plain or coloured", () => {
    expect(isUnsupportedRuntimeWarning([UNSUPPORTED_RUNTIME_WARNING])).toBe(true);
    expect(isUnsupportedRuntimeWarning([`\x1b[31;1m${UNSUPPORTED_RUNTIME_WARNING}\x1b[0m`])).toBe(true);
    expect(
      isUnsupportedRuntimeWarning(['oidc-provider WARNING: a quick start development-only in-memory adapter']),
    ).toBe(false);
    expect(isUnsupportedRuntimeWarning([`${UNSUPPORTED_RUNTIME_WARNING} (and more)`])).toBe(false);
    expect(isUnsupportedRuntimeWarning([UNSUPPORTED_RUNTIME_WARNING, 'extra'])).toBe(false);
  });
});
