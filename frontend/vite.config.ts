import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));
const repoRoot = fileURLToPath(new URL('..', import.meta.url));

/**
 * Modules that only the pages loaded on demand use (React.lazy in App.tsx and SignInGate.tsx, `import()`
 * of the connect API), down to the zod locale that only the sign-in settings' schema loads: they stay in those
 * pages' chunks. Everything else the app imports is needed for the
 * dashboard's first paint and goes into the one entry chunk, which compresses better than the several
 * common chunks the bundler would otherwise split off. A module missing here only makes the first load bigger
 * (`npx tsx bench/api.ts` reports it), never breaks a page.
 */
const LAZY_ONLY =
  /frontend\/src\/(components\/(ModelPage|SyncHistory|Members|Connections|SignInPage|KeyForm)\.tsx|auth\/flow\.ts|connect-api\.ts|runs-queries\.ts)$|lambdas\/(domain\/(site-config|run-history-view)|shared\/zod)\.ts$|zod\/v4\/locales\//;

/**
 * Builds the dashboard into frontend/dist. In dev, `/api` is proxied to the
 * local API server (`API_ORIGIN`, default http://127.0.0.1:3000), so the app
 * always calls the same origin as in production.
 */
export default defineConfig({
  root: here,
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // 'hidden': maps are written for local debugging but no bundle points at them, and the site deployment leaves them out.
    sourcemap: 'hidden',
    target: 'es2022',
    // Browsers without <link rel="modulepreload"> (Safari before 17) still load the lazy pages, one request later.
    modulePreload: { polyfill: false },
    rolldownOptions: {
      output: { codeSplitting: { groups: [{ name: 'app', test: (id: string) => !LAZY_ONLY.test(id) }] } },
    },
  },
  server: {
    host: '127.0.0.1',
    // The app imports the shared response contract from lambdas/domain.
    fs: { allow: [repoRoot] },
    proxy: { '/api': { target: process.env.API_ORIGIN ?? 'http://127.0.0.1:3000', changeOrigin: false } },
  },
});
