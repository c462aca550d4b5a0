import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const run = promisify(execFile);

describe('the local OpenID Connect issuer', () => {
  it('signs a user in, in a fresh process that prints no oidc-provider warning (runtime or storage)', {
    timeout: 120_000,
  }, async () => {
    const out = await run(resolve(root, 'node_modules', '.bin', 'tsx'), ['test/support/issuer-sign-in.ts'], {
      cwd: root,
    });
    expect(out.stdout).toBe('signed in: 3 part ID token\n');
    expect(`${out.stdout}${out.stderr}`).not.toContain('oidc-provider');
  });
});
