import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { startLambdaEndpoint } from '../../local/lambda-endpoint';

const root = resolve(import.meta.dirname, '../..');
const run = promisify(execFile);
let endpoint: Awaited<ReturnType<typeof startLambdaEndpoint>> | undefined;

afterEach(async () => {
  await endpoint?.stop();
  endpoint = undefined;
});

describe('npm run invoke', () => {
  it('prints what the function returned, and no AWS SDK Node-version notice', { timeout: 120_000 }, async () => {
    const seen: unknown[] = [];
    endpoint = await startLambdaEndpoint({
      sync: async (payload) => {
        seen.push(payload);
        return { status: 'ok', modelId: 'model-01', pages: 1, rowsWritten: 0 };
      },
    });
    // The caller's environment as a developer's shell has it: the notice is not switched off there.
    const env: NodeJS.ProcessEnv = { ...process.env, LAMBDA_ENDPOINT: endpoint.url };
    delete env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED;
    const out = await run(resolve(root, 'node_modules', '.bin', 'tsx'), ['local/cli/invoke.ts', 'sync', 'model-01'], {
      cwd: root,
      env,
    });
    expect(seen).toEqual([expect.objectContaining({ modelId: 'model-01' })]);
    expect(JSON.parse(out.stdout)).toMatchObject({ status: 'ok', modelId: 'model-01' });
    expect(out.stderr).not.toMatch(/NodeVersionSupportWarning|node >=22/);
  });
});
