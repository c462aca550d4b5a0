import { Duration } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import {
  DEFAULT_AUDIT_DAYS,
  DEFAULT_AUDIT_SCHEDULE,
  DEFAULT_FANOUT_CONCURRENCY,
  DEFAULT_SCHEDULE_MINUTES,
  DEFAULT_SYNC_BUDGET_MS,
  DEFAULT_SYNC_LOOKBACK_MINUTES,
  DEFAULT_SYNC_RESERVED_CONCURRENCY,
  FANVUE_API_BASE_URL,
  FANVUE_AUTH_BASE_URL,
  liveWithinMs,
  SYNC_TIMEOUT_MARGIN_MS,
} from '../../lambdas/shared/defaults';
import { controlKeyPrefixes } from '../../lambdas/shared/tables';
import { DeadLetterQueue } from './dead-letter-queue';
import { HeartbeatFunction } from './heartbeat-function';
import { acknowledgeInvokeQualifiers } from './nag';
import type { HeartbeatSecrets } from './secrets';
import { grantTable } from './table-access';

/** Options of {@link SyncPipeline}. */
export interface SyncPipelineProps {
  readonly transactionsTable: dynamodb.ITableV2;
  readonly controlTable: dynamodb.ITableV2;
  readonly secrets: HeartbeatSecrets;
  /** Minutes between scheduled fan-outs. @default 10 */
  readonly scheduleMinutes?: number;
  /** Reserved concurrency of the sync function; 0 or unset = none (see docs/deploy.md for the quota rule). @default 0 */
  readonly syncReservedConcurrency?: number;
  /** Sync invocations the fan-out keeps in flight. @default 10 */
  readonly fanoutConcurrency?: number;
  /** Work budget of one sync invocation in seconds; the timeout is this plus 60 s. @default 240 */
  readonly syncBudgetSeconds?: number;
  /** Look-back overlap of each incremental window, in minutes. @default 60 */
  readonly syncLookbackMinutes?: number;
  /** Days the daily source audit re-reads from Fanvue per model. @default 7 */
  readonly auditDays?: number;
  /** @default FANVUE_API_BASE_URL */
  readonly fanvueApiBaseUrl?: string;
  /** @default FANVUE_AUTH_BASE_URL */
  readonly fanvueAuthBaseUrl?: string;
  /** @default 'INFO' */
  readonly logLevel?: string;
  /** @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * Schedule -> fan-out -> one async sync invocation per model.
 *
 * Failed sync invocations (after Lambda's own retries) go to {@link syncFailures};
 * failed fan-outs to {@link fanoutDlq}. Concurrency is bounded without a reservation: the per-model
 * lease lets at most one run per model work (a duplicate trigger finds the lease taken and returns),
 * so concurrent syncs never exceed the number of enabled models; the fan-out keeps at most
 * `fanoutConcurrency` Invoke calls in flight; Lambda retries throttled async invokes itself (up to
 * the event age) before the two retries and the failure queue. `syncReservedConcurrency` adds a
 * hard cap on accounts with room for it.
 */
export class SyncPipeline extends Construct {
  readonly syncFunction: HeartbeatFunction;
  readonly fanoutFunction: HeartbeatFunction;
  readonly schedule: events.Rule;
  /** Daily rule: the fan-out starts each model's source audit (`{ audit: true }`) on the sync function. */
  readonly auditSchedule: events.Rule;
  /** onFailure destination of async sync invocations. */
  readonly syncFailures: DeadLetterQueue;
  /** Dead-letter queue of the fan-out (failed scheduled invocations and undeliverable events). */
  readonly fanoutDlq: DeadLetterQueue;

