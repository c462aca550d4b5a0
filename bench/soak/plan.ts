import type { Rng } from '../../local/fanvue-simulator/prng';
import type { SoakStack } from './stack';
import { NO_STREAM_FAULTS } from './stream-faults';

/**
 * The soak's fault plan: what each fault cycle turns on, drawn from the seed (so a
 * printed seed replays the same plan), and the sales that keep arriving meanwhile.
 */

/** The Fanvue-side fault kinds; cycle c always has kind c mod 5, so every kind occurs within five cycles. */
const KINDS = ['429 storm', '5xx', 'slow', 'malformed page', 'tokens expired'] as const;

/** Turns fault cycle `cycle`'s faults on, from the seed; returns what it turned on. */
export function injectFaults(s: SoakStack, rng: Rng, faults: Record<string, number>, cycle: number): string[] {
  const on: string[] = [];
  const bump = (k: string) => {
    faults[k] = (faults[k] ?? 0) + 1;
  };
  const forced = KINDS[(cycle - 1) % KINDS.length];
  const draw = (kind: (typeof KINDS)[number], p: number) => rng.chance(p) || forced === kind;
  if (draw('429 storm', 0.35)) {
    s.sim.rateLimitStorm({ retryAfterSeconds: 1, count: rng.int(5, 40) });
    on.push('429 storm');
    bump('429 storms');
  }
  if (draw('5xx', 0.4)) {
    s.sim.setErrorRate(rng.pick([0.05, 0.1, 0.2]));
    on.push('5xx');
    bump('5xx cycles');
  }
  if (draw('slow', 0.3)) {
    s.sim.setLatency(rng.int(50, 400));
    on.push('slow');
    bump('slow-response cycles');
  }
  for (let n = draw('malformed page', 0.4) ? rng.int(1, 3) : 0; n > 0; n--) {
    s.sim.malformNextPage(rng.pick(s.roster).creatorUuid, rng.pick(['grossString', 'missingDate'] as const));
    bump('malformed pages armed');
    on.push('malformed page');
  }
  if (draw('tokens expired', 0.25)) {
    s.sim.expireAccessTokens();
    bump('access-token expiries');
    on.push('tokens expired');
  }
  s.knobs.syncCrash = rng.pick([0, 0.05, 0.1]);
  s.knobs.stream = {
    duplicate: rng.pick([0, 0.2, 0.4]),
    reorder: rng.pick([0, 0.3]),
    replay: rng.pick([0, 0.2]),
    crash: rng.pick([0, 0.1, 0.2]),
  };
  Object.assign(s.relay.settings, {
    drop: rng.pick([0, 0.2, 0.5]),
    duplicate: rng.pick([0, 0.3]),
    replay: rng.pick([0, 0.2]),
  });
  return on;
}

export function stopFaults(s: SoakStack): void {
  s.sim.stopRateLimitStorm();
  s.sim.setErrorRate(0);
  s.sim.setLatency(0);
  s.sim.clearMalformedPages();
  s.knobs.syncCrash = 0;
  s.knobs.stream = { ...NO_STREAM_FAULTS };
  Object.assign(s.relay.settings, { drop: 0, duplicate: 0, replay: 0 });
}

/** New sales (and now and then a refund) for random models, at the soak clock's now. */
export function sell(s: SoakStack, rng: Rng, n: number): void {
  for (let i = 0; i < n; i++) {
    const m = rng.pick(s.roster);
    const sales = s.sim.rows(m.creatorUuid).filter((r) => r.gross > 0 && r.transactionOrderId);
    const target = sales.length > 0 && rng.chance(0.05) ? rng.pick(sales).transactionOrderId : undefined;
    if (target) s.sim.refund(m.creatorUuid, target);
    else s.sim.addRow(m.creatorUuid);
  }
}
