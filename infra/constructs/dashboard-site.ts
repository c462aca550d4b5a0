import { existsSync } from 'node:fs';
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { EXPORT_TICKETS_PATH } from '../../lambdas/shared/edge';
import { type CsvExport, EXPORT_PATH_PATTERN } from './csv-export';
import { nagArnRef } from './nag';

/** Options of {@link DashboardSite}. */
export interface DashboardSiteProps {
  /** Absolute path of the built frontend (`npm run build:frontend` writes `frontend/dist`). */
  readonly distPath: string;
  /** Host name of the HTTP API; `/api/*` is forwarded there. */
  readonly apiDomainName: string;
  /** Headers CloudFront adds to every `/api/*` origin request (the origin secret; replaces viewer-sent ones). */
  readonly apiOriginHeaders?: Record<string, string>;
  /** The streamed CSV exports: `/api/export/*` goes to their function URL (ahead of `/api/*`). @default none */
  readonly csvExport?: CsvExport;
  /** @default cloudfront.PriceClass.PRICE_CLASS_100 */
  readonly priceClass?: cloudfront.PriceClass;
}

/** Files of the frontend build that are never uploaded (the build writes hidden source maps). */
export const SOURCE_MAP_PATTERNS = ['*.map', '**/*.map'];

/** Rewrites app routes (no file extension) to the SPA shell; only on the S3 behaviour, never on /api/*. */
const SPA_REWRITE = `function handler(event) {
  var request = event.request;
  if (request.uri.indexOf('.') === -1) { request.uri = '/index.html'; }
  return request;
}`;

/**
 * The React dashboard: private S3 bucket behind CloudFront (origin access control),
 * HTTPS only, security headers, SPA routing, and `/api/*` proxied to the HTTP API
 * uncached, so the browser talks to a single origin.
 */
export class DashboardSite extends Construct {
  readonly bucket: s3.Bucket;
  /** Server access logs of the site bucket and CloudFront standard logs. */
  readonly logBucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  readonly deployment: s3deploy.BucketDeployment;

