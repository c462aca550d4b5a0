import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { extname, join, normalize, resolve } from 'node:path';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { SinkClosedError, writableSink } from '../lambdas/adapters/writable-sink';
import type { ExportHandler } from '../lambdas/handlers/export/export-handler';
import { isExportFunctionPath, VIEWER_AUTHORIZATION_HEADER } from '../lambdas/shared/edge';
import { listenOnLoopback } from './ports';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.map': 'application/json',
};

/** Builds the API Gateway HTTP API (payload v2) event for a Node request, as API Gateway would. */
export function toApiGatewayEvent(req: IncomingMessage, body: string): APIGatewayProxyEventV2 {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers))
    if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(',') : v;
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) query[k] = query[k] === undefined ? v : `${query[k]},${v}`;
  const method = req.method ?? 'GET';
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    ...(Object.keys(query).length > 0 && { queryStringParameters: query }),
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'localhost',
      http: {
        method,
        path: url.pathname,
        protocol: 'HTTP/1.1',
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: `local-${Date.now().toString(36)}`,
      routeKey: '$default',
      stage: '$default',
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
    },
    ...(body && { body }),
    isBase64Encoded: false,
  };
}

function send(res: ServerResponse, result: APIGatewayProxyResultV2): void {
  if (typeof result === 'string') {
    res.writeHead(200, { 'content-type': 'application/json' }).end(result);
    return;
  }
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(result.headers ?? {})) headers[k] = String(v);
  res.writeHead(result.statusCode ?? 200, headers);
  res.end(result.isBase64Encoded && result.body ? Buffer.from(result.body, 'base64') : (result.body ?? ''));
}

/**
 * What CloudFront's viewer-request function on `/api/export/*` does (`EXPORT_VIEWER_REQUEST_FUNCTION`):
 * the viewer's `Authorization` moves to the viewer header, any value a viewer put there itself is dropped.
 */
export function handOverViewerAuthorization(headers: Record<string, string>): void {
  delete headers[VIEWER_AUTHORIZATION_HEADER];
  if (headers.authorization !== undefined) headers[VIEWER_AUTHORIZATION_HEADER] = headers.authorization;
}

/** Sends an export: a refusal whole, an accepted export piped into the response as it is written. */
async function sendExport(res: ServerResponse, handler: ExportHandler, event: APIGatewayProxyEventV2): Promise<void> {
  const result = await handler(event);
  if (!('stream' in result)) return send(res, result);
  res.writeHead(result.statusCode, result.headers);
  await result.stream(writableSink(res));
  res.end();
}

function serveStatic(root: string, pathname: string, res: ServerResponse): void {
  const safe = normalize(decodeURIComponent(pathname)).replace(/^(\.\.[/\\])+/, '');
  let file = resolve(join(root, safe));
  if (!file.startsWith(resolve(root)) || !existsSync(file) || statSync(file).isDirectory())
    file = join(root, 'index.html');
  if (!existsSync(file)) {
    res.writeHead(503, { 'content-type': 'text/plain' }).end('dashboard not built: run `npm run build:frontend`');
    return;
  }
  const immutable = file.includes(`${join(root, 'assets')}`);
  res.writeHead(200, {
    'content-type': MIME[extname(file)] ?? 'application/octet-stream',
    'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
  });
  createReadStream(file).pipe(res);
}

/**
 * The local stand-in for CloudFront + API Gateway: `/api/export/*` goes to the
 * export handler (streamed), except `/api/export/tickets` (the API's, as in CloudFront), the rest of `/api/*` to the same API handler as in
 * AWS (with an HTTP API v2 event); everything else is the dashboard build. Like CloudFront's `/api/*` origin, it sets `originHeader` on
 * every API request, replacing any value the caller sent.
 */
export async function startApiServer(options: {
  port: number;
  handler: (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyResultV2>;
  staticRoot: string;
  onError: (err: unknown) => void;
  /**
   * The HTTP API's JWT authorizer: called before the handler on every route it guards;
   * false answers 401 `{"message":"Unauthorized"}` as API Gateway does.
   */
  authorizer?: (event: APIGatewayProxyEventV2) => Promise<boolean>;
  /** The site's runtime configuration, served as `/config.json` (the deployed site has it as a file). */
  siteConfig?: () => unknown;
  /** The origin header and its value (fixed at start, as CloudFront's is at deploy). */
  originHeader?: { name: string; value: string };
  /**
   * The export function behind `/api/export/*` (in AWS: a function URL in RESPONSE_STREAM mode behind
   * CloudFront with origin access control). As there, no JWT authorizer and no origin header stand in
   * front of it (it checks the caller itself), the viewer's `Authorization` is handed over in the
   * viewer header, and the CSV is piped into the response as it is written.
   */
  exportHandler?: ExportHandler;
}): Promise<{ url: string; server: Server; stop(): Promise<void> }> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/config.json' && options.siteConfig) {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-cache' });
      res.end(JSON.stringify(options.siteConfig()));
      return;
    }
    if (!url.pathname.startsWith('/api/')) return serveStatic(options.staticRoot, url.pathname, res);
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > 256 * 1024) req.destroy();
      else chunks.push(c);
    });
    req.on('end', () => {
      const event = toApiGatewayEvent(req, Buffer.concat(chunks).toString('utf8'));
      const exportHandler = options.exportHandler;
      if (exportHandler && isExportFunctionPath(url.pathname)) {
        handOverViewerAuthorization(event.headers as Record<string, string>);
        sendExport(res, exportHandler, event).catch((err: unknown) => {
          if (res.headersSent) {
            // Half-way: end the response with an error, so the download is broken rather than short.
            res.destroy();
            if (err instanceof SinkClosedError) return;
          }
          options.onError(err);
          if (!res.headersSent)
            send(res, {
              statusCode: 500,
              headers: { 'content-type': 'application/json' },
              body: '{"error":"internal error"}',
            });
        });
        return;
      }
      // CloudFront adds its origin header before the request reaches API Gateway's authorizer.
      const origin = options.originHeader;
      if (origin) event.headers[origin.name.toLowerCase()] = origin.value;
      const unauthorized = {
        statusCode: 401,
        headers: { 'content-type': 'application/json' },
        body: '{"message":"Unauthorized"}',
      };
      (options.authorizer ?? (async () => true))(event)
        .then(async (allowed) => (allowed ? options.handler(event) : unauthorized))
        .then((result) => send(res, result))
        .catch((err: unknown) => {
          options.onError(err);
          send(res, {
            statusCode: 500,
            headers: { 'content-type': 'application/json' },
            body: '{"error":"internal error"}',
          });
        });
    });
  });
  await listenOnLoopback(server, options.port);
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : options.port;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    stop: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
