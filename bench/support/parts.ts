import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SyncInvoker } from '../../lambdas/domain/ports';

/**
 * Counts DynamoDB requests by operation (`PutItem`, `TransactWriteItems`, ...) through SDK
 * middleware; attach it to every client whose requests should count.
 */
export function operationCounter() {
  const counts: Record<string, number> = {};
  return {
    counts,
    attach(client: DynamoDBClient) {
      client.middlewareStack.add(
        (next, context) => async (args) => {
          const op = String(context.commandName).replace(/Command$/, '');
          counts[op] = (counts[op] ?? 0) + 1;
          return next(args);
        },
        { step: 'initialize', name: 'benchOperationCounter', override: true },
      );
    },
    total: () => Object.values(counts).reduce((a, b) => a + b, 0),
    reset() {
      for (const k of Object.keys(counts)) delete counts[k];
    },
  };
}

/**
 * Lambda's async Invoke with a concurrency limit: invocations return at once and queue,
 * at most `limit` handler runs at a time (the function's concurrency), the rest wait.
 */
export function boundedInvoker(
  limit: number,
  run: (payload: { modelId: string; reason: string }) => Promise<void>,
  onError: (modelId: string, err: unknown) => void,
): SyncInvoker & { idle(): Promise<void> } {
  const queue: { modelId: string; reason: string }[] = [];
  let running = 0;
  let waiters: (() => void)[] = [];
  const pump = (): void => {
    while (running < limit && queue.length > 0) {
      const payload = queue.shift() as { modelId: string; reason: string };
      running += 1;
      run(payload)
        .catch((err: unknown) => onError(payload.modelId, err))
        .finally(() => {
          running -= 1;
          pump();
        });
    }
    if (running === 0 && queue.length === 0) for (const w of waiters.splice(0)) w();
  };
  return {
    async invokeSync(payload) {
      queue.push(payload);
      pump();
    },
    idle: () =>
      running === 0 && queue.length === 0
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            waiters = [...waiters, resolve];
          }),
  };
}
