import { liveWithinMs } from '../../lambdas/shared/defaults';
import { metricKey, type Sample } from './alarm-evaluator';

/** Logical ids of the resources whose metrics the alarms read. */
export interface MetricTargets {
  readonly functions: { sync: string; fanout: string; aggregate: string; reconcile: string; api: string };
  readonly queues: readonly string[];
}

/** What goes wrong, and from when (ms). Everything absent is healthy. */
export interface Scenario {
  readonly faultAt?: number;
  /** Models (by index) whose every sync fails from `faultAt` (a revoked token). */
  readonly failingModels?: 'all' | readonly number[];
  /** The schedule stops firing at `faultAt`. */
  readonly fanoutStopped?: boolean;
  /** The aggregator keeps retrying one batch from `faultAt`: the stream does not move. */
  readonly streamStuck?: boolean;
  /** Every webhook delivery fails its signature from `faultAt` (signing secret rotated at Fanvue only). */
  readonly webhookSecretRotated?: boolean;
  /** The daily reconciliation at or after `faultAt` finds and repairs drift. */
  readonly reconcileDrift?: boolean;
}

/** How the simulated deployment runs. */
export interface Deployment {
  readonly targets: MetricTargets;
  readonly scheduleMinutes: number;
  readonly models: number;
  /** Offset of the schedule's firing within its cycle, ms (near a boundary exercises split cycles). */
  readonly phaseMs: number;
  /** Up to this much random delay per scheduled firing, ms. */
  readonly jitterMs: number;
  readonly seed: number;
  /** Hour (UTC) of the daily reconciliation. */
  readonly reconcileHourUtc: number;
}

const MINUTE = 60_000;

/**
 * The metric samples the product emits over [from, to): Lambda's own metrics (Invocations, Errors,
 * IteratorAge) and the handlers' EMF counts (SyncSucceeded/SyncFailed per run, StaleModels per
 * scheduled fan-out, TotalsDriftRepaired per reconciliation, WebhookSignatureRejected per refusal),
 * SQS queue depth every minute. Syncs follow each fan-out within a minute; webhooks start extra
 * syncs between cycles; the dashboard polls every minute.
 */
export function emittedMetrics(d: Deployment, s: Scenario, from: number, to: number): Map<string, Sample[]> {
  const store = new Map<string, Sample[]>();
  const at = (key: string, t: number, value: number) => {
    if (t < from || t >= to) return;
    const list = store.get(key) ?? [];
    list.push({ t, value });
    store.set(key, list);
  };
  const own = (name: string, t: number, v: number) =>
    at(metricKey('RevenueHeartbeat', name, { service: 'revenue-heartbeat' }), t, v);
  const lambda = (fn: string, name: string, t: number, v: number) =>
    at(metricKey('AWS/Lambda', name, { FunctionName: fn }), t, v);
  const invoke = (fn: string, t: number, crashed = false) => {
    lambda(fn, 'Invocations', t, 1);
    lambda(fn, 'Errors', t, crashed ? 1 : 0);
  };
  let seed = d.seed;
  const random = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const faulty = (t: number) => s.faultAt !== undefined && t >= s.faultAt;
  const fails = (model: number, t: number) =>
    faulty(t) && (s.failingModels === 'all' || (s.failingModels?.includes(model) ?? false));
  const { functions: fn } = d.targets;
  const cycle = d.scheduleMinutes * MINUTE;
  const lastSuccess = Array.from({ length: d.models }, () => from - cycle);
  const sync = (model: number, t: number) => {
    invoke(fn.sync, t);
    if (fails(model, t)) own('SyncFailed', t, 1);
    else {
      own('SyncSucceeded', t, 1);
      lastSuccess[model] = t;
    }
    own('RowsWritten', t, fails(model, t) ? 0 : 3);
    if (!s.streamStuck || !faulty(t)) {
      invoke(fn.aggregate, t + 2_000);
      lambda(fn.aggregate, 'IteratorAge', t + 2_000, 400 + random() * 600);
    }
  };

  for (let start = from - (from % cycle); start < to; start += cycle) {
    const t = start + d.phaseMs + Math.floor(random() * d.jitterMs);
    if (s.fanoutStopped && faulty(t)) continue;
    invoke(fn.fanout, t);
    const stale = lastSuccess.filter((last) => t - last > liveWithinMs(cycle)).length;
    own('StaleModels', t, stale);
    for (let m = 0; m < d.models; m++) sync(m, t + 1_000 + Math.floor(random() * 50_000));
  }
  for (let t = from; t < to; t += MINUTE) {
    invoke(fn.api, t + 30_000);
    for (const q of d.targets.queues)
      at(metricKey('AWS/SQS', 'ApproximateNumberOfMessagesVisible', { QueueName: q }), t, 0);
    // A stuck batch: the event source mapping retries it, each attempt reporting the age of its oldest record.
    if (s.streamStuck && faulty(t)) {
      invoke(fn.aggregate, t, true);
      lambda(fn.aggregate, 'IteratorAge', t, t - (s.faultAt ?? t) + 1_000);
    }
  }
  // A sale about every 7 minutes: Fanvue's webhook starts that model's sync at once.
  for (let t = from + 3 * MINUTE; t < to; t += 7 * MINUTE) {
    invoke(fn.api, t);
    if (s.webhookSecretRotated && faulty(t)) own('WebhookSignatureRejected', t, 1);
    else sync(Math.floor(random() * d.models), t + 500);
  }
  const day = 24 * 60 * MINUTE;
  for (let t = from - (from % day) + d.reconcileHourUtc * 60 * MINUTE; t < to; t += day) {
    invoke(fn.reconcile, t);
    own('TotalsDriftRepaired', t + 20_000, s.reconcileDrift && faulty(t) ? 2 : 0);
  }
  return store;
}