  constructor(scope: Construct, id: string, props: SyncPipelineProps) {
    super(scope, id);
    const scheduleMinutes = props.scheduleMinutes ?? DEFAULT_SCHEDULE_MINUTES;
    const budgetSeconds = props.syncBudgetSeconds ?? DEFAULT_SYNC_BUDGET_MS / 1000;
    const common = { logLevel: props.logLevel, logRetention: props.logRetention };

    this.syncFailures = new DeadLetterQueue(this, 'SyncFailures', {
      purpose: 'sync invocations that failed after retries',
    });
    this.fanoutDlq = new DeadLetterQueue(this, 'FanoutDlq', {
      purpose: 'fan-out invocations that failed after retries',
    });

    this.syncFunction = new HeartbeatFunction(this, 'Sync', {
      ...common,
      handler: 'sync',
      description: 'Syncs one model: Fanvue earnings -> transactions table, cursor checkpointed per page',
      timeout: Duration.millis(budgetSeconds * 1000 + SYNC_TIMEOUT_MARGIN_MS),
      memorySize: 512,
      // Opt-in only: a reservation fails the deploy unless 100 of the account's concurrency stays unreserved.
      reservedConcurrentExecutions: (props.syncReservedConcurrency ?? DEFAULT_SYNC_RESERVED_CONCURRENCY) || undefined,
      environment: {
        TRANSACTIONS_TABLE: props.transactionsTable.tableName,
        CONTROL_TABLE: props.controlTable.tableName,
        FANVUE_API_BASE_URL: props.fanvueApiBaseUrl ?? FANVUE_API_BASE_URL,
        FANVUE_AUTH_BASE_URL: props.fanvueAuthBaseUrl ?? FANVUE_AUTH_BASE_URL,
        FANVUE_CLIENT_SECRET_ID: props.secrets.fanvueClient.secretArn,
        FANVUE_CONNECTION_SECRET_PREFIX: props.secrets.connectionSecretPrefix,
        SYNC_BUDGET_MS: String(budgetSeconds * 1000),
        SYNC_LOOKBACK_MINUTES: String(props.syncLookbackMinutes ?? DEFAULT_SYNC_LOOKBACK_MINUTES),
        AUDIT_DAYS: String(props.auditDays ?? DEFAULT_AUDIT_DAYS),
      },
    });
    // A run that is still failing after two retries is stale once the next schedules have passed.
    this.syncFunction.configureAsyncInvoke({
      onFailure: new SqsDestination(this.syncFailures.queue),
      retryAttempts: 2,
      maxEventAge: Duration.hours(1),
    });
    // Rows are written in batches and never read back; on the control table only model records
    // (lease, cursor, status), their run records (PutItem of `RUN#` items under the model's key) and
    // token-refresh locks: never agencies, access keys or the creator index.
    grantTable(this.syncFunction, props.transactionsTable, ['dynamodb:BatchWriteItem']);
    grantTable(
      this.syncFunction,
      props.controlTable,
      ['dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem'],
      { leadingKeyPrefixes: controlKeyPrefixes.sync },
    );
    props.secrets.grantFanvueAccess(this.syncFunction.executionRole);

    this.fanoutFunction = new HeartbeatFunction(this, 'Fanout', {
      ...common,
      handler: 'fanout',
      description: 'Lists enabled models and invokes the sync function once per model (async)',
      timeout: Duration.seconds(60),
      deadLetterQueue: this.fanoutDlq.queue,
      environment: {
        CONTROL_TABLE: props.controlTable.tableName,
        SYNC_FUNCTION_NAME: this.syncFunction.functionName,
        FANOUT_CONCURRENCY: String(props.fanoutConcurrency ?? DEFAULT_FANOUT_CONCURRENCY),
        // The dashboard's freshness rule: stale = no longer Live.
        STALE_AFTER_MS: String(liveWithinMs(scheduleMinutes * 60_000)),
      },
    });
    // A fan-out older than one interval is superseded by the next scheduled one.
    this.fanoutFunction.configureAsyncInvoke({
      retryAttempts: 1,
      maxEventAge: Duration.minutes(Math.max(scheduleMinutes, 1)),
    });
    // Lists every model record: the one Scan of the stack.
    grantTable(this.fanoutFunction, props.controlTable, ['dynamodb:Scan']);
    this.syncFunction.grantInvoke(this.fanoutFunction);
    acknowledgeInvokeQualifiers(this.fanoutFunction.executionRole, this.syncFunction);

    this.schedule = new events.Rule(this, 'Schedule', {
      description: `Fan-out of the revenue sync every ${scheduleMinutes} minute(s)`,
      schedule: events.Schedule.rate(Duration.minutes(scheduleMinutes)),
      targets: [
        new targets.LambdaFunction(this.fanoutFunction, {
          event: events.RuleTargetInput.fromObject({ reason: 'schedule' }),
          deadLetterQueue: this.fanoutDlq.queue,
          retryAttempts: 2,
          maxEventAge: Duration.minutes(Math.max(scheduleMinutes, 1)),
        }),
      ],
    });

    // The source audit runs in the sync function (same lease, Fanvue client and rate handling),
    // fanned out like the sync; by hand: invoke the fan-out with `{ "audit": true }`.
    this.auditSchedule = new events.Rule(this, 'AuditSchedule', {
      description: "Daily source audit: re-read each model's recent history from Fanvue and compare",
      schedule: events.Schedule.cron({ ...DEFAULT_AUDIT_SCHEDULE }),
      targets: [
        new targets.LambdaFunction(this.fanoutFunction, {
          event: events.RuleTargetInput.fromObject({ reason: 'audit', audit: true }),
          deadLetterQueue: this.fanoutDlq.queue,
          retryAttempts: 2,
          maxEventAge: Duration.hours(1),
        }),
      ],
    });
  }
}
