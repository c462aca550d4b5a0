import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildIsStale } from '../../infra/frontend-build';

/** A dashboard build and its sources, with modification times set by hand (no clock involved). */
function fixture() {
  const root = mkdtempSync(join(tmpdir(), 'frontend-stale-'));
  const dist = join(root, 'dist');
  const src = join(root, 'src');
  mkdirSync(join(src, 'components'), { recursive: true });
  mkdirSync(dist);
  const at = (path: string, seconds: number) => {
    writeFileSync(path, 'x');
    utimesSync(path, seconds, seconds);
  };
  at(join(src, 'main.tsx'), 1_000);
  at(join(src, 'components', 'Card.tsx'), 1_000);
  at(join(root, 'index.html'), 1_000);
  at(join(dist, 'index.html'), 2_000);
  return { root, dist, sources: [src, join(root, 'index.html'), join(root, 'missing.ts')], at };
}

describe('the synth rebuilds frontend/dist only when a source is newer than the build', () => {
  const roots: string[] = [];
  afterEach(() => {
    for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
  });

  it('a build newer than every source is kept (a missing source counts as none)', () => {
    const f = fixture();
    roots.push(f.root);
    expect(buildIsStale(f.dist, f.sources)).toBe(false);
  });

  it('a source file changed deep in src after the build makes it stale', () => {
    const f = fixture();
    roots.push(f.root);
    f.at(join(f.root, 'src', 'components', 'Card.tsx'), 3_000);
    expect(buildIsStale(f.dist, f.sources)).toBe(true);
  });

  it('a changed index.html makes it stale too', () => {
    const f = fixture();
    roots.push(f.root);
    f.at(join(f.root, 'index.html'), 2_001);
    expect(buildIsStale(f.dist, f.sources)).toBe(true);
  });
});
