import { Aws, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

/** Options of {@link HeartbeatSecrets}. */
export interface HeartbeatSecretsProps {
  /**
   * Name prefix of all secrets of this deployment (no trailing slash).
   * @default - the stack name
   */
  readonly namePrefix?: string;
}

/**
 * Secrets Manager entries. Values never appear in the template:
 * - the Fanvue OAuth client credentials `{"clientId","clientSecret"}`, created with a
 *   generated placeholder and filled in by the operator;
 * - the cron secret guarding `POST /api/sync`, generated;
 * - the origin secret CloudFront sends to the API in its origin header, generated;
 * - per-connection OAuth tokens `{"refreshToken"}` live under {@link connectionSecretPrefix}
 *   and are created by the operator (or the connect flow), rotated by the sync function.
 */
export class HeartbeatSecrets extends Construct {
  /** Fanvue OAuth client credentials. */
  readonly fanvueClient: secretsmanager.Secret;
  /** Shared secret expected in the `x-cron-secret` header of manual syncs. */
  readonly cron: secretsmanager.Secret;
  /** Value of the header CloudFront adds to `/api/*` origin requests; the API refuses requests without it. */
  readonly origin: secretsmanager.Secret;
  /** The Fanvue app's webhook signing secret (placeholder until the operator puts the real one). */
  readonly webhook: secretsmanager.Secret;
  /** Name prefix of the per-connection token secrets; the full name is prefix + connectionId. */
  readonly connectionSecretPrefix: string;
  /** ARN pattern that matches every connection secret (Secrets Manager appends a random suffix). */
  readonly connectionSecretArnPattern: string;
  private readonly nagConnectionPattern: string;

  constructor(scope: Construct, id: string, props: HeartbeatSecretsProps = {}) {
    super(scope, id);
    const stack = Stack.of(this);
    const prefix = props.namePrefix ?? stack.stackName;
    this.fanvueClient = new secretsmanager.Secret(this, 'FanvueClient', {
      secretName: `${prefix}/fanvue/client`,
      description: 'Fanvue OAuth client credentials {"clientId","clientSecret"}; replace the placeholder after deploy',
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ clientId: 'replace-me' }),
        generateStringKey: 'clientSecret',
        excludePunctuation: true,
        passwordLength: 32,
      },
    });
    this.cron = new secretsmanager.Secret(this, 'Cron', {
      secretName: `${prefix}/cron`,
      description: 'Value of the x-cron-secret header that authorizes POST /api/sync',
      generateSecretString: { excludePunctuation: true, passwordLength: 48 },
    });
    this.origin = new secretsmanager.Secret(this, 'Origin', {
      secretName: `${prefix}/origin`,
      description:
        'Value of the origin header CloudFront sends to the HTTP API; requests without it are refused (rotate: docs/deploy.md)',
      generateSecretString: { excludePunctuation: true, passwordLength: 48 },
    });
    Validations.of(this.origin).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'CloudFront origin headers are fixed at deploy time: rotation is put-secret-value followed by a redeploy pinned to the new version, while the API accepts the previous value for a grace period (docs/deploy.md).',
    });
    this.webhook = new secretsmanager.Secret(this, 'FanvueWebhook', {
      secretName: `${prefix}/fanvue/webhook`,
      description:
        'Signing secret of the Fanvue app webhooks (X-Fanvue-Signature); replace the placeholder after deploy',
      generateSecretString: { excludePunctuation: true, passwordLength: 48 },
    });
    Validations.of(this.webhook).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Fanvue issues the webhook signing secret; it is rotated in the Fanvue developer console, after which the operator puts the new value (docs/deploy.md).',
    });
    this.connectionSecretPrefix = `${prefix}/fanvue/connection/`;
    // Pseudo parameters (not the synth-time env) so the pattern and its cdk-nag finding id are stable.
    this.connectionSecretArnPattern = `arn:${Aws.PARTITION}:secretsmanager:${Aws.REGION}:${Aws.ACCOUNT_ID}:secret:${this.connectionSecretPrefix}*`;
    this.nagConnectionPattern = `arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:${this.connectionSecretPrefix}*`;
    Validations.of(this.fanvueClient).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Fanvue issues the OAuth client secret; it can only be rotated in the Fanvue developer console, after which the operator puts the new value (docs/deploy.md).',
    });
    Validations.of(this.cron).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Shared with the operator and any external scheduler that calls POST /api/sync; rotated manually with put-secret-value so callers can be updated together (docs/deploy.md).',
    });
  }

  /** Lets `role` read the client credentials and read and rotate every connection's tokens. */
  grantFanvueAccess(role: iam.IRole): void {
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [this.fanvueClient.secretArn] }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue'],
        resources: [this.connectionSecretArnPattern],
      }),
    );
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${this.nagConnectionPattern}]`,
      reason:
        'Connection token secrets are created per agency connection after deploy (name = prefix + connectionId); the pattern is limited to that prefix and to Get/PutSecretValue (refresh tokens rotate on every use).',
    });
  }

  /** Lets `role` read the cron, webhook and origin secrets (the API function), and nothing else. */
  grantApiSecretsRead(role: iam.IRole): void {
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['secretsmanager:GetSecretValue'],
        resources: [this.cron.secretArn, this.webhook.secretArn, this.origin.secretArn],
      }),
    );
  }
}
