import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PROJECT_ROOT } from './constructs/heartbeat-function';

/** Where `vite build --config frontend/vite.config.ts` writes the dashboard. */
export const DEFAULT_FRONTEND_DIST = resolve(PROJECT_ROOT, 'frontend', 'dist');

/**
 * Makes sure the dashboard build the site construct uploads exists before the app is synthesized.
 *
 * Every CDK command synthesizes the app first (`cdk bootstrap`, `diff`, `deploy`, `destroy`),
 * so a fresh clone must synth without a separate build step: when the default `frontend/dist`
 * has no `index.html`, or it is older than a file of the dashboard's sources (`frontend/src`,
 * `index.html`, the Vite config), this runs the Vite build once (a few seconds, offline), so a
 * synth or diff never shows a stale dashboard. `npm run deploy` always rebuilds first.
 * A custom `frontendDist` context folder that is missing is an error: it is not ours to build.
 *
 * @returns whether a build ran.
 */
export async function ensureFrontendBuild(distPath: string, log: (line: string) => void): Promise<boolean> {
  const isDefault = resolve(distPath) === DEFAULT_FRONTEND_DIST;
  const built = existsSync(join(distPath, 'index.html'));
  // A custom folder is not ours to judge or build: used as it is when present.
  if (built && (!isDefault || !buildIsStale(distPath, FRONTEND_SOURCES))) return false;
  if (!isDefault) {
    throw new Error(`frontend build not found at ${distPath} (context frontendDist): build it there first`);
  }
  log(
    built
      ? 'frontend/dist is older than the dashboard sources: rebuilding it (vite build) before synth'
      : 'frontend/dist not found: building the dashboard (vite build) before synth',
  );
  const { build } = await import('vite');
  await build({ configFile: join(PROJECT_ROOT, 'frontend', 'vite.config.ts'), logLevel: 'warn' });
  if (!existsSync(join(distPath, 'index.html')))
    throw new Error('vite build finished without frontend/dist/index.html');
  return true;
}

/** The files a dashboard build is made from. */
const FRONTEND_SOURCES = ['src', 'index.html', 'vite.config.ts', 'chunking.ts'].map((p) =>
  resolve(PROJECT_ROOT, 'frontend', p),
);

/** Newest modification time (ms) under `path` (a file, or a folder walked whole); 0 when it is missing. */
function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/** True when a source under `sources` changed after the build in `distPath` was written. */
export function buildIsStale(distPath: string, sources: readonly string[]): boolean {
  const builtAt = newestMtime(join(distPath, 'index.html'));
  return sources.some((source) => newestMtime(source) > builtAt);
}
