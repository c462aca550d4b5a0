import { defineConfig } from 'vitest/config';
import { quietSdkNodeNotice } from './local/sdk-notice';

// Workers and the CLIs tests start inherit this: the SDK's Node-version notice stays out of test logs.
quietSdkNodeNotice();

/** One suite, four projects: `npm test` runs them all; `vitest --project unit` one. */
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.{ts,tsx}'], environment: 'node' } },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/support/dynamodb-global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      { test: { name: 'infra', include: ['test/infra/**/*.test.ts'], testTimeout: 120_000, hookTimeout: 120_000 } },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          // The same one DynamoDB Local as the integration project; the dashboard built fresh once.
          globalSetup: ['test/support/dynamodb-global-setup.ts', 'test/support/frontend-global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
