import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { frontendJsSizes, initialScripts } from '../../bench/support/frontend-size';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const HTML = `<!doctype html><html><head>
<script type="module" crossorigin src="/assets/index-a1.js"></script>
<link rel="modulepreload" crossorigin href="/assets/vendor-b2.js">
<link rel="stylesheet" crossorigin href="/assets/index-c3.css">
<link rel="icon" href="/favicon.js.png">
</head><body><script>window.inline = 1</script></body></html>`;

describe('the frontend JS size the benchmarks report', () => {
  it('counts as initial only the module scripts and modulepreloads index.html names', () => {
    expect(initialScripts(HTML)).toEqual(['assets/index-a1.js', 'assets/vendor-b2.js']);
  });

  it('sums each file gzipped on its own, initial apart from the pages loaded on demand', () => {
    const dist = mkdtempSync(join(tmpdir(), 'dist-'));
    dirs.push(dist);
    mkdirSync(join(dist, 'assets'));
    writeFileSync(join(dist, 'index.html'), HTML);
    const body = (name: string, n: number) => `export const ${name} = [${Array.from({ length: n }, (_, i) => i)}];`;
    const files = { 'index-a1.js': body('a', 900), 'vendor-b2.js': body('b', 700), 'ModelPage-d4.js': body('c', 300) };
    for (const [f, text] of Object.entries(files)) writeFileSync(join(dist, 'assets', f), text);
    writeFileSync(join(dist, 'assets', 'index-c3.css'), 'body{}');
    const gz = (f: keyof typeof files) => gzipSync(files[f], { level: 9 }).length;

    const s = frontendJsSizes(dist);
    expect(s?.initial.files).toEqual(['assets/index-a1.js', 'assets/vendor-b2.js']);
    expect(s?.initial.gzipBytes).toBe(gz('index-a1.js') + gz('vendor-b2.js'));
    expect(s?.total.files).toHaveLength(3);
    expect(s?.total.gzipBytes).toBe(gz('index-a1.js') + gz('vendor-b2.js') + gz('ModelPage-d4.js'));
    expect(s?.initial.brotliBytes).toBeGreaterThan(0);
    expect(s?.initialWithinGoal).toBe(true);
  });

  it('is null when the dashboard is not built', () => {
    expect(frontendJsSizes(join(tmpdir(), 'no-such-dist'))).toBeNull();
  });
});
