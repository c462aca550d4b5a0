import { Duration } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { controlKeyPrefixes } from '../../lambdas/shared/tables';
import { DeadLetterQueue } from './dead-letter-queue';
import { HeartbeatFunction } from './heartbeat-function';
import { grantTable } from './table-access';

/** Options of {@link RevenueAggregator}. */
export interface RevenueAggregatorProps {
  /** Table whose stream (NEW_AND_OLD_IMAGES) feeds the aggregator. */
  readonly transactionsTable: dynamodb.ITableV2;
  /** Table the totals and exactly-once markers are written to. */
  readonly totalsTable: dynamodb.ITableV2;
  /** Table holding the agencies' time zone settings (read per batch for local-day totals). */
  readonly controlTable: dynamodb.ITableV2;
  /** Records per invocation. @default 100 */
  readonly batchSize?: number;
  /** @default 'INFO' */
  readonly logLevel?: string;
  /** @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * Transactions stream -> aggregator Lambda -> totals. Partial batch failures are
 * reported per record; a poison record is isolated by bisection, retried 3 times,
 * then its batch descriptor goes to {@link streamFailures} (the stream keeps it 24 h).
 */
export class RevenueAggregator extends Construct {
  readonly aggregateFunction: HeartbeatFunction;
  /** onFailure destination of stream batches that could not be processed. */
  readonly streamFailures: DeadLetterQueue;

  constructor(scope: Construct, id: string, props: RevenueAggregatorProps) {
    super(scope, id);
    this.streamFailures = new DeadLetterQueue(this, 'StreamFailures', {
      purpose: 'transaction stream batches the aggregator gave up on',
    });
    this.aggregateFunction = new HeartbeatFunction(this, 'Aggregate', {
      handler: 'aggregate',
      description: 'Applies transaction stream records to the revenue totals, exactly once',
      timeout: Duration.seconds(60),
      logLevel: props.logLevel,
      logRetention: props.logRetention,
      environment: { TOTALS_TABLE: props.totalsTable.tableName, CONTROL_TABLE: props.controlTable.tableName },
    });
    // Exactly-once markers (conditional Put) and counter Updates, in transactions; never a read.
    grantTable(this.aggregateFunction, props.totalsTable, ['dynamodb:PutItem', 'dynamodb:UpdateItem']);
    // The agencies' time zones and the models' column ordinals: agency and model records only, read-only.
    grantTable(this.aggregateFunction, props.controlTable, ['dynamodb:GetItem', 'dynamodb:BatchGetItem'], {
      leadingKeyPrefixes: [...controlKeyPrefixes.agency, ...controlKeyPrefixes.models],
    });
    this.aggregateFunction.addEventSource(
      new DynamoEventSource(props.transactionsTable, {
        startingPosition: lambda.StartingPosition.TRIM_HORIZON,
        batchSize: props.batchSize ?? 100,
        reportBatchItemFailures: true,
        bisectBatchOnError: true,
        retryAttempts: 3,
        maxRecordAge: Duration.hours(1),
        onFailure: new SqsDlq(this.streamFailures.queue),
      }),
    );
  }
}
