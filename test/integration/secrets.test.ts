import { afterEach, describe, expect, it } from 'vitest';
import { createApiKey, putAgency } from '../../lambdas/adapters/dynamo/agencies';
import { systemClock } from '../../lambdas/domain/ports';
import { makeApiHandler } from '../../lambdas/handlers/api';
import { buildSyncDeps } from '../../lambdas/handlers/sync-deps';
import { makeSyncHandler } from '../../lambdas/handlers/sync-handler';
import { liveWithinMs } from '../../lambdas/shared/defaults';
import type { AppLogger } from '../../lambdas/shared/logger';
import { type SyncHarness, startSyncHarness } from '../support/sync-harness';
import { apiEvent, recordingTrigger } from './api-fixtures';

let h: SyncHarness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

/** A logger that keeps every call, so a test can search what would have been logged. */
function recordingLogger(): AppLogger & { text(): string } {
  const lines: string[] = [];
  const rec =
    (level: string) =>
    (...args: unknown[]) =>
      void lines.push(
        `${level} ${JSON.stringify(args, (_k, v: unknown) => (v instanceof Error ? { name: v.name, message: v.message, stack: v.stack, cause: String(v.cause) } : v))}`,
      );
  return {
    debug: rec('debug'),
    info: rec('info'),
    warn: rec('warn'),
    error: rec('error'),
    text: () => lines.join('\n'),
  } as AppLogger & { text(): string };
}

describe('invariant 8: secrets stay secret', () => {
  it('no token or client secret reaches a log line, a model record or a dashboard response, through refreshes and a revoked connection', async () => {
    h = await startSyncHarness({ creators: 2, history: 30, accessTokenTtlSeconds: 3600 });
    const logger = recordingLogger();
    const sync = makeSyncHandler(
      buildSyncDeps(h.env, { doc: h.tables.doc, secrets: h.secrets, logger, clock: h.clock }),
    );
    await sync({ modelId: 'm0' });
    h.sim.expireAccessTokens();
    h.sim.addRow(h.creatorOf.m0!);
    h.clock.advance(5);
    await sync({ modelId: 'm0' });
    h.sim.revokeConnection(h.refreshTokens.m1!);
    await sync({ modelId: 'm1' });

    await putAgency(h.tables.doc, h.tables.names.control, { agencyId: 'agency-1', name: 'Agency One' });
    const key = await createApiKey(h.tables.doc, h.tables.names.control, 'agency-1');
    const cronSecret = 'cron-secret-value-for-this-test';
    await h.secrets.put('cron', cronSecret);
    const api = makeApiHandler({
      doc: h.tables.doc,
      tables: {
        control: h.tables.names.control,
        totals: h.tables.names.totals,
        transactions: h.tables.names.transactions,
      },
      clock: systemClock,
      logger,
      config: { syncIntervalMs: 600_000, liveWithinMs: liveWithinMs(600_000), cronSecretId: 'cron' },
      secrets: h.secrets,
      trigger: recordingTrigger(),
    });
    const res = await api(apiEvent('GET', '/api/dashboard', { headers: { authorization: `Bearer ${key}` } }));
    const body = typeof res === 'string' ? res : (res.body ?? '');
    expect(body).toContain('"modelId":"m1"');
    expect(body).toMatch(/revoked|reconnect/i);

    const tokens0 = JSON.parse(await h.secrets.get('fanvue/connection/m0')) as {
      refreshToken: string;
      accessToken?: string;
    };
    const secrets = [
      h.refreshTokens.m0!,
      h.refreshTokens.m1!,
      tokens0.refreshToken,
      tokens0.accessToken!,
      h.sim.clientSecret,
      cronSecret,
      key,
    ];
    expect(tokens0.accessToken).toBeTruthy();
    expect(tokens0.refreshToken).not.toBe(h.refreshTokens.m0);
    const records = JSON.stringify([await h.models.get('m0'), await h.models.get('m1')]);
    for (const secret of secrets) {
      expect(logger.text()).not.toContain(secret);
      expect(records).not.toContain(secret);
      expect(body).not.toContain(secret);
    }
  });
});
