import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Rng } from '../../local/fanvue-simulator/prng';

/** Per-delivery probabilities of the webhook faults. */
export interface WebhookFaultSettings {
  /** Lost on the way: the sender sees 200, our API never hears of it. */
  drop: number;
  /** Delivered twice at once (a sender retry racing the first delivery). */
  duplicate: number;
  /** Kept and delivered again later (`replayKept`), as an attacker or a late retry would. */
  replay: number;
}

export interface WebhookRelayCounts {
  received: number;
  dropped: number;
  duplicated: number;
  replayed: number;
  /** API answers by status. */
  byStatus: Record<string, number>;
}

export interface WebhookRelay {
  url: string;
  settings: WebhookFaultSettings;
  counts: WebhookRelayCounts;
  /** Sends every kept delivery again (their signatures may be stale by now: the API must refuse those). */
  replayKept(): void;
  idle(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Stands between the simulator's webhook sender and our API: forwards each
 * signed delivery unchanged (same body, same signature header), or drops,
 * duplicates or keeps it for a later replay, from the seed.
 */
export async function startWebhookRelay(options: { target: string; rng: Rng }): Promise<WebhookRelay> {
  const { rng } = options;
  const settings: WebhookFaultSettings = { drop: 0, duplicate: 0, replay: 0 };
  const counts: WebhookRelayCounts = { received: 0, dropped: 0, duplicated: 0, replayed: 0, byStatus: {} };
  const kept: { body: string; signature: string }[] = [];
  const inFlight = new Set<Promise<void>>();

  const forward = (body: string, signature: string): void => {
    const p: Promise<void> = fetch(options.target, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-fanvue-signature': signature },
      body,
    })
      .then(async (res) => {
        await res.arrayBuffer();
        counts.byStatus[String(res.status)] = (counts.byStatus[String(res.status)] ?? 0) + 1;
      })
      .catch(() => {
        counts.byStatus.network = (counts.byStatus.network ?? 0) + 1;
      })
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
  };

  const read = (req: IncomingMessage) =>
    new Promise<string>((resolve, reject) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      req.on('error', reject);
    });

  const server = createServer((req, res) => {
    read(req)
      .then((body) => {
        counts.received += 1;
        const signature = String(req.headers['x-fanvue-signature'] ?? '');
        if (rng.chance(settings.replay)) kept.push({ body, signature });
        if (rng.chance(settings.drop)) counts.dropped += 1;
        else {
          forward(body, signature);
          if (rng.chance(settings.duplicate)) {
            counts.duplicated += 1;
            forward(body, signature);
          }
        }
        res.writeHead(200).end();
      })
      .catch(() => res.writeHead(400).end());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    settings,
    counts,
    replayKept() {
      for (const k of kept.splice(0)) {
        counts.replayed += 1;
        forward(k.body, k.signature);
      }
    },
    async idle() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
    stop: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
