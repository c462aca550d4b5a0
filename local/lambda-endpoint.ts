import { createServer } from 'node:http';
import { listenOnLoopback } from './ports';

/** A function the local Lambda endpoint can run. */
export type LocalFunction = (payload: unknown) => Promise<unknown>;

/**
 * The local stand-in for the Lambda Invoke API
 * (`POST /2015-03-31/functions/{name}/invocations`), so `aws lambda invoke
 * --endpoint-url` and the SDK's InvokeCommand work against the local stack
 * exactly as against AWS. RequestResponse only; errors come back as Lambda
 * reports them (200 with `X-Amz-Function-Error: Unhandled`).
 */
export async function startLambdaEndpoint(
  functions: Record<string, LocalFunction>,
  port = 0,
): Promise<{ url: string; stop(): Promise<void> }> {
  const server = createServer((req, res) => {
    const m = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/.exec(new URL(req.url ?? '/', 'http://x').pathname);
    const fn = m ? functions[decodeURIComponent(m[1]!)] : undefined;
    if (req.method !== 'POST' || !fn) {
      res
        .writeHead(404, { 'content-type': 'application/json' })
        .end(JSON.stringify({ Type: 'User', message: `Function not found: ${m?.[1] ?? req.url}` }));
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let payload: unknown;
      try {
        const text = Buffer.concat(chunks).toString('utf8');
        payload = text ? JSON.parse(text) : {};
      } catch {
        res
          .writeHead(400, { 'content-type': 'application/json' })
          .end(JSON.stringify({ Type: 'User', message: 'Could not parse request body into json' }));
        return;
      }
      fn(payload).then(
        (result) =>
          res
            .writeHead(200, { 'content-type': 'application/json', 'x-amz-executed-version': '$LATEST' })
            .end(JSON.stringify(result ?? null)),
        (err: unknown) =>
          res.writeHead(200, { 'content-type': 'application/json', 'x-amz-function-error': 'Unhandled' }).end(
            JSON.stringify({
              errorType: err instanceof Error ? err.name : 'Error',
              errorMessage: err instanceof Error ? err.message : String(err),
            }),
          ),
      );
    });
  });
  await listenOnLoopback(server, port);
  const addr = server.address();
  return {
    url: `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : port}`,
    stop: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
