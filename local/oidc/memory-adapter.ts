import type { Adapter, AdapterFactory, AdapterPayload } from 'oidc-provider';

/** Models whose entries belong to a grant and go with it when the grant is revoked. */
const GRANTABLE = new Set([
  'AccessToken',
  'AuthorizationCode',
  'RefreshToken',
  'DeviceCode',
  'BackchannelAuthenticationRequest',
]);

/**
 * The local issuer's storage (sessions, interactions, grants, codes, tokens): one in-memory
 * store per issuer, entries dropped when they expire. oidc-provider's own in-memory adapter
 * is a quick-start default that warns on every start; this one is ours on purpose: the local
 * issuer is one process whose sign-ins end with it, like its demo passwords.
 */
export function memoryAdapter(clock: () => number = Date.now): AdapterFactory {
  const store = new Map<string, { model: string; payload: AdapterPayload; expiresAt: number }>();
  const live = (key: string) => {
    const entry = store.get(key);
    if (entry && entry.expiresAt <= clock()) store.delete(key);
    return entry && entry.expiresAt > clock() ? entry : undefined;
  };
  const findBy = (model: string, field: 'uid' | 'userCode', value: string) => {
    for (const [key, entry] of store)
      if (entry.model === model && entry.payload[field] === value && live(key)) return { ...entry.payload };
    return undefined;
  };
  return (model: string): Adapter => {
    const key = (id: string) => `${model}:${id}`;
    return {
      async upsert(id, payload, expiresIn) {
        for (const k of store.keys()) live(k);
        const expiresAt = expiresIn === undefined ? Number.POSITIVE_INFINITY : clock() + expiresIn * 1000;
        store.set(key(id), { model, payload: { ...payload }, expiresAt });
      },
      async find(id) {
        const entry = live(key(id));
        return entry && { ...entry.payload };
      },
      async findByUid(uid) {
        return findBy(model, 'uid', uid);
      },
      async findByUserCode(userCode) {
        return findBy(model, 'userCode', userCode);
      },
      async consume(id) {
        const entry = live(key(id));
        if (entry) entry.payload.consumed = Math.floor(clock() / 1000);
      },
      async destroy(id) {
        store.delete(key(id));
      },
      async revokeByGrantId(grantId) {
        for (const [k, entry] of store)
          if (GRANTABLE.has(entry.model) && entry.payload.grantId === grantId) store.delete(k);
      },
    };
  };
}
