import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { type Browser, chromium } from 'playwright-core';
import { z } from 'zod';

/** The repository root (this file lives in test/support). */
export const REPO_ROOT = resolve(import.meta.dirname, '..', '..');

/** The system Chromium (Debian's package); tests never download a browser. @default '/usr/bin/chromium' */
export const DEFAULT_CHROMIUM_PATH = '/usr/bin/chromium';

/** Flags for a quiet, sandbox-less headless Chromium that makes no connection of its own. */
export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

const BrowserEnvSchema = z.object({ CHROMIUM_PATH: z.string().min(1).optional() });

/** The Chromium executable: `CHROMIUM_PATH` when set, else {@link DEFAULT_CHROMIUM_PATH}. */
export function chromiumExecutablePath(env: NodeJS.ProcessEnv = process.env): string {
  return (
    BrowserEnvSchema.parse({ CHROMIUM_PATH: env.CHROMIUM_PATH || undefined }).CHROMIUM_PATH ?? DEFAULT_CHROMIUM_PATH
  );
}

/** Launches headless Chromium through playwright-core; fails with a hint when the executable is missing. */
export async function launchChromium(): Promise<Browser> {
  const executablePath = chromiumExecutablePath();
  if (!existsSync(executablePath)) {
    throw new Error(
      `Chromium not found at ${executablePath}: install the distribution's chromium package or set CHROMIUM_PATH`,
    );
  }
  return chromium.launch({ executablePath, headless: true, args: [...CHROMIUM_ARGS] });
}

/**
 * Builds the dashboard from the sources as they are now (`vite build`, about 1.5 s) into a new
 * temporary folder and returns it; the caller removes it. Never frontend/dist: an old build
 * there would be tested instead of the code, and a rebuild there would race whatever serves it.
 */
export async function buildFrontendFresh(): Promise<string> {
  const outDir = mkdtempSync(join(tmpdir(), 'heartbeat-frontend-'));
  try {
    const vite = resolve(REPO_ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
    await promisify(execFile)(
      process.execPath,
      [vite, 'build', '--config', 'frontend/vite.config.ts', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'],
      // The production build, whatever runs this: under vitest NODE_ENV is 'test', and Vite would then bundle React's
      // development build (StrictMode's double effects, a larger bundle) instead of the one users get.
      { cwd: REPO_ROOT, timeout: 300_000, env: { ...process.env, NODE_ENV: 'production' } },
    );
    if (!existsSync(join(outDir, 'index.html'))) throw new Error(`vite build finished without ${outDir}/index.html`);
    return outDir;
  } catch (err) {
    rmSync(outDir, { recursive: true, force: true });
    throw err;
  }
}

/** Integer USD cents as the en-US dashboard shows them ("$1,234.56"), computed without floats. */
export function usd(cents: number): string {
  if (!Number.isInteger(cents)) throw new Error(`not integer cents: ${cents}`);
  const abs = Math.abs(cents);
  const dollars = Math.trunc(abs / 100).toLocaleString('en-US');
  return `${cents < 0 ? '-' : ''}$${dollars}.${String(abs % 100).padStart(2, '0')}`;
}

/** Parses a shown amount ("$1,234.56", "-$5.00") back to integer cents; undefined when it is not one. */
export function parseUsd(text: string | null | undefined): number | undefined {
  const m = /^\s*(-?)\$([\d,]+)\.(\d{2})\s*$/.exec(text ?? '');
  if (!m) return undefined;
  const cents = Number.parseInt(`${m[2]!.replaceAll(',', '')}${m[3]!}`, 10);
  return m[1] === '-' ? -cents : cents;
}
