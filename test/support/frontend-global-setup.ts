import { rmSync } from 'node:fs';
import type { TestProject } from 'vitest/node';
import { buildFrontendFresh } from './browser';

declare module 'vitest' {
  export interface ProvidedContext {
    frontendDist: string;
  }
}

/** Builds the dashboard once per e2e run from the current sources, into a temporary folder it removes at the end. */
export default async function setup(project: TestProject): Promise<() => void> {
  const dist = await buildFrontendFresh();
  project.provide('frontendDist', dist);
  return () => rmSync(dist, { recursive: true, force: true });
}
