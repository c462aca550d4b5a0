import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const benchDir = join(root, 'bench');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** The scripts a developer runs: the npm scripts' targets and every file that runs itself (`npx tsx bench/x.ts`). */
function entryPoints(): string[] {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  const fromScripts = Object.values(pkg.scripts).flatMap((s) =>
    [...s.matchAll(/\btsx (bench\/\S+\.ts)/g)].map((m) => m[1]),
  );
  const selfRunning = sourceFiles(benchDir)
    .filter((f) => /import\.meta\.url === pathToFileURL\(process\.argv\[1\]/.test(readFileSync(f, 'utf8')))
    .map((f) => relative(root, f));
  return [...new Set([...fromScripts, ...selfRunning])].filter((f): f is string => Boolean(f)).sort();
}

describe('bench scripts', () => {
  it("quiet the AWS SDK's Node-version notice as the local tools do, before their work starts", () => {
    const entries = entryPoints();
    expect(entries).toEqual(expect.arrayContaining(['bench/run.ts', 'bench/soak/cli.ts', 'bench/api.ts']));
    const missing = entries.filter((f) => {
      const source = readFileSync(join(root, f), 'utf8');
      const guard = source.search(/^if \(.*import\.meta\.url === pathToFileURL/m);
      const call = source.indexOf('quietSdkNodeNotice();', Math.max(guard, 0));
      return !/import \{ quietSdkNodeNotice \} from '(\.\.\/)+local\/sdk-notice'/.test(source) || call < 0;
    });
    expect(missing).toEqual([]);
  });
});
