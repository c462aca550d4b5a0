import { beforeAll, describe, expect, it } from 'vitest';
import {
  type AlarmDefinition,
  type AlarmState,
  alarmFromTemplate,
  alarmSeries,
  evaluateAlarm,
  evaluateExpression,
} from '../support/alarm-evaluator';
import { type Deployment, emittedMetrics, type Scenario } from '../support/heartbeat-metrics';
import { type SynthesizedStack, synthStack } from './stack-fixture';
import { logicalIdOf, resourcesOf } from './template-queries';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const FROM = Date.parse('2026-11-02T00:00:00Z');
const NOON = FROM + 12 * 60 * MINUTE;
/** Metrics start two hours before the day under test, so every alarm has its history at midnight. */
const WARM_UP = 2 * 60 * MINUTE;

interface Case {
  readonly name: string;
  readonly scenario: Scenario;
  /** Alarms (by construct id) that must reach ALARM within 90 minutes of the fault; every other stays out of ALARM. */
  readonly fires: readonly string[];
}

const CASES: readonly Case[] = [
  { name: 'a healthy day', scenario: {}, fires: [] },
  {
    name: 'one model failing every cycle (1 of 20)',
    scenario: { faultAt: NOON, failingModels: [3] },
    fires: ['StaleModels'],
  },
  {
    name: 'all models failing',
    scenario: { faultAt: NOON, failingModels: 'all' },
    fires: ['SyncErrorRate', 'StaleModels'],
  },
  { name: 'the fan-out stopped', scenario: { faultAt: NOON, fanoutStopped: true }, fires: ['FanoutStopped'] },
  {
    name: 'the stream stuck (iterator age growing)',
    scenario: { faultAt: NOON, streamStuck: true },
    fires: ['AggregatorIteratorAge', 'AggregateErrors'],
  },
  {
    name: 'the webhook signing secret rotated at Fanvue only',
    scenario: { faultAt: NOON, webhookSecretRotated: true },
    fires: ['WebhookSignatureFailures'],
  },
  {
    name: 'the reconciliation finding drift',
    scenario: { faultAt: FROM + 150 * MINUTE, reconcileDrift: true },
    fires: ['ReconcileDrift'],
  },
];

/** Every alarm of the stack, by the construct id under Observability. */
function alarmsOf(s: SynthesizedStack): Map<string, AlarmDefinition> {
  const byLogicalId = new Map(s.stack.observability.alarms.map((a) => [logicalIdOf(a), a.node.id]));
  const out = new Map<string, AlarmDefinition>();
  for (const [id, r] of Object.entries(resourcesOf(s.template, 'AWS::CloudWatch::Alarm'))) {
    const name = byLogicalId.get(id);
    if (name) out.set(name, alarmFromTemplate(name, r.Properties ?? {}));
  }
  return out;
}

function deployment(s: SynthesizedStack, scheduleMinutes: number, phaseMs: number, jitterMs: number): Deployment {
  const { pipeline, aggregator, reconciliation, api } = s.stack;
  return {
    scheduleMinutes,
    models: 20,
    phaseMs,
    jitterMs,
    seed: 42,
    reconcileHourUtc: 3,
    targets: {
      functions: {
        sync: logicalIdOf(pipeline.syncFunction),
        fanout: logicalIdOf(pipeline.fanoutFunction),
        aggregate: logicalIdOf(aggregator.aggregateFunction),
        reconcile: logicalIdOf(reconciliation.reconcileFunction),
        api: logicalIdOf(api.apiFunction),
      },
      queues: [pipeline.syncFailures, pipeline.fanoutDlq, aggregator.streamFailures, reconciliation.dlq].map((q) =>
        logicalIdOf(q.queue),
      ),
    },
  };
}

const stacks: Record<number, SynthesizedStack> = {};
beforeAll(() => {
  stacks[10] = synthStack();
  stacks[5] = synthStack({ scheduleMinutes: '5' });
});

