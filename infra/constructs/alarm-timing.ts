import { DEFAULT_SCHEDULE_MINUTES } from '../../lambdas/shared/defaults';

/** CloudWatch's `TreatMissingData` values. */
export type MissingData = 'missing' | 'notBreaching' | 'breaching' | 'ignore';

/** How one alarm is evaluated: `datapointsToAlarm` of the last `evaluationPeriods` periods must breach. */
export interface AlarmTiming {
  readonly periodMinutes: number;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  readonly treatMissingData: MissingData;
}

/** The alarm families of the stack; each gets its timing from {@link alarmTimings}. */
export type AlarmKind =
  | 'syncErrorRate'
  | 'staleModels'
  | 'fanoutStopped'
  | 'functionErrors'
  | 'throttles'
  | 'queueDepth'
  | 'iteratorAge'
  | 'webhookSignatureFailures'
  | 'reconcileDrift'
  | 'auditDifferences';

/** SQS publishes queue metrics every few minutes whatever the schedule: depth is looked at per 5 minutes. */
const QUEUE_PERIOD_MINUTES = 5;
/** The reconciliation runs once a day; an hour's period reports drift in the hour it is found. */
const RECONCILE_PERIOD_MINUTES = 60;

/**
 * Evaluation settings per alarm, chosen from the fan-out cadence (`scheduleMinutes`).
 *
 * Work arrives in bursts, one per cycle: a cycle's syncs land in one period when the period is
 * one cycle long, while a shorter period leaves every other bucket empty (so "every period
 * breaches" never holds). Hence one cycle per period, and M of N rather than N of N, because
 * the schedule's phase against the period boundaries can put two cycles in one bucket and none
 * in the next. Missing data is "not breaching" where a metric only exists when something
 * happened (no invocation = no error), and "breaching" only where silence itself is the fault
 * (the fan-out stopped). `test/infra/alarm-evaluation.test.ts` evaluates these against the
 * series the product emits.
 */
export function alarmTimings(scheduleMinutes: number = DEFAULT_SCHEDULE_MINUTES): Record<AlarmKind, AlarmTiming> {
  const cycle = scheduleMinutes;
  const timing = (
    periodMinutes: number,
    datapointsToAlarm: number,
    evaluationPeriods: number,
    treatMissingData: MissingData = 'notBreaching',
  ): AlarmTiming => ({ periodMinutes, evaluationPeriods, datapointsToAlarm, treatMissingData });
  return {
    // 2 of 3 cycles with more than the threshold failing: one bad cycle (a Fanvue blip) stays quiet.
    syncErrorRate: timing(cycle, 2, 3),
    // A model counts as stale only after 2 cycles + 2 min without success; 2 of 3 fan-outs reporting it.
    staleModels: timing(cycle, 2, 3),
    // No fan-out invocation in 3 cycles in a row: the schedule or the function is gone.
    fanoutStopped: timing(cycle, 3, 3, 'breaching'),
    // Any crash (an exception or timeout, not a model-level failure) is worth a look.
    functionErrors: timing(cycle, 1, 1),
    // Throttling in 2 of 3 cycles: sustained, not one burst of a large fan-out.
    throttles: timing(cycle, 2, 3),
    queueDepth: timing(QUEUE_PERIOD_MINUTES, 1, 1),
    // The stream is read in bursts after each cycle: 2 cycles in a row with old records.
    iteratorAge: timing(cycle, 2, 2),
    // Rejected signatures in 2 of 3 cycles: a rotated signing secret not stored here, or probing.
    webhookSignatureFailures: timing(cycle, 2, 3),
    reconcileDrift: timing(RECONCILE_PERIOD_MINUTES, 1, 1),
    // The audit fan-out runs once a day; like the reconciliation, any difference is reported in its hour.
    auditDifferences: timing(RECONCILE_PERIOD_MINUTES, 1, 1),
  };
}
