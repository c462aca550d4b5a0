import { createHmac } from 'node:crypto';
import type { EarningRow } from '../../lambdas/adapters/fanvue/schema';

/** Where the simulator delivers webhooks, and the app's signing secret. */
export interface WebhookTarget {
  url: string;
  /** HMAC-SHA256 key; a fake local value. */
  secret: string;
}

/** The flat event names of the older reference copies, by the sale's source. */
export function webhookEventFor(row: EarningRow): string | undefined {
  if (row.gross <= 0) return undefined;
  if (row.source === 'tip') return 'tip.new';
  if (row.source === 'subscription' || row.source === 'renewal') return 'subscription.new';
  if (row.source === 'referral' || row.source === 'affiliate') return undefined;
  return 'purchase.new';
}

/** `t=<unix seconds>,v0=<hex HMAC-SHA256 of "{t}.{rawBody}">`, as Fanvue signs deliveries. */
export function signWebhook(secret: string, rawBody: string, unixSeconds: number): string {
  const v0 = createHmac('sha256', secret).update(`${unixSeconds}.${rawBody}`).digest('hex');
  return `t=${unixSeconds},v0=${v0}`;
}

/**
 * Sends signed webhooks for injected sales: flat payloads with `price` in cents,
 * `recipientUuid`, `sender` and `timestamp`, no transaction id and no net (a hint
 * to sync, never the data itself). Deliveries are fire-and-forget; failures are
 * counted, like a real sender that gives up.
 */
export class WebhookSender {
  target: WebhookTarget | undefined;
  readonly counts = { sent: 0, failed: 0 };
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly now: () => number) {}

  /** Delivers the webhook for a new row of `creatorUuid`, if the row is a kind Fanvue notifies. */
  notify(creatorUuid: string, row: EarningRow): void {
    const event = this.target && webhookEventFor(row);
    if (!this.target || !event) return;
    const body = JSON.stringify({
      event,
      recipientUuid: creatorUuid,
      sender: row.user ? { uuid: row.user.uuid, handle: row.user.handle ?? null } : null,
      price: row.gross,
      timestamp: row.date,
    });
    const { url, secret } = this.target;
    const p: Promise<void> = fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-fanvue-signature': signWebhook(secret, body, Math.floor(this.now() / 1000)),
      },
      body,
      signal: AbortSignal.timeout(5_000),
    })
      .then((res) => {
        if (res.ok) this.counts.sent += 1;
        else this.counts.failed += 1;
      })
      .catch(() => {
        this.counts.failed += 1;
      })
      .finally(() => this.inFlight.delete(p));
    this.inFlight.add(p);
  }

  /** Resolves when every delivery started so far has finished. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }
}
