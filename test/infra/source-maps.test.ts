import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'vite';
import { beforeAll, describe, expect, it } from 'vitest';
import { type SynthesizedStack, synthStack } from './stack-fixture';

const root = resolve(import.meta.dirname, '../..');
let dist: string;
let s: SynthesizedStack;

/** Every file below `dir`, relative to it. */
function filesUnder(dir: string, prefix = ''): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path, `${prefix}${name}/`) : [`${prefix}${name}`];
  });
}

beforeAll(async () => {
  // The real production build of the dashboard, into a throwaway folder.
  dist = mkdtempSync(join(tmpdir(), 'heartbeat-dist-maps-'));
  await build({
    configFile: join(root, 'frontend/vite.config.ts'),
    logLevel: 'silent',
    build: { outDir: dist, emptyOutDir: true },
  });
  s = synthStack({ frontendDist: dist });
});

describe('source maps stay private', () => {
  it('the build writes hidden maps: no bundle points at a map', () => {
    const files = filesUnder(dist);
    const scripts = files.filter((f) => f.endsWith('.js'));
    expect(scripts.length).toBeGreaterThan(0);
    expect(files.some((f) => f.endsWith('.js.map'))).toBe(true);
    for (const f of scripts) expect(readFileSync(join(dist, f), 'utf8')).not.toContain('sourceMappingURL');
  });

  it('the site deployment uploads the build without any .map file', () => {
    const assetDirs = readdirSync(s.assembly.directory)
      .map((d) => join(s.assembly.directory, d))
      .filter((d) => d.includes('asset.') && existsSync(join(d, 'index.html')));
    expect(assetDirs).toHaveLength(1);
    const uploaded = filesUnder(assetDirs[0] as string);
    expect(uploaded).toContain('index.html');
    expect(uploaded.some((f) => f.endsWith('.js'))).toBe(true);
    expect(uploaded.filter((f) => f.endsWith('.map'))).toEqual([]);
  });
});
