import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  parseSignatureHeader,
  verifyWebhookSignature,
  WebhookBodySchema,
  webhookIntent,
} from '../../lambdas/domain/webhook';

const SECRET = 'whsec_test';
const NOW = Date.parse('2026-11-28T12:00:00Z');
const t = Math.floor(NOW / 1000);
const sign = (body: string, ts = t, secret = SECRET) =>
  createHmac('sha256', secret).update(`${ts}.${body}`).digest('hex');

describe('Fanvue webhook signatures', () => {
  const body = JSON.stringify({ event: 'tip.new', recipientUuid: 'c-1', price: 500 });

  it('accepts a valid signature and rejects a wrong secret, a tampered body and a stale timestamp', () => {
    expect(
      verifyWebhookSignature({ header: `t=${t},v0=${sign(body)}`, rawBody: body, secret: SECRET, nowMs: NOW }),
    ).toEqual({ ok: true });
    expect(
      verifyWebhookSignature({
        header: `t=${t},v0=${sign(body, t, 'other')}`,
        rawBody: body,
        secret: SECRET,
        nowMs: NOW,
      }),
    ).toEqual({ ok: false, reason: 'signature mismatch' });
    expect(
      verifyWebhookSignature({
        header: `t=${t},v0=${sign(body)}`,
        rawBody: body.replace('500', '50000'),
        secret: SECRET,
        nowMs: NOW,
      }).ok,
    ).toBe(false);
    const old = t - 301;
    expect(
      verifyWebhookSignature({ header: `t=${old},v0=${sign(body, old)}`, rawBody: body, secret: SECRET, nowMs: NOW }),
    ).toEqual({ ok: false, reason: 'signature timestamp outside tolerance' });
    expect(
      verifyWebhookSignature({
        header: `t=${t - 299},v0=${sign(body, t - 299)}`,
        rawBody: body,
        secret: SECRET,
        nowMs: NOW,
      }),
    ).toEqual({ ok: true });
  });

  it('accepts any of several v0 values (secret rotation) and refuses malformed headers', () => {
    expect(parseSignatureHeader(`t=${t},v0=${'a'.repeat(64)},${sign(body)}`)?.signatures).toHaveLength(2);
    expect(
      verifyWebhookSignature({
        header: `t=${t},v0=${'a'.repeat(64)},${sign(body)}`,
        rawBody: body,
        secret: SECRET,
        nowMs: NOW,
      }),
    ).toEqual({ ok: true });
    for (const header of [undefined, '', `v0=${sign(body)}`, `t=${t}`, `t=abc,v0=${sign(body)}`, `t=${t},v0=zz`]) {
      expect(verifyWebhookSignature({ header, rawBody: body, secret: SECRET, nowMs: NOW })).toEqual({
        ok: false,
        reason: 'missing or malformed signature',
      });
    }
  });
});

describe('webhook intent', () => {
  const intent = (b: unknown, h?: string) => webhookIntent(WebhookBodySchema.parse(b), h);

  it('treats the documented revenue events of every reference copy as a reason to sync that creator', () => {
    for (const event of ['tip.new', 'purchase.received', 'Subscription.New', 'creator.payment.succeeded']) {
      expect(intent({ event, recipientUuid: 'c-1' })).toEqual({
        event: event.toLowerCase(),
        kind: 'revenue',
        creatorUuid: 'c-1',
      });
    }
    expect(intent({ type: 'creator.payment.succeeded', data: { creatorUuid: 'c-2' } })).toMatchObject({
      kind: 'revenue',
      creatorUuid: 'c-2',
    });
    expect(intent({ recipientUuid: 'c-3' }, 'Tip.Received')).toMatchObject({ kind: 'revenue', creatorUuid: 'c-3' });
  });

  it('acknowledges non-revenue and unknown events without a sync', () => {
    expect(intent({ event: 'message.received', recipientUuid: 'c-1' }).kind).toBe('other');
    expect(intent({ event: 'brand.new.thing', recipientUuid: 'c-1' }).kind).toBe('unknown');
    expect(intent({}).kind).toBe('unknown');
  });
});
