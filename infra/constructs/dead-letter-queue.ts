import { Duration, Validations } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** Options of {@link DeadLetterQueue}. */
export interface DeadLetterQueueProps {
  /** What lands here, for the reader of the console and the alarm. */
  readonly purpose: string;
  /** @default Duration.days(14) */
  readonly retentionPeriod?: Duration;
}

/**
 * An encrypted, TLS-only SQS queue that holds failed invocations or stream batches.
 * It is itself the end of the line: nothing reads it automatically, an alarm fires on depth.
 */
export class DeadLetterQueue extends Construct {
  /** The queue. */
  readonly queue: sqs.Queue;
  /** What lands here. */
  readonly purpose: string;

  constructor(scope: Construct, id: string, props: DeadLetterQueueProps) {
    super(scope, id);
    this.purpose = props.purpose;
    this.queue = new sqs.Queue(this, 'Queue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: props.retentionPeriod ?? Duration.days(14),
    });
    Validations.of(this.queue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: `This queue is a dead-letter destination (${props.purpose}); it is inspected by an operator after its depth alarm fires and needs no DLQ of its own.`,
    });
  }
}
