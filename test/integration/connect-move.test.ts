import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { keys } from '../../lambdas/shared/tables';
import { cliRunner, printedJson, type SyncHarness, startSyncHarness } from '../support/sync-harness';

let h: SyncHarness | undefined;
afterAll(async () => h?.stop());

describe('npm run connect: a model of another agency', () => {
  it('is refused (exit 3, nothing changed) unless --move is given, which moves it with its creator index', async () => {
    h = await startSyncHarness({ creators: 2, history: 3 });
    const dir = mkdtempSync(join(tmpdir(), 'rh-connect-move-'));
    const secretsFile = join(dir, 'secrets.json');
    // Two agency connections that both manage the same creators.
    writeFileSync(
      secretsFile,
      JSON.stringify({
        'fanvue/client': await h.secrets.get('fanvue/client'),
        'fanvue/connection/acme': JSON.stringify({
          refreshToken: h.sim.createConnection({ agency: true }).refreshToken,
        }),
        'fanvue/connection/rival': JSON.stringify({
          refreshToken: h.sim.createConnection({ agency: true }).refreshToken,
        }),
      }),
      { mode: 0o600 },
    );
    const run = cliRunner(h, secretsFile);
    await run('connect.ts', ['--agency', 'acme', '--connection', 'acme', '--name', 'Acme']);
    const uuid = h.sim.creators[0]!.uuid;
    const ownerOf = async () => (await h!.models.get(uuid))?.agencyId;
    const indexOwner = async () =>
      (
        await h!.tables.doc.send(
          new GetCommand({
            TableName: h!.tables.names.control,
            Key: { pk: keys.creatorPk(uuid), sk: keys.modelPk(uuid) },
          }),
        )
      ).Item?.agencyId;
    expect(await ownerOf()).toBe('acme');

    const refused = await run('connect.ts', ['--agency', 'rival', '--connection', 'rival', '--name', 'Rival']).catch(
      (e: { code: number; stdout: string; stderr: string }) => e,
    );
    expect(refused).toMatchObject({ code: 3 });
    const printed = printedJson<{ models: unknown[]; refused: { modelId: string; ownerAgencyId: string }[] }>(
      refused.stdout,
    );
    expect(printed.models).toEqual([]);
    expect(printed.refused.map((m) => m.modelId).sort()).toEqual(h.sim.creators.map((c) => c.uuid).sort());
    expect(printed.refused.every((m) => m.ownerAgencyId === 'acme')).toBe(true);
    expect(refused.stderr).toMatch(/--move/);
    expect(await ownerOf()).toBe('acme');
    expect(await h.models.get(uuid)).toMatchObject({ connectionId: 'acme' });
    expect(await indexOwner()).toBe('acme');

    const moved = await run('connect.ts', ['--agency', 'rival', '--connection', 'rival', '--move']);
    const after = printedJson<{ models: { modelId: string; movedFrom?: string }[]; refused: unknown[] }>(moved.stdout);
    expect(after.refused).toEqual([]);
    expect(after.models.find((m) => m.modelId === uuid)).toMatchObject({ movedFrom: 'acme' });
    expect(await h.models.get(uuid)).toMatchObject({ agencyId: 'rival', connectionId: 'rival' });
    expect(await indexOwner()).toBe('rival');

    // Running again for the owner is still idempotent (no move reported).
    const again = printedJson<{ models: { movedFrom?: string }[] }>(
      (await run('connect.ts', ['--agency', 'rival', '--connection', 'rival'])).stdout,
    );
    expect(again.models.every((m) => m.movedFrom === undefined)).toBe(true);
  });
});
