import { createServer, type Server } from 'node:net';

/** A port that was asked for is taken by another process. */
export class PortInUseError extends Error {
  constructor(readonly port: number) {
    super(`port ${port} is in use`);
    this.name = 'PortInUseError';
  }
}

/**
 * Listens on 127.0.0.1:`port` (0 = any free port). A taken port rejects with
 * {@link PortInUseError} instead of an unhandled 'error' event that kills the process.
 */
export function listenOnLoopback(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const fail = (err: NodeJS.ErrnoException) => reject(err.code === 'EADDRINUSE' ? new PortInUseError(port) : err);
    server.once('error', fail);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', fail);
      resolve();
    });
  });
}

/** True when `port` can be listened on at 127.0.0.1 right now (it is released again at once). */
export async function portIsFree(port: number): Promise<boolean> {
  const probe = createServer();
  try {
    await listenOnLoopback(probe, port);
    return true;
  } catch (err) {
    if (err instanceof PortInUseError) return false;
    throw err;
  } finally {
    if (probe.listening) await new Promise<void>((r) => probe.close(() => r()));
  }
}
