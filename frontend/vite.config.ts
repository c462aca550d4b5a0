import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { type ChunkingContext, isInitial } from './chunking';

const here = fileURLToPath(new URL('.', import.meta.url));
const repoRoot = fileURLToPath(new URL('..', import.meta.url));

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
    // Everything the first paint needs goes into the one entry chunk (it compresses better than the several common
    // chunks the bundler would otherwise split off); each page loaded on demand keeps what only it uses.
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [{ name: (id: string, ctx: ChunkingContext) => (isInitial(id, ctx) ? 'app' : null) }],
        },
      },
    },
  },
  server: {
    host: '127.0.0.1',
    // The app imports the shared response contract from lambdas/domain.
    fs: { allow: [repoRoot] },
    proxy: { '/api': { target: process.env.API_ORIGIN ?? 'http://127.0.0.1:3000', changeOrigin: false } },
  },
});
