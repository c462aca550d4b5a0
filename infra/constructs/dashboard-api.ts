import { Duration, Fn, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { DEFAULT_SCHEDULE_MINUTES, liveWithinMs } from '../../lambdas/shared/defaults';
import { OPEN_ROUTES } from '../../lambdas/shared/routes';
import type { DashboardAuth } from './dashboard-auth';
import { HeartbeatFunction } from './heartbeat-function';
import { acknowledgeIndexAccess, acknowledgeInvokeQualifiers } from './nag';
import type { HeartbeatSecrets } from './secrets';

/** Options of {@link DashboardApi}. */
export interface DashboardApiProps {
  readonly controlTable: dynamodb.ITableV2;
  readonly totalsTable: dynamodb.ITableV2;
  /** Read one page at a time (a model's latest rows, CSV export), through its `byDate` index. */
  readonly transactionsTable: dynamodb.ITableV2;
  readonly secrets: HeartbeatSecrets;
  /** Invoked by `POST /api/sync` for one model. */
  readonly syncFunction: lambda.IFunction;
  /** Invoked by `POST /api/sync` for all models. */
  readonly fanoutFunction: lambda.IFunction;
  /** Minutes between scheduled syncs (the dashboard shows when the next one is due). @default 10 */
  readonly scheduleMinutes?: number;
  /** Steady-state requests per second of the stage. @default 50 */
  readonly rateLimit?: number;
  /** Burst of the stage. @default 100 */
  readonly burstLimit?: number;
  /** @default 'INFO' */
  readonly logLevel?: string;
  /** @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * HTTP API (`ANY /api/{proxy+}`) -> dashboard API Lambda. The Lambda reads models and
 * totals only; its one write path is invoking a sync. Stage throttled, access-logged.
 */
export class DashboardApi extends Construct {
  readonly apiFunction: HeartbeatFunction;
  readonly httpApi: apigw.HttpApi;
  readonly stage: apigw.HttpStage;
  readonly accessLogs: logs.LogGroup;
  /** Host name of the API's default endpoint (the CloudFront origin). */
  readonly domainName: string;

  constructor(scope: Construct, id: string, props: DashboardApiProps) {
    super(scope, id);
    const intervalMs = (props.scheduleMinutes ?? DEFAULT_SCHEDULE_MINUTES) * 60_000;
    this.apiFunction = new HeartbeatFunction(this, 'Api', {
      handler: 'api',
      description: 'Dashboard API: models, totals, status; POST /api/sync triggers a sync',
      timeout: Duration.seconds(15),
      logLevel: props.logLevel,
      logRetention: props.logRetention,
      environment: {
        CONTROL_TABLE: props.controlTable.tableName,
        TOTALS_TABLE: props.totalsTable.tableName,
        TRANSACTIONS_TABLE: props.transactionsTable.tableName,
        CRON_SECRET_ID: props.secrets.cron.secretArn,
        WEBHOOK_SECRET_ID: props.secrets.webhook.secretArn,
        SYNC_FUNCTION_NAME: props.syncFunction.functionName,
        FANOUT_FUNCTION_NAME: props.fanoutFunction.functionName,
        SYNC_INTERVAL_MS: String(intervalMs),
        LIVE_WITHIN_MS: String(liveWithinMs(intervalMs)),
      },
    });
    props.controlTable.grantReadData(this.apiFunction);
    props.totalsTable.grantReadData(this.apiFunction);
    props.transactionsTable.grantReadData(this.apiFunction);
    props.secrets.grantCronRead(this.apiFunction.executionRole);
    props.syncFunction.grantInvoke(this.apiFunction);
    props.fanoutFunction.grantInvoke(this.apiFunction);
    const role = this.apiFunction.executionRole;
    acknowledgeIndexAccess(role, props.controlTable);
    acknowledgeIndexAccess(role, props.transactionsTable);
    acknowledgeInvokeQualifiers(role, props.syncFunction);
    acknowledgeInvokeQualifiers(role, props.fanoutFunction);

    this.httpApi = new apigw.HttpApi(this, 'HttpApi', {
      description: 'Revenue Heartbeat dashboard API',
      createDefaultStage: false,
    });
    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stage = new apigw.HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: props.rateLimit ?? 50, burstLimit: props.burstLimit ?? 100 },
      accessLogSettings: { destination: new apigw.LogGroupLogDestination(this.accessLogs) },
    });
    // apiEndpoint is https://<id>.execute-api.<region>.<suffix>: the host is the third '/'-separated part.
    this.domainName = Fn.select(2, Fn.split('/', this.httpApi.apiEndpoint));
  }

  /**
   * Puts sign-in in front of the API: the JWT authorizer (the user pool's issuer, the dashboard
   * client as audience) on `ANY /api/{proxy+}`, and the open routes of `lambdas/shared/routes.ts`
   * (webhook, cron-secret sync, access-key dashboard) without it. Gives the Lambda the issuer
   * and client to verify tokens again, and the user pool actions owners' invitations need.
   */
  requireSignIn(auth: DashboardAuth, controlTable: dynamodb.ITableV2): void {
    const integration = new HttpLambdaIntegration('ApiIntegration', this.apiFunction);
    const authorizer = new HttpJwtAuthorizer('Members', auth.issuer, {
      authorizerName: 'members',
      jwtAudience: [auth.client.userPoolClientId],
      identitySource: ['$request.header.Authorization'],
    });
    this.httpApi.addRoutes({ path: '/api/{proxy+}', methods: [apigw.HttpMethod.ANY], integration, authorizer });
    for (const open of OPEN_ROUTES) {
      for (const route of this.httpApi.addRoutes({
        path: open.path,
        methods: [apigw.HttpMethod[open.method]],
        integration,
      })) {
        Validations.of(route).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason: `No JWT authorizer: ${open.method} ${open.path} is authenticated in the Lambda by ${open.credential}.`,
        });
      }
    }
    this.apiFunction.addEnvironment('AUTH_ISSUER', auth.issuer);
    this.apiFunction.addEnvironment('AUTH_CLIENT_ID', auth.client.userPoolClientId);
    this.apiFunction.addEnvironment('USER_POOL_ID', auth.userPool.userPoolId);
    const role = this.apiFunction.executionRole;
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: [
          'cognito-idp:AdminCreateUser',
          'cognito-idp:AdminDeleteUser',
          'cognito-idp:AdminUserGlobalSignOut',
          'cognito-idp:ListUsers',
        ],
        resources: [auth.userPool.userPoolArn],
      }),
    );
    // Writes only the accounts items: members and access keys (AGENCY#, APIKEY#) and pending authorizations.
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:PutItem', 'dynamodb:DeleteItem', 'dynamodb:ConditionCheckItem'],
        resources: [controlTable.tableArn],
        conditions: {
          'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['AGENCY#*', 'APIKEY#*', 'OAUTHSTATE#*'] },
        },
      }),
    );
  }

  /** Base URL of the API's default stage. */
  get url(): string {
    return this.httpApi.apiEndpoint;
  }
}
