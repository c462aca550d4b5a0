import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import * as z from '../shared/zod';

/** Replays older than this are refused. @default 5 minutes */
export const WEBHOOK_TOLERANCE_MS = 5 * 60_000;

/** `t=<unix seconds>,v0=<hex>[,<hex>...]`: during a secret rotation several v0 values may be sent. */
export function parseSignatureHeader(value: string | undefined): { t: number; signatures: string[] } | undefined {
  if (!value) return undefined;
  let t: number | undefined;
  const signatures: string[] = [];
  let inV0 = false;
  for (const part of value.split(',').map((p) => p.trim())) {
    const eq = part.indexOf('=');
    const key = eq > 0 ? part.slice(0, eq) : undefined;
    if (key === 't') {
      t = /^\d{1,12}$/.test(part.slice(2)) ? Number(part.slice(2)) : undefined;
      inV0 = false;
    } else if (key === 'v0') {
      signatures.push(part.slice(3));
      inV0 = true;
    } else if (key === undefined && inV0) {
      signatures.push(part);
    } else {
      inV0 = false;
    }
  }
  const valid = signatures.filter((s) => /^[0-9a-f]{64}$/i.test(s));
  return t === undefined || valid.length === 0 ? undefined : { t, signatures: valid };
}

export type SignatureCheck =
  | { ok: true }
  | {
      ok: false;
      reason: 'missing or malformed signature' | 'signature timestamp outside tolerance' | 'signature mismatch';
    };

type SignatureFailure = Extract<SignatureCheck, { ok: false }>;

/** The secret-independent part of the check: a well-formed header whose `t` is within the tolerance. */
export function checkSignatureEnvelope(input: {
  header: string | undefined;
  nowMs: number;
  toleranceMs?: number;
}): { ok: true; t: number; signatures: string[] } | SignatureFailure {
  const parsed = parseSignatureHeader(input.header);
  if (!parsed) return { ok: false, reason: 'missing or malformed signature' };
  if (Math.abs(input.nowMs - parsed.t * 1000) > (input.toleranceMs ?? WEBHOOK_TOLERANCE_MS))
    return { ok: false, reason: 'signature timestamp outside tolerance' };
  return { ok: true, ...parsed };
}

/** True when one of the `v0` signatures is HMAC-SHA256(secret, `"{t}.{rawBody}"`), compared in constant time. */
export function signatureMatches(
  signed: { t: number; signatures: string[] },
  rawBody: string,
  secret: string,
): boolean {
  const expected = createHmac('sha256', secret).update(`${signed.t}.${rawBody}`).digest();
  return signed.signatures.some((hex) => {
    const given = Buffer.from(hex, 'hex');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}

/**
 * Verifies `X-Fanvue-Signature`: HMAC-SHA256 with the app's signing secret over
 * `"{t}.{rawBody}"`, compared in constant time, and `t` within the tolerance.
 */
export function verifyWebhookSignature(input: {
  header: string | undefined;
  rawBody: string;
  secret: string;
  nowMs: number;
  toleranceMs?: number;
}): SignatureCheck {
  const envelope = checkSignatureEnvelope(input);
  if (!envelope.ok) return envelope;
  return signatureMatches(envelope, input.rawBody, input.secret)
    ? { ok: true }
    : { ok: false, reason: 'signature mismatch' };
}

/**
 * Identifies a delivery for the replay guard: the hash of what was signed (`t` and the raw
 * body), the same whichever secret signed it. Kept until the signature itself expires.
 */
export function webhookDeliveryId(t: number, rawBody: string): { id: string; expiresAtMs: number } {
  return {
    id: createHash('sha256').update(`${t}.${rawBody}`).digest('hex'),
    expiresAtMs: t * 1000 + WEBHOOK_TOLERANCE_MS,
  };
}

/** Event names in logs are cut to this many characters (they come from the request body). */
export const MAX_LOGGED_EVENT_LENGTH = 64;

/** An event name safe to log: printable ASCII only, at most {@link MAX_LOGGED_EVENT_LENGTH} characters. */
export function loggableEventName(event: string): string {
  const clean = event.replace(/[^\x20-\x7e]/g, '?');
  return clean.length > MAX_LOGGED_EVENT_LENGTH ? `${clean.slice(0, MAX_LOGGED_EVENT_LENGTH)}...` : clean;
}

/**
 * Event names that mean money moved for a creator. Copies of the reference
 * name them differently (flat `tip.new`, `purchase.received`, platform
 * `creator.payment.succeeded`...): all accepted, matched case-insensitively.
 */
const REVENUE_EVENTS = new Set([
  'purchase.new',
  'purchase.received',
  'purchase_received',
  'purchasereceived',
  'tip.new',
  'tip.received',
  'tip_received',
  'tipreceived',
  'subscription.new',
  'subscription.renewed',
  'subscriber.new',
  'new.subscriber',
  'new_subscriber',
  'newsubscriber',
  'creator.payment.succeeded',
  'creator.payment.refunded',
  'creator.tip.received',
  'creator.subscription.created',
  'creator.subscription.renewed',
]);
/** Documented events that carry no revenue (acknowledged, no sync). */
const OTHER_EVENTS = new Set([
  'message.received',
  'message.read',
  'follower.new',
  'new.follower',
  'new_follower',
  'messagereceived',
  'newfollower',
]);

const uuidish = z.optional(z.string().check(z.minLength(1), z.maxLength(128)));

/** The fields of a webhook body we rely on; everything else is ignored (payloads are flat or enveloped). */
export const WebhookBodySchema = z.looseObject({
  event: z.optional(z.string()),
  type: z.optional(z.string()),
  eventType: z.optional(z.string()),
  recipientUuid: uuidish,
  creatorUuid: uuidish,
  data: z.optional(z.looseObject({ recipientUuid: uuidish, creatorUuid: uuidish, creatorUserUuid: uuidish })),
});

/** What a verified webhook asks of us. */
export interface WebhookIntent {
  /** The event name as sent (or header-given), lowercased. */
  event: string;
  kind: 'revenue' | 'other' | 'unknown';
  /** The creator whose earnings changed, if the payload names one. */
  creatorUuid: string | undefined;
}

/** Classifies a parsed body (and an optional event-name header) into what to do. */
export function webhookIntent(body: z.infer<typeof WebhookBodySchema>, headerEvent?: string): WebhookIntent {
  const event = (body.event ?? body.type ?? body.eventType ?? headerEvent ?? '').trim().toLowerCase();
  const kind = REVENUE_EVENTS.has(event) ? 'revenue' : OTHER_EVENTS.has(event) ? 'other' : 'unknown';
  const creatorUuid =
    body.recipientUuid ??
    body.creatorUuid ??
    body.data?.recipientUuid ??
    body.data?.creatorUuid ??
    body.data?.creatorUserUuid;
  return { event, kind, creatorUuid };
}
