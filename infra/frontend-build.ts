import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PROJECT_ROOT } from './constructs/heartbeat-function';

/** Where `vite build --config frontend/vite.config.ts` writes the dashboard. */
export const DEFAULT_FRONTEND_DIST = resolve(PROJECT_ROOT, 'frontend', 'dist');

/**
 * Makes sure the dashboard build the site construct uploads exists before the app is synthesized.
 *
 * Every CDK command synthesizes the app first (`cdk bootstrap`, `diff`, `deploy`, `destroy`),
 * so a fresh clone must synth without a separate build step: when the default `frontend/dist`
 * has no `index.html`, this runs the Vite build once (a few seconds, offline). An existing build
 * is used as it is; `npm run deploy` always rebuilds first so a deploy never ships a stale one.
 * A custom `frontendDist` context folder that is missing is an error: it is not ours to build.
 *
 * @returns whether a build ran.
 */
export async function ensureFrontendBuild(distPath: string, log: (line: string) => void): Promise<boolean> {
  if (existsSync(join(distPath, 'index.html'))) return false;
  if (resolve(distPath) !== DEFAULT_FRONTEND_DIST) {
    throw new Error(`frontend build not found at ${distPath} (context frontendDist): build it there first`);
  }
  log('frontend/dist not found: building the dashboard (vite build) before synth');
  const { build } = await import('vite');
  await build({ configFile: join(PROJECT_ROOT, 'frontend', 'vite.config.ts'), logLevel: 'warn' });
  if (!existsSync(join(distPath, 'index.html')))
    throw new Error('vite build finished without frontend/dist/index.html');
  return true;
}
