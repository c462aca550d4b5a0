import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import { authorizeUrl, createPkce, exchangeAuthorizationCode } from '../lambdas/adapters/fanvue/oauth/authorize';
import type { ClientCredentials } from '../lambdas/domain/connection-ports';
import type { SecretStore } from '../lambdas/domain/ports';

/** Options of {@link runAuthorizeFlow}. */
export interface AuthorizeFlowOptions {
  authBaseUrl: string;
  creds: ClientCredentials;
  secrets: SecretStore;
  /** Secret id the connection's tokens are stored under (prefix + connectionId). */
  secretId: string;
  /** Loopback port of the redirect URI `http://127.0.0.1:<port>/callback` (register it in the Fanvue app). @default 8976 */
  port?: number;
  /** Shows the authorization URL to the person connecting (prints it; tests follow it). */
  open: (url: string) => void | Promise<void>;
  /** Gives up after this long. @default 300000 */
  timeoutMs?: number;
}

const same = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/**
 * Connects a Fanvue account: the OAuth authorization-code flow with PKCE
 * (S256) and a state check, a one-shot callback server on loopback, the code
 * exchanged for tokens, and the tokens stored in the secret store (never
 * printed). Resolves when the tokens are stored.
 */
export async function runAuthorizeFlow(o: AuthorizeFlowOptions): Promise<{ redirectUri: string }> {
  const { verifier, challenge } = createPkce();
  const state = randomBytes(24).toString('base64url');
  let redirectUri = '';
  let settle: { resolve: () => void; reject: (e: Error) => void } | undefined;
  const done = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
  // The callback may settle while `open` is still running; the outcome is awaited below.
  done.catch(() => undefined);
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== '/callback') {
      res.writeHead(404).end();
      return;
    }
    const reply = (status: number, text: string) =>
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' }).end(text);
    const code = url.searchParams.get('code');
    const error = url.searchParams.get('error');
    if (!same(url.searchParams.get('state') ?? '', state)) {
      reply(400, 'State does not match this connection attempt; start again.');
      return settle?.reject(new Error('authorization callback with a wrong state (possible forgery): nothing stored'));
    }
    if (error || !code) {
      reply(400, `Fanvue did not authorize the connection (${error ?? 'no code'}).`);
      return settle?.reject(new Error(`authorization refused: ${error ?? 'no code'}`));
    }
    exchangeAuthorizationCode({
      authBaseUrl: o.authBaseUrl,
      creds: o.creds,
      code,
      redirectUri,
      verifier,
      now: Date.now(),
    })
      .then((tokens) => o.secrets.put(o.secretId, JSON.stringify(tokens)))
      .then(() => {
        reply(200, 'Connected to Fanvue. You can close this tab.');
        settle?.resolve();
      })
      .catch((err: unknown) => {
        reply(502, 'The connection could not be completed; see the terminal.');
        settle?.reject(err instanceof Error ? err : new Error(String(err)));
      });
  });
  await new Promise<void>((r) => server.listen(o.port ?? 8976, '127.0.0.1', r));
  const addr = server.address();
  redirectUri = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : o.port}/callback`;
  const timer = setTimeout(
    () => settle?.reject(new Error('no authorization within the time limit')),
    o.timeoutMs ?? 300_000,
  );
  try {
    await o.open(
      authorizeUrl({ authBaseUrl: o.authBaseUrl, clientId: o.creds.clientId, redirectUri, state, challenge }),
    );
    await done;
    return { redirectUri };
  } finally {
    clearTimeout(timer);
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  }
}
