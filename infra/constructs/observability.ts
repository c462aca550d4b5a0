import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Validations } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { DeadLetterQueue } from './dead-letter-queue';

/** Options of {@link Observability}. */
export interface ObservabilityProps {
  /** Every function, by a short name used in alarm names (Errors and Throttles alarms each). */
  readonly functions: Record<string, lambda.IFunction>;
  /** The sync function (error-rate alarm). */
  readonly syncFunction: lambda.IFunction;
  /** The stream consumer (IteratorAge alarm). */
  readonly aggregateFunction: lambda.IFunction;
  /** Every dead-letter queue, by a short name (depth alarm each). */
  readonly queues: Record<string, DeadLetterQueue>;
  /** Subscribe this address to the alarm topic; no topic when absent. */
  readonly alarmEmail?: string;
  /** Sync error rate (percent of invocations) that raises the alarm. @default 10 */
  readonly syncErrorRatePercent?: number;
  /** Oldest unprocessed stream record age that raises the alarm. @default Duration.minutes(5) */
  readonly maxIteratorAge?: Duration;
}

const PERIOD = Duration.minutes(5);

/**
 * Alarms and one CloudWatch dashboard. Alarms: sync error rate; Errors and Throttles per
 * function; depth > 0 of each dead-letter queue; aggregator IteratorAge. With `alarmEmail`
 * every alarm notifies one SNS topic (on ALARM and on OK).
 */
export class Observability extends Construct {
  readonly alarms: cloudwatch.Alarm[] = [];
  readonly topic?: sns.Topic;
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    if (props.alarmEmail) {
      this.topic = new sns.Topic(this, 'AlarmTopic', { displayName: 'Revenue Heartbeat alarms', enforceSSL: true });
      this.topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
      Validations.of(this.topic).acknowledge({
        id: 'AwsSolutions-SNS2',
        reason: 'Alarm notifications carry no customer data; CloudWatch cannot publish to a topic encrypted with the AWS managed SNS key, and a CMK only for alarm names is not worth its cost.',
      });
    }

    const errors = (fn: lambda.IFunction) => fn.metricErrors({ period: PERIOD, statistic: 'Sum' });
    const invocations = (fn: lambda.IFunction) => fn.metricInvocations({ period: PERIOD, statistic: 'Sum' });

    const syncErrorRate = new cloudwatch.MathExpression({
      expression: '100 * errors / MAX([invocations, 1])',
      usingMetrics: { errors: errors(props.syncFunction), invocations: invocations(props.syncFunction) },
      period: PERIOD,
      label: 'sync error rate (%)',
    });
    this.add('SyncErrorRate', syncErrorRate, props.syncErrorRatePercent ?? 10, 'Sync error rate above threshold: check model statuses and the sync logs', 2);

    for (const [name, fn] of Object.entries(props.functions)) {
      this.add(`${name}Errors`, errors(fn), 0, `${name} function reported errors`, 1);
      // Sync throttling is expected while a large fan-out drains; alarm only when sustained.
      this.add(`${name}Throttles`, fn.metricThrottles({ period: PERIOD, statistic: 'Sum' }), 0, `${name} function throttled`, 3);
    }
    for (const [name, dlq] of Object.entries(props.queues)) {
      const depth = dlq.queue.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: 'Maximum' });
      this.add(`${name}Depth`, depth, 0, `messages in the ${name} dead-letter queue: ${dlq.purpose}`, 1);
    }
    const iteratorAge = props.aggregateFunction.metric('IteratorAge', { period: PERIOD, statistic: 'Maximum' });
    this.add('AggregatorIteratorAge', iteratorAge, (props.maxIteratorAge ?? Duration.minutes(5)).toMilliseconds(), 'Aggregator is falling behind the transactions stream', 2);

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', { defaultInterval: Duration.hours(6) });
    const fns = Object.entries(props.functions);
    this.dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24 }),
      new cloudwatch.GraphWidget({ title: 'Invocations', left: fns.map(([n, fn]) => invocations(fn).with({ label: n })), width: 12 }),
      new cloudwatch.GraphWidget({ title: 'Errors', left: fns.map(([n, fn]) => errors(fn).with({ label: n })), width: 12 }),
      new cloudwatch.GraphWidget({ title: 'Sync error rate (%)', left: [syncErrorRate], width: 8 }),
      new cloudwatch.GraphWidget({
        title: 'Sync duration (p50 / max)',
        left: [props.syncFunction.metricDuration({ statistic: 'p50', period: PERIOD }), props.syncFunction.metricDuration({ statistic: 'Maximum', period: PERIOD })],
        width: 8,
      }),
      new cloudwatch.GraphWidget({ title: 'Aggregator iterator age (ms)', left: [iteratorAge], width: 8 }),
      new cloudwatch.GraphWidget({
        title: 'Dead-letter queue depth',
        left: Object.entries(props.queues).map(([n, q]) => q.queue.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: 'Maximum', label: n })),
        width: 12,
      }),
      new cloudwatch.GraphWidget({ title: 'Throttles', left: fns.map(([n, fn]) => fn.metricThrottles({ period: PERIOD, statistic: 'Sum' }).with({ label: n })), width: 12 }),
    );
  }

  private add(id: string, metric: cloudwatch.IMetric, threshold: number, description: string, evaluationPeriods: number): void {
    const alarm = new cloudwatch.Alarm(this, id, {
      metric,
      threshold,
      evaluationPeriods,
      datapointsToAlarm: evaluationPeriods,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: description,
    });
    if (this.topic) {
      alarm.addAlarmAction(new actions.SnsAction(this.topic));
      alarm.addOkAction(new actions.SnsAction(this.topic));
    }
    this.alarms.push(alarm);
  }
}
