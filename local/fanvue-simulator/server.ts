import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { handleApi } from './api';
import { handleAuthorize } from './authorize';
import type { SimCore } from './core';
import { bearerToken, header, type Reply, readBody, sendReply } from './http-util';
import { handleToken } from './oauth';
import type { RouteKind } from './stats';

/** A listening simulator server. */
export interface RunningServer {
  /** `http://127.0.0.1:<port>`. */
  baseUrl: string;
  /** Stops accepting, drops open connections, resolves when closed. */
  close(): Promise<void>;
}

async function answer(
  sim: SimCore,
  req: IncomingMessage,
): Promise<{ reply: Reply; kind: RouteKind; creatorUuid?: string | undefined }> {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const method = req.method ?? 'GET';
  if (url.pathname === '/oauth2/token') {
    let body: string;
    try {
      body = await readBody(req);
    } catch {
      return { reply: { status: 413, body: { error: 'invalid_request' } }, kind: 'token' };
    }
    return {
      reply: handleToken(sim, method, header(req, 'authorization'), header(req, 'content-type'), body),
      kind: 'token',
    };
  }
  req.resume();
  if (url.pathname === '/oauth2/auth')
    return {
      reply: method === 'GET' ? handleAuthorize(sim, url) : { status: 405, body: { error: 'use GET' } },
      kind: 'token',
    };
  const api = handleApi(sim, {
    method,
    url,
    apiVersion: header(req, 'x-fanvue-api-version'),
    bearer: bearerToken(header(req, 'authorization')),
  });
  return { reply: api, kind: api.kind, creatorUuid: api.creatorUuid };
}

async function onRequest(sim: SimCore, req: IncomingMessage, res: ServerResponse): Promise<void> {
  let out: Awaited<ReturnType<typeof answer>>;
  try {
    out = await answer(sim, req);
  } catch {
    out = { reply: { status: 500, body: { error: 'internal server error' } }, kind: 'unknown' };
  }
  sim.stats.record(out.kind, out.reply.status, out.creatorUuid);
  if (sim.faults.latencyMs > 0) await sleep(sim.faults.latencyMs);
  if (!res.destroyed)
    sendReply(res, { status: out.reply.status, body: out.reply.body, headers: out.reply.headers ?? {} });
}

/** Serves the simulator on 127.0.0.1 (`port` 0 picks a free one). */
export async function listen(sim: SimCore, port: number): Promise<RunningServer> {
  const server = createServer((req, res) => void onRequest(sim, req, res));
  server.keepAliveTimeout = 1_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${bound}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
