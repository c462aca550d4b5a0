import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

/** Goal for the JavaScript of the dashboard's first load, gzipped (100 KiB). */
export const FRONTEND_JS_GOAL_BYTES = 100 * 1024;

/** Sizes of a set of JS files. */
export interface JsSize {
  files: string[];
  /** Raw (minified) bytes. */
  bytes: number;
  /** Each file gzipped at level 9, summed (each file travels on its own). */
  gzipBytes: number;
  /** Each file brotli-compressed at quality 11, summed (CloudFront's CachingOptimized policy serves `br` where accepted). */
  brotliBytes: number;
}

/** The dashboard build's JavaScript: what its first load fetches, and all of it. */
export interface FrontendJsSizes {
  /** What index.html loads: its module scripts and their `modulepreload` links. */
  initial: JsSize;
  /** Every .js file of the build (the initial ones plus the pages loaded on demand). */
  total: JsSize;
  goalBytes: number;
  /** The initial JS, gzipped, within {@link FRONTEND_JS_GOAL_BYTES}. */
  initialWithinGoal: boolean;
}

/** The `/assets/x.js` files an index.html loads at once: `<script type="module" src>` and `<link rel="modulepreload" href>`. */
export function initialScripts(html: string): string[] {
  const found: string[] = [];
  for (const tag of html.match(/<(script|link)\b[^>]*>/g) ?? []) {
    const isScript = tag.startsWith('<script') && /\btype="module"/.test(tag);
    const isPreload = tag.startsWith('<link') && /\brel="modulepreload"/.test(tag);
    const url = /\b(?:src|href)="([^"]+\.js)"/.exec(tag)?.[1];
    if ((isScript || isPreload) && url) found.push(url.replace(/^\.?\//, ''));
  }
  return [...new Set(found)];
}

function sizeOf(dir: string, files: string[]): JsSize {
  let bytes = 0;
  let gzipBytes = 0;
  let brotliBytes = 0;
  for (const f of files) {
    const body = readFileSync(join(dir, f));
    bytes += body.length;
    gzipBytes += gzipSync(body, { level: 9 }).length;
    brotliBytes += brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  }
  return { files, bytes, gzipBytes, brotliBytes };
}

/** Measures a built dashboard (`frontend/dist`); null when it is not built. */
export function frontendJsSizes(dist: string): FrontendJsSizes | null {
  const index = join(dist, 'index.html');
  const assets = join(dist, 'assets');
  if (!existsSync(index) || !existsSync(assets)) return null;
  const initial = sizeOf(dist, initialScripts(readFileSync(index, 'utf8')));
  const all = readdirSync(assets)
    .filter((f) => f.endsWith('.js'))
    .map((f) => `assets/${f}`)
    .sort();
  const total = sizeOf(dist, all);
  return {
    initial,
    total,
    goalBytes: FRONTEND_JS_GOAL_BYTES,
    initialWithinGoal: initial.gzipBytes <= FRONTEND_JS_GOAL_BYTES,
  };
}

const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;

/** "initial JS 95.7 KiB gzipped (1 file), total 104.8 KiB (7 files); goal < 100 KiB for the initial: met". */
export function formatFrontendJs(s: FrontendJsSizes | null): string {
  if (s === null) return 'frontend JS: not built (npm run build:frontend)';
  return (
    `frontend JS, gzipped: initial ${kib(s.initial.gzipBytes)} (${s.initial.gzipBytes} B, ${s.initial.files.length} file(s) index.html loads), ` +
    `total ${kib(s.total.gzipBytes)} (${s.total.files.length} files); brotli: initial ${kib(s.initial.brotliBytes)}, total ${kib(s.total.brotliBytes)}; ` +
    `goal < ${kib(s.goalBytes)} for the initial: ${s.initialWithinGoal ? 'met' : 'MISSED'}`
  );
}
