import { Duration } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { EXPORT_PATH_PREFIX, EXPORT_VIEWER_REQUEST_FUNCTION } from '../../lambdas/shared/edge';
import { controlKeyPrefixes, controlTable, transactionsTable } from '../../lambdas/shared/tables';
import { DASHBOARD_CLIENT_NAME, type DashboardAuth } from './dashboard-auth';
import { HeartbeatFunction } from './heartbeat-function';
import { grantTable } from './table-access';

/** Options of {@link CsvExport}. */
export interface CsvExportProps {
  readonly controlTable: dynamodb.ITableV2;
  readonly totalsTable: dynamodb.ITableV2;
  /** Read one page at a time through its `byDate` index. */
  readonly transactionsTable: dynamodb.ITableV2;
  /** Longest export (a 200 MB response at Lambda's 2 MB/s streaming rate is about 100 s). @default 5 minutes */
  readonly timeout?: Duration;
  /** @default 'INFO' */
  readonly logLevel?: string;
  /** @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
}

/** The CloudFront path pattern of the exports. */
export const EXPORT_PATH_PATTERN = `${EXPORT_PATH_PREFIX}*`;

/**
 * The CSV exports, streamed: a Lambda function (`handlers/export.ts`) behind a function URL in
 * RESPONSE_STREAM mode with AuthType AWS_IAM, reached only through CloudFront with an origin
 * access control (CloudFront signs each request with SigV4; a resource policy lets only this
 * distribution invoke it). The function reads models, totals and transactions (GetItem, Query,
 * BatchGetItem; never Scan, never writes) and checks the caller itself, as the API does.
 */
export class CsvExport extends Construct {
  readonly exportFunction: HeartbeatFunction;
  readonly functionUrl: lambda.FunctionUrl;

  constructor(scope: Construct, id: string, props: CsvExportProps) {
    super(scope, id);
    this.exportFunction = new HeartbeatFunction(this, 'Export', {
      handler: 'export',
      description: 'CSV exports, streamed through a function URL behind CloudFront (/api/export/*)',
      timeout: props.timeout ?? Duration.minutes(5),
      logLevel: props.logLevel,
      logRetention: props.logRetention,
      environment: {
        CONTROL_TABLE: props.controlTable.tableName,
        TOTALS_TABLE: props.totalsTable.tableName,
        TRANSACTIONS_TABLE: props.transactionsTable.tableName,
      },
    });
    grantTable(this.exportFunction, props.controlTable, ['dynamodb:GetItem', 'dynamodb:Query'], {
      indexes: controlTable.globalIndexes.map((i) => i.indexName),
    });
    grantTable(this.exportFunction, props.controlTable, ['dynamodb:DeleteItem'], {
      leadingKeyPrefixes: controlKeyPrefixes.tickets,
    });
    grantTable(this.exportFunction, props.totalsTable, ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:BatchGetItem']);
    grantTable(this.exportFunction, props.transactionsTable, ['dynamodb:Query'], {
      indexes: transactionsTable.globalIndexes.map((i) => i.indexName),
    });
    this.functionUrl = this.exportFunction.addFunctionUrl({
      authType: lambda.FunctionUrlAuthType.AWS_IAM,
      invokeMode: lambda.InvokeMode.RESPONSE_STREAM,
    });
  }

  /**
   * Gives the function the user pool's issuer, the pool and the dashboard client's name, to verify
   * members' tokens (the client's id is looked up at cold start: set here it would close a dependency
   * cycle client -> distribution -> function URL -> function), and lets it list the pool's clients.
   */
  requireSignIn(auth: DashboardAuth): void {
    this.exportFunction.addEnvironment('AUTH_ISSUER', auth.issuer);
    this.exportFunction.addEnvironment('USER_POOL_ID', auth.userPool.userPoolId);
    this.exportFunction.addEnvironment('AUTH_CLIENT_NAME', DASHBOARD_CLIENT_NAME);
    this.exportFunction.executionRole.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['cognito-idp:ListUserPoolClients'], resources: [auth.userPool.userPoolArn] }),
    );
  }

  /**
   * The CloudFront behaviour of `/api/export/*`: the function URL with origin access control, no
   * caching, every viewer header but Host and the query string (a download link's `ticket` too)
   * forwarded, and the viewer-request function that hands the viewer's `Authorization` over in the viewer header (OAC's signature
   * takes `Authorization`). No origin secret header: OAC and the function's resource policy already
   * admit only this distribution.
   */
  behavior(scope: Construct, securityHeaders: cloudfront.IResponseHeadersPolicy): cloudfront.BehaviorOptions {
    const handOver = new cloudfront.Function(scope, 'ExportViewerRequest', {
      code: cloudfront.FunctionCode.fromInline(EXPORT_VIEWER_REQUEST_FUNCTION),
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      comment: 'Hands the viewer Authorization to the export function (OAC signs in Authorization)',
    });
    return {
      origin: origins.FunctionUrlOrigin.withOriginAccessControl(this.functionUrl, {
        // CloudFront waits this long for the next bytes; the export writes a page at a time.
        readTimeout: Duration.seconds(60),
      }),
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      // GET only: OAC for function URLs would need the viewer to sign POST/PUT bodies.
      allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
      cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
      originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      responseHeadersPolicy: securityHeaders,
      functionAssociations: [{ function: handOver, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST }],
    };
  }
}
