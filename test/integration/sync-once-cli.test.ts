import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliRunner, printedJson, type SyncHarness, startSyncHarness } from '../support/sync-harness';

let h: SyncHarness | undefined;
afterAll(async () => h?.stop());

describe('npm run sync:once (the local form of aws lambda invoke)', () => {
  it('syncs one model against the endpoints the environment names and prints what it did', async () => {
    h = await startSyncHarness({ creators: 1, history: 75 });
    const dir = mkdtempSync(join(tmpdir(), 'rh-cli-'));
    const secretsFile = join(dir, 'secrets.json');
    writeFileSync(
      secretsFile,
      JSON.stringify({
        'fanvue/client': await h.secrets.get('fanvue/client'),
        'fanvue/connection/m0': await h.secrets.get('fanvue/connection/m0'),
      }),
      { mode: 0o600 },
    );
    const { stdout } = await cliRunner(h, secretsFile)('sync-once.ts', ['m0']);
    const printed = printedJson<{
      outcome: { status: string; rowsWritten: number; pages: number };
      model: { status: string; cursor: string };
    }>(stdout);
    expect(printed.outcome).toMatchObject({ status: 'ok', rowsWritten: 75, pages: 2 });
    expect(printed.model.status).toBe('ok');
    expect(printed.model.cursor).toBe((await h.models.get('m0'))?.cursor);
    expect((await h.stored('m0')).length).toBe(75);
    // Tokens rotated on refresh: neither the used nor the new one is printed.
    const rotated = JSON.parse(JSON.parse(readFileSync(secretsFile, 'utf8'))['fanvue/connection/m0']) as {
      refreshToken: string;
      accessToken?: string;
    };
    const original = JSON.parse(await h.secrets.get('fanvue/connection/m0')) as { refreshToken: string };
    expect(rotated.refreshToken).not.toBe(original.refreshToken);
    for (const secret of [
      rotated.refreshToken,
      rotated.accessToken ?? 'none',
      original.refreshToken,
      h.sim.clientSecret,
    ])
      expect(stdout).not.toContain(secret);
  });
});