  constructor(scope: Construct, id: string, props: DashboardSiteProps) {
    super(scope, id);
    if (!existsSync(props.distPath)) {
      throw new Error(
        `frontend build not found at ${props.distPath}: run \`npm run build:frontend\` before synth or deploy`,
      );
    }
    this.logBucket = new s3.Bucket(this, 'Logs', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // CloudFront standard logging writes with ACLs.
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(90) }],
      removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
    });
    this.bucket = new s3.Bucket(this, 'Bucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: this.logBucket,
      serverAccessLogsPrefix: 's3/',
      removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
    });

    const securityHeaders = new cloudfront.ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'Revenue Heartbeat security headers',
      securityHeadersBehavior: {
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(365),
          includeSubdomains: true,
          preload: true,
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        referrerPolicy: {
          referrerPolicy: cloudfront.HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN,
          override: true,
        },
        // The sign-in code exchange posts to Cognito's token endpoint (managed login domain).
        contentSecurityPolicy: {
          contentSecurityPolicy:
            "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self' https://*.amazoncognito.com; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'",
          override: true,
        },
      },
    });
    const spaRewrite = new cloudfront.Function(this, 'SpaRewrite', {
      code: cloudfront.FunctionCode.fromInline(SPA_REWRITE),
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      comment: 'Serve index.html for client-side routes',
    });

    const apiBehavior: cloudfront.BehaviorOptions = {
      origin: new origins.HttpOrigin(props.apiDomainName, {
        protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
        originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
        ...(props.apiOriginHeaders && { customHeaders: props.apiOriginHeaders }),
      }),
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
      cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
      originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      responseHeadersPolicy: securityHeaders,
    };
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'Revenue Heartbeat dashboard',
      defaultRootObject: 'index.html',
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      priceClass: props.priceClass ?? cloudfront.PriceClass.PRICE_CLASS_100,
      enableLogging: true,
      logBucket: this.logBucket,
      logFilePrefix: 'cloudfront/',
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: securityHeaders,
        compress: true,
        functionAssociations: [{ function: spaRewrite, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST }],
      },
      // CloudFront matches behaviours in this order: the tickets route (the API's), the exports, then /api/*.
      additionalBehaviors: {
        ...(props.csvExport && {
          [EXPORT_TICKETS_PATH]: apiBehavior,
          [EXPORT_PATH_PATTERN]: props.csvExport.behavior(this, securityHeaders),
        }),
        '/api/*': apiBehavior,
      },
      // No distribution-wide errorResponses: they would also turn the API's own 403/404 JSON into index.html.
    });

    this.deployment = new s3deploy.BucketDeployment(this, 'Deploy', {
      // Source maps stay out of the bucket: the public site never serves the full source.
      sources: [s3deploy.Source.asset(props.distPath, { exclude: SOURCE_MAP_PATTERNS })],
      destinationBucket: this.bucket,
      distribution: this.distribution,
      distributionPaths: ['/*'],
      memoryLimit: 512,
    });
    this.acknowledgeFindings();
  }

  /** Serves `config` as `/config.json` next to the app (the app reads its sign-in settings there at runtime). */
  addRuntimeConfig(config: object): void {
    this.deployment.addSource(s3deploy.Source.jsonData('config.json', config));
  }

  /** cdk-nag findings this construct accepts, each with its reason. */
  private acknowledgeFindings(): void {
    Validations.of(this.distribution).acknowledge(
      {
        id: 'AwsSolutions-CFR1',
        reason:
          'No geo restriction: agencies and their staff use the dashboard from any country; access is controlled by agency access keys.',
      },
      {
        id: 'AwsSolutions-CFR2',
        reason:
          'No WAF: the site is static and the API is throttled at the HTTP API stage and authenticates every request; a web ACL (about $6+/month) can be attached later without changes here.',
      },
      {
        id: 'AwsSolutions-CFR4',
        reason:
          'The distribution uses the default *.cloudfront.net certificate, for which CloudFront fixes the minimum viewer protocol; setting TLSv1.2_2021 requires a custom domain and ACM certificate.',
      },
    );
    // BucketDeployment's handler is a CDK-managed singleton that runs only during deploys.
    Validations.of(this.deployment.handlerRole).acknowledge(
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason:
          'CDK BucketDeployment custom resource role (deploy-time only); its managed policy only allows writing its own logs.',
      },
      ...['s3:GetObject*', 's3:GetBucket*', 's3:List*', 's3:DeleteObject*', 's3:Abort*'].map((action) => ({
        id: `AwsSolutions-IAM5[Action::${action}]`,
        reason:
          'CDK BucketDeployment copies the frontend asset into the site bucket and prunes old files; the wildcard actions are CDK-generated and limited to the asset bucket and the site bucket.',
      })),
      {
        id: `AwsSolutions-IAM5[Resource::${nagArnRef(this.bucket)}/*]`,
        reason: 'BucketDeployment writes and prunes objects of the site bucket only.',
      },
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'BucketDeployment invalidates the distribution after upload: cloudfront:CreateInvalidation / GetInvalidation are granted on "*" by CDK.',
      },
      {
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-${Stack.of(this).account}-${Stack.of(this).region}/*]`,
        reason: 'BucketDeployment reads the frontend asset from the CDK bootstrap assets bucket.',
      },
    );
    const singleton = Stack.of(this).node.children.find((c) => c.node.id.startsWith('Custom::CDKBucketDeployment'));
    if (singleton) {
      Validations.of(singleton).acknowledge({
        id: 'AwsSolutions-L1',
        reason:
          'The BucketDeployment handler runtime is chosen by aws-cdk-lib (Python, with the AWS CLI layer); it is not our code and runs only during deploys.',
      });
    }
  }
}
