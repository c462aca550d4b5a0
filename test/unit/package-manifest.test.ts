import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const all = { ...pkg.dependencies, ...pkg.devDependencies };

/** Bare package names imported (at run time, not `import type`) by the .ts/.tsx files under `dir`. */
function runtimeImports(dir: string): Set<string> {
  const found = new Set<string>();
  for (const entry of readdirSync(join(root, dir), { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !/\.tsx?$/.test(entry.name)) continue;
    const text = readFileSync(join(entry.parentPath, entry.name), 'utf8');
    for (const m of text.matchAll(/^import (?!type )[^;]*?from '([^.'][^']*)'/gms)) {
      const spec = m[1]!;
      if (spec.startsWith('node:')) continue;
      found.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
    }
  }
  return found;
}

describe('package.json', () => {
  it('pins every package to an exact version', () => {
    for (const [name, version] of Object.entries(all)) expect(`${name}@${version}`).toMatch(/@\d+\.\d+\.\d+$/);
  });

  it('keeps the AWS SDK clients on one version line', () => {
    const clients = Object.entries(all).filter(([name]) => /^@aws-sdk\/(client|lib)-/.test(name));
    expect(clients.length).toBeGreaterThan(3);
    expect(new Set(clients.map(([, v]) => v)).size).toBe(1);
  });

  it('lists what the Lambdas and the dashboard import at run time as dependencies; CDK, local tools and tests as devDependencies', () => {
    const runtime = new Set([...runtimeImports('lambdas'), ...runtimeImports('frontend/src')]);
    for (const name of runtime) expect(pkg.dependencies, `${name} is imported at run time`).toHaveProperty([name]);
    // CDK, local tools and tests are not shipped: they stay out of dependencies.
    for (const name of ['aws-cdk-lib', 'constructs', 'aws-cdk', '@aws-sdk/client-dynamodb-streams', 'vitest', 'tsx'])
      expect(pkg.dependencies, name).not.toHaveProperty([name]);
  });
});
