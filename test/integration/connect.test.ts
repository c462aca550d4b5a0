import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { getAgency, resolveApiKey } from '../../lambdas/adapters/dynamo/agencies';
import { modelsOfCreator } from '../../lambdas/adapters/dynamo/model-store';
import { cliRunner, printedJson, type SyncHarness, startSyncHarness } from '../support/sync-harness';

let h: SyncHarness | undefined;
afterAll(async () => h?.stop());

describe('npm run connect (register every creator of an agency connection)', () => {
  it('lists the creators through the agency token, registers them as models, and they sync with that connection', async () => {
    h = await startSyncHarness({ creators: 3, history: 12 });
    const agencyConn = h.sim.createConnection({ agency: true });
    const dir = mkdtempSync(join(tmpdir(), 'rh-connect-'));
    const secretsFile = join(dir, 'secrets.json');
    writeFileSync(
      secretsFile,
      JSON.stringify({
        'fanvue/client': await h.secrets.get('fanvue/client'),
        'fanvue/connection/acme-main': JSON.stringify({ refreshToken: agencyConn.refreshToken }),
      }),
      { mode: 0o600 },
    );
    const run = cliRunner(h, secretsFile);
    const first = await run('connect.ts', [
      '--agency',
      'acme',
      '--connection',
      'acme-main',
      '--name',
      'Acme Talent',
      '--new-key',
    ]);
    const printed = printedJson<{ models: { modelId: string }[]; dashboardKey: string }>(first.stdout);
    expect(printed.models.map((m) => m.modelId).sort()).toEqual(h.sim.creators.map((c) => c.uuid).sort());
    expect(await getAgency(h.tables.doc, h.tables.names.control, 'acme')).toEqual({
      agencyId: 'acme',
      name: 'Acme Talent',
    });
    expect(await resolveApiKey(h.tables.doc, h.tables.names.control, printed.dashboardKey)).toBe('acme');
    for (const c of h.sim.creators)
      expect(await modelsOfCreator(h.tables.doc, h.tables.names.control, c.uuid)).toContain(c.uuid);

    // Refresh tokens rotate: hand the CLI's current token to this process, then back, as one shared store would.
    const uuid = h.sim.creators[0]!.uuid;
    const fileSecrets = () => JSON.parse(readFileSync(secretsFile, 'utf8')) as Record<string, string>;
    await h.secrets.put('fanvue/connection/acme-main', fileSecrets()['fanvue/connection/acme-main']!);
    expect(await h.sync({ modelId: uuid })).toMatchObject({ status: 'ok', rowsWritten: 12 });
    const cursor = (await h.models.get(uuid))?.cursor;
    writeFileSync(
      secretsFile,
      JSON.stringify({
        ...fileSecrets(),
        'fanvue/connection/acme-main': await h.secrets.get('fanvue/connection/acme-main'),
      }),
    );
    // Idempotent: a second run registers the same models and keeps their sync state.
    await run('connect.ts', ['--agency', 'acme', '--connection', 'acme-main']);
    expect(await h.models.get(uuid)).toMatchObject({
      agencyId: 'acme',
      connectionId: 'acme-main',
      cursor,
      status: 'ok',
    });
  });

  it('refuses bad arguments with a clear message', async () => {
    const cli = resolve(import.meta.dirname, '../../local/cli/connect.ts');
    const failed = await promisify(execFile)('npx', ['tsx', cli, '--agency', 'bad agency!'], {
      env: { ...process.env, CONTROL_TABLE: 'x' },
    }).catch((e: { code: number; stderr: string }) => e);
    expect(failed).toMatchObject({ code: 2 });
    expect((failed as { stderr: string }).stderr).toMatch(/--agency/);
  });
});
