import { Duration } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { controlKeyPrefixes } from '../../lambdas/shared/tables';
import { DeadLetterQueue } from './dead-letter-queue';
import { HeartbeatFunction } from './heartbeat-function';
import { grantTable } from './table-access';

/** Options of {@link Reconciliation}. */
export interface ReconciliationProps {
  readonly transactionsTable: dynamodb.ITableV2;
  readonly controlTable: dynamodb.ITableV2;
  readonly totalsTable: dynamodb.ITableV2;
  /** Hour (UTC) of the daily run. @default 3 */
  readonly hourUtc?: number;
  /** @default 'INFO' */
  readonly logLevel?: string;
  /** @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * Daily proof of invariant 4: recomputes every model's and agency's totals from the
 * stored transactions, compares them with the totals table and repairs drift (loudly).
 */
export class Reconciliation extends Construct {
  readonly reconcileFunction: HeartbeatFunction;
  readonly schedule: events.Rule;
  /** Dead-letter queue of failed reconciliation runs. */
  readonly dlq: DeadLetterQueue;

  constructor(scope: Construct, id: string, props: ReconciliationProps) {
    super(scope, id);
    this.dlq = new DeadLetterQueue(this, 'Dlq', { purpose: 'reconciliation runs that failed after retries' });
    this.reconcileFunction = new HeartbeatFunction(this, 'Reconcile', {
      handler: 'reconcile',
      description: 'Daily: recomputes totals from transactions, reports and repairs drift',
      timeout: Duration.minutes(15),
      memorySize: 1024,
      deadLetterQueue: this.dlq.queue,
      logLevel: props.logLevel,
      logRetention: props.logRetention,
      environment: {
        TRANSACTIONS_TABLE: props.transactionsTable.tableName,
        CONTROL_TABLE: props.controlTable.tableName,
        TOTALS_TABLE: props.totalsTable.tableName,
        // The daily run invokes this function once per model and once per agency: no invocation reads more than one model's history.
        RECONCILE_FAN_OUT: 'true',
      },
    });
    // The fan-out invokes the function itself: a resource policy for its own role (an identity policy naming the function would be a cycle).
    this.reconcileFunction.addPermission('SelfInvoke', {
      principal: new iam.ArnPrincipal(this.reconcileFunction.executionRole.roleArn),
      action: 'lambda:InvokeFunction',
    });
    this.reconcileFunction.configureAsyncInvoke({ retryAttempts: 1, maxEventAge: Duration.hours(6) });
    // Queries each model's transactions and totals, lists the models and reads agency zones,
    // rewrites drifted totals, and activates an agency's rebuilt zone (agency records only).
    grantTable(this.reconcileFunction, props.transactionsTable, ['dynamodb:Query']);
    grantTable(this.reconcileFunction, props.controlTable, [
      'dynamodb:Scan',
      'dynamodb:GetItem',
      'dynamodb:BatchGetItem',
    ]);
    grantTable(this.reconcileFunction, props.controlTable, ['dynamodb:UpdateItem'], {
      leadingKeyPrefixes: controlKeyPrefixes.agency,
    });
    grantTable(this.reconcileFunction, props.totalsTable, [
      'dynamodb:Query',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
    ]);
    this.schedule = new events.Rule(this, 'Schedule', {
      description: 'Daily reconciliation of revenue totals',
      schedule: events.Schedule.cron({ minute: '0', hour: String(props.hourUtc ?? 3) }),
      // The handler accepts the scheduled event itself (full run, repair on); no custom input.
      targets: [
        new targets.LambdaFunction(this.reconcileFunction, { deadLetterQueue: this.dlq.queue, retryAttempts: 2 }),
      ],
    });
  }
}
