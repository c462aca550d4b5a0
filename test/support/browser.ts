import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
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

/** Where the dashboard build lives. @default frontend/dist under the repository root */
export const FRONTEND_DIST = resolve(REPO_ROOT, 'frontend', 'dist');

/**
 * Builds the dashboard (`vite build`) when frontend/dist has no index.html.
 * An existing build is used as it is, so a run never races a build in progress elsewhere.
 */
export async function ensureFrontendBuilt(): Promise<void> {
  if (existsSync(resolve(FRONTEND_DIST, 'index.html'))) return;
  await promisify(execFile)('npx', ['vite', 'build', '--config', 'frontend/vite.config.ts'], {
    cwd: REPO_ROOT,
    timeout: 120_000,
  });
  if (!existsSync(resolve(FRONTEND_DIST, 'index.html')))
    throw new Error('vite build finished without frontend/dist/index.html');
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