describe.each([10, 5])('alarms against the metrics the product emits (schedule every %i minutes)', (minutes) => {
  // The schedule's phase against the period boundaries: mid-period, and just before a boundary with
  // jitter (cycles then split across two periods); CloudWatch's evaluation range: N and N + 5 periods.
  const variants = [
    { phaseMs: (minutes * MINUTE) / 2, jitterMs: 5_000, extraLookback: 0 },
    { phaseMs: minutes * MINUTE - 20_000, jitterMs: 40_000, extraLookback: 0 },
    { phaseMs: minutes * MINUTE - 20_000, jitterMs: 40_000, extraLookback: 5 },
  ];

  it.each(CASES)('$name', ({ scenario, fires }) => {
    const s = stacks[minutes] as SynthesizedStack;
    const alarms = alarmsOf(s);
    for (const name of fires) expect(alarms.has(name), `alarm ${name} exists`).toBe(true);
    for (const v of variants) {
      const start = FROM - WARM_UP;
      const store = emittedMetrics(deployment(s, minutes, v.phaseMs, v.jitterMs), scenario, start, FROM + DAY);
      for (const [name, def] of alarms) {
        const period = def.periodSeconds * 1000;
        const all = evaluateAlarm(def, alarmSeries(def, store, start, FROM + DAY), v.extraLookback);
        const states: AlarmState[] = all.slice(WARM_UP / period);
        const endOf = (i: number) => FROM + (i + 1) * period;
        const where = `${name} (phase ${v.phaseMs / 1000}s, lookback +${v.extraLookback})`;
        const faultAt = scenario.faultAt ?? Number.POSITIVE_INFINITY;
        const before = states.filter((st, i) => st === 'ALARM' && endOf(i) <= faultAt).length;
        expect(before, `${where} in ALARM before the fault`).toBe(0);
        const alarmedAfter = states.some(
          (st, i) => st === 'ALARM' && endOf(i) > faultAt && endOf(i) <= faultAt + 90 * MINUTE,
        );
        if (fires.includes(name)) expect(alarmedAfter, `${where} fires within 90 minutes`).toBe(true);
        else expect(states.includes('ALARM'), `${where} stays quiet`).toBe(false);
      }
    }
  });
});

describe('the evaluator follows CloudWatch rules', () => {
  const def = (over: Partial<AlarmDefinition>): AlarmDefinition => ({
    id: 'x',
    comparison: 'GreaterThanThreshold',
    threshold: 0,
    evaluationPeriods: 3,
    datapointsToAlarm: 2,
    treatMissingData: 'notBreaching',
    periodSeconds: 600,
    queries: {},
    expression: 'm',
    ...over,
  });

  it('needs M of the last N datapoints to breach', () => {
    expect(evaluateAlarm(def({}), [1, 0, 0]).at(-1)).toBe('OK');
    expect(evaluateAlarm(def({}), [1, 0, 1]).at(-1)).toBe('ALARM');
  });

  it('fills missing datapoints per TreatMissingData only when fewer than N real ones are in range', () => {
    const gaps = [undefined, undefined, undefined];
    expect(evaluateAlarm(def({ treatMissingData: 'breaching' }), gaps).at(-1)).toBe('ALARM');
    expect(evaluateAlarm(def({ treatMissingData: 'notBreaching' }), gaps).at(-1)).toBe('OK');
    expect(evaluateAlarm(def({ treatMissingData: 'missing' }), gaps).at(-1)).toBe('INSUFFICIENT_DATA');
    expect(evaluateAlarm(def({ treatMissingData: 'ignore' }), [1, 1, 1, ...gaps]).at(-1)).toBe('ALARM');
    // Enough real datapoints further back: those are evaluated, the gaps are not filled.
    expect(evaluateAlarm(def({ treatMissingData: 'breaching' }), [0, 0, 0, undefined, undefined], 2).at(-1)).toBe('OK');
  });

  it('evaluates metric math per datapoint, FILL and MAX included', () => {
    const e = '100 * (FILL(failed, 0) + FILL(crashed, 0)) / MAX([FILL(invocations, 0), 1])';
    expect(evaluateExpression(e, { failed: 2, crashed: undefined, invocations: 20 })).toBe(10);
    expect(evaluateExpression(e, { failed: undefined, crashed: undefined, invocations: undefined })).toBe(0);
    expect(evaluateExpression('a + b', { a: 1, b: undefined })).toBeUndefined();
  });
});
