import type { TestProject } from 'vitest/node';
import { type DynamoDbLocal, startDynamoDbLocal } from '../../local/dynamodb-local';

declare module 'vitest' {
  export interface ProvidedContext {
    ddbEndpoint: string;
  }
}

interface Shared {
  ddb: Promise<DynamoDbLocal>;
  users: number;
}

// Every project that lists this setup gets its own copy of this module, but they all run in
// vitest's main process: the one instance lives on globalThis.
const KEY = Symbol.for('revenue-heartbeat.test.dynamodb-local');
const holder = globalThis as typeof globalThis & { [KEY]?: Shared };

/**
 * Starts the test run's one DynamoDB Local, shared by every project that lists this setup
 * (integration, e2e); each test file makes its own tables under a prefix of its own. The
 * last project to finish stops it. Any other start inside the run is refused by the launcher.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  holder[KEY] ??= { ddb: startDynamoDbLocal({ sharedForTestRun: true }), users: 0 };
  const shared = holder[KEY];
  shared.users += 1;
  project.provide('ddbEndpoint', (await shared.ddb).endpoint);
  return async () => {
    shared.users -= 1;
    if (shared.users > 0) return;
    holder[KEY] = undefined;
    await (await shared.ddb).stop();
  };
}
