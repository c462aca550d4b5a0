import { Duration, Fn, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as apigwv1 from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { FANVUE_CALLBACK_PATH } from '../../lambdas/domain/site-config';
import { DEFAULT_SCHEDULE_MINUTES, liveWithinMs } from '../../lambdas/shared/defaults';
import { OPEN_ROUTES } from '../../lambdas/shared/routes';
import { controlKeyPrefixes, controlTable, transactionsTable } from '../../lambdas/shared/tables';
import { ACCESS_LOG_FIELDS, DEFAULT_ROUTE_LIMITS, type RouteThrottle, type ThrottledRoute } from './api-edge';
import type { DashboardAuth } from './dashboard-auth';
import { HeartbeatFunction } from './heartbeat-function';
import { acknowledgeInvokeQualifiers } from './nag';
import type { HeartbeatSecrets } from './secrets';
import { grantTable } from './table-access';

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
  /** Steady-state requests per second of each dashboard route. @default 50 */
  readonly rateLimit?: number;
  /** Burst of each dashboard route. @default 100 */
  readonly burstLimit?: number;
  /** Own, lower limits of the unauthenticated-reachable routes, so a flood there cannot starve the dashboard. */
  readonly routeLimits?: Partial<Record<ThrottledRoute, RouteThrottle>>;
  /**
   * A custom domain (with a regional ACM certificate in the stack's region) for the API. With it,
   * CloudFront reaches the API by that name and the default execute-api endpoint is disabled.
   * @default none: CloudFront uses the execute-api host, which stays enabled
   */
  readonly customDomain?: { readonly domainName: string; readonly certificateArn: string };
  /** @default 'INFO' */
  readonly logLevel?: string;
  /** @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * HTTP API -> dashboard API Lambda: `POST /api/webhooks/fanvue` and `POST /api/sync` with
 * their own throttles, `ANY /api/{proxy+}` for the dashboard. The Lambda reads models and
 * totals (GetItem/Query) and transactions (Query), writes only webhook replay-guard items,
 * and invokes syncs.
 * Access-logged in JSON. Only CloudFront gets answers: the Lambda refuses requests without
 * the origin header, and with a custom domain the execute-api endpoint is off altogether.
 */
export class DashboardApi extends Construct {
  readonly apiFunction: HeartbeatFunction;
  readonly httpApi: apigw.HttpApi;
  readonly stage: apigw.HttpStage;
  readonly accessLogs: logs.LogGroup;
  /** Host name CloudFront uses as the `/api/*` origin: the custom domain, or the execute-api host. */
  readonly domainName: string;
  /** With a custom domain: the regional API Gateway host its DNS record (CNAME/alias) must point to. */
  readonly customDomainTarget?: string;

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
        ORIGIN_SECRET_ID: props.secrets.origin.secretArn,
        SYNC_FUNCTION_NAME: props.syncFunction.functionName,
        FANOUT_FUNCTION_NAME: props.fanoutFunction.functionName,
        SYNC_INTERVAL_MS: String(intervalMs),
        LIVE_WITHIN_MS: String(liveWithinMs(intervalMs)),
      },
    });
    // Reads by key or query (never Scan; a model's sync history is one Query on its key); the only writes
    // here are the webhook replay guard's items and CSV download tickets.
    grantTable(this.apiFunction, props.controlTable, ['dynamodb:GetItem', 'dynamodb:Query'], {
      indexes: controlTable.globalIndexes.map((i) => i.indexName),
    });
    grantTable(this.apiFunction, props.controlTable, ['dynamodb:PutItem', 'dynamodb:DeleteItem'], {
      leadingKeyPrefixes: controlKeyPrefixes.api,
    });
    // CSV download tickets: issued here (PutItem only), consumed by the export function.
    grantTable(this.apiFunction, props.controlTable, ['dynamodb:PutItem'], {
      leadingKeyPrefixes: controlKeyPrefixes.tickets,
    });
    grantTable(this.apiFunction, props.totalsTable, ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:BatchGetItem']);
    // A model's transactions, one page at a time (latest first through byDate).
    grantTable(this.apiFunction, props.transactionsTable, ['dynamodb:Query'], {
      indexes: transactionsTable.globalIndexes.map((i) => i.indexName),
    });
    props.secrets.grantApiSecretsRead(this.apiFunction.executionRole);
    props.syncFunction.grantInvoke(this.apiFunction);
    props.fanoutFunction.grantInvoke(this.apiFunction);
    const role = this.apiFunction.executionRole;
    acknowledgeInvokeQualifiers(role, props.syncFunction);
    acknowledgeInvokeQualifiers(role, props.fanoutFunction);

    this.httpApi = new apigw.HttpApi(this, 'HttpApi', {
      description: 'Revenue Heartbeat dashboard API',
      createDefaultStage: false,
      disableExecuteApiEndpoint: props.customDomain !== undefined,
    });
    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stage = new apigw.HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      // The default route settings: every dashboard route gets this rate on its own.
      throttle: { rateLimit: props.rateLimit ?? 50, burstLimit: props.burstLimit ?? 100 },
      accessLogSettings: {
        destination: new apigw.LogGroupLogDestination(this.accessLogs),
        format: apigwv1.AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
      },
    });
    const limits = { ...DEFAULT_ROUTE_LIMITS, ...props.routeLimits };
    const cfnStage = this.stage.node.defaultChild as apigw.CfnStage;
    cfnStage.routeSettings = Object.fromEntries(
      Object.entries(limits).map(([routeKey, l]) => [
        routeKey,
        // RouteSettings is raw JSON to CloudFormation: CDK does not convert the casing, so spell it as CloudFormation does.
        { ThrottlingRateLimit: l.rateLimit, ThrottlingBurstLimit: l.burstLimit },
      ]),
    );
    if (props.customDomain) {
      const domain = new apigw.DomainName(this, 'Domain', {
        domainName: props.customDomain.domainName,
        certificate: acm.Certificate.fromCertificateArn(this, 'Certificate', props.customDomain.certificateArn),
        securityPolicy: apigw.SecurityPolicy.TLS_1_2,
      });
      new apigw.ApiMapping(this, 'Mapping', { api: this.httpApi, domainName: domain, stage: this.stage });
      this.domainName = props.customDomain.domainName;
      this.customDomainTarget = domain.regionalDomainName;
    } else {
      // apiEndpoint is https://<id>.execute-api.<region>.<suffix>: the host is the third '/'-separated part.
      this.domainName = Fn.select(2, Fn.split('/', this.httpApi.apiEndpoint));
    }
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
    const routes = this.httpApi.addRoutes({
      path: '/api/{proxy+}',
      methods: [apigw.HttpMethod.ANY],
      integration,
      authorizer,
    });
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
        routes.push(route);
      }
    }
    // The stage's route settings name route keys: the routes must exist before the stage refers to them.
    for (const route of routes) this.stage.node.addDependency(route);
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
    grantTable(this.apiFunction, controlTable, ['dynamodb:PutItem', 'dynamodb:DeleteItem'], {
      leadingKeyPrefixes: controlKeyPrefixes.accounts,
    });
  }

  /**
   * Lets owners and admins connect Fanvue from the dashboard: the Fanvue settings the sync uses,
   * the dashboard's callback page as redirect URI, read of the client credentials and read/write
   * of connection tokens (the same grant as the sync), and writes of model records, the creator
   * index and the token-refresh lock.
   */
  enableFanvueConnect(props: {
    secrets: HeartbeatSecrets;
    siteUrl: string;
    apiBaseUrl: string;
    authBaseUrl: string;
    controlTable: dynamodb.ITableV2;
  }): void {
    const fn = this.apiFunction;
    fn.addEnvironment('FANVUE_API_BASE_URL', props.apiBaseUrl);
    fn.addEnvironment('FANVUE_AUTH_BASE_URL', props.authBaseUrl);
    fn.addEnvironment('FANVUE_CLIENT_SECRET_ID', props.secrets.fanvueClient.secretArn);
    fn.addEnvironment('FANVUE_CONNECTION_SECRET_PREFIX', props.secrets.connectionSecretPrefix);
    fn.addEnvironment('FANVUE_REDIRECT_URI', `${props.siteUrl}${FANVUE_CALLBACK_PATH}`);
    props.secrets.grantFanvueAccess(fn.executionRole);
    grantTable(fn, props.controlTable, ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'], {
      leadingKeyPrefixes: controlKeyPrefixes.connect,
    });
  }

  /** Base URL of the API's default stage. */
  get url(): string {
    return this.httpApi.apiEndpoint;
  }
}
