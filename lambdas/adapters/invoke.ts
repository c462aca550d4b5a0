import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { SyncInvoker } from '../domain/ports';

/** Invokes the sync Lambda asynchronously (InvocationType Event): Lambda queues it and retries on failure. */
export function lambdaSyncInvoker(client: LambdaClient, functionName: string): SyncInvoker {
  return {
    async invokeSync(payload) {
      const out = await client.send(
        new InvokeCommand({
          FunctionName: functionName,
          InvocationType: 'Event',
          Payload: new TextEncoder().encode(JSON.stringify(payload)),
        }),
      );
      if (out.StatusCode !== 202) throw new Error(`async invoke of ${functionName} returned ${out.StatusCode}`);
    },
  };
}

/** Invokes a Lambda asynchronously with a JSON payload (InvocationType Event). */
export function lambdaEventInvoker(client: LambdaClient, functionName: string): (payload: unknown) => Promise<void> {
  return async (payload) => {
    const out = await client.send(
      new InvokeCommand({
        FunctionName: functionName,
        InvocationType: 'Event',
        Payload: new TextEncoder().encode(JSON.stringify(payload)),
      }),
    );
    if (out.StatusCode !== 202) throw new Error(`async invoke of ${functionName} returned ${out.StatusCode}`);
  };
}
