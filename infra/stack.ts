import { CfnOutput, SecretValue, Stack, type StackProps } from 'aws-cdk-lib';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { ORIGIN_VERIFY_HEADER } from '../lambdas/shared/edge';
import type { StackConfig } from './config';
import { CsvExport } from './constructs/csv-export';
import { DashboardApi } from './constructs/dashboard-api';
import { DashboardAuth } from './constructs/dashboard-auth';
import { DashboardSite } from './constructs/dashboard-site';
import { DataTables } from './constructs/data-tables';
import { Observability } from './constructs/observability';
import { Reconciliation } from './constructs/reconciliation';
import { RevenueAggregator } from './constructs/revenue-aggregator';
import { HeartbeatSecrets } from './constructs/secrets';
import { SyncPipeline } from './constructs/sync-pipeline';

/** Props of {@link RevenueHeartbeatStack}. */
export interface RevenueHeartbeatStackProps extends StackProps {
  /** Validated deploy-time settings (see `infra/config.ts`). */
  readonly config: StackConfig;
  /** Absolute path of the built frontend. */
  readonly frontendDistPath: string;
}

/** The whole Revenue Heartbeat deployment; it only composes the capability constructs. */
export class RevenueHeartbeatStack extends Stack {
  readonly tables: DataTables;
  readonly secrets: HeartbeatSecrets;
  readonly pipeline: SyncPipeline;
  readonly aggregator: RevenueAggregator;
  readonly reconciliation: Reconciliation;
  readonly api: DashboardApi;
  readonly csvExport: CsvExport;
  readonly site: DashboardSite;
  readonly auth: DashboardAuth;
  readonly observability: Observability;

  constructor(scope: Construct, id: string, props: RevenueHeartbeatStackProps) {
    super(scope, id, props);
    const { config } = props;
    if ((config.apiDomainName === undefined) !== (config.apiCertificateArn === undefined))
      throw new Error('invalid CDK context: apiDomainName and apiCertificateArn go together (set both or neither)');
    const customDomain =
      config.apiDomainName && config.apiCertificateArn
        ? { domainName: config.apiDomainName, certificateArn: config.apiCertificateArn }
        : undefined;
    const logRetention = toRetention(config.logRetentionDays);
    const fnDefaults = { logLevel: config.logLevel, logRetention };

    this.tables = new DataTables(this, 'Tables', { deletionProtection: config.tableDeletionProtection });
    this.secrets = new HeartbeatSecrets(this, 'Secrets');
    this.pipeline = new SyncPipeline(this, 'SyncPipeline', {
      ...fnDefaults,
      transactionsTable: this.tables.transactions,
      controlTable: this.tables.control,
      secrets: this.secrets,
      scheduleMinutes: config.scheduleMinutes,
      syncReservedConcurrency: config.syncReservedConcurrency,
      fanoutConcurrency: config.fanoutConcurrency,
      syncBudgetSeconds: config.syncBudgetSeconds,
      syncLookbackMinutes: config.syncLookbackMinutes,
      auditDays: config.auditDays,
      fanvueApiBaseUrl: config.fanvueApiBaseUrl,
      fanvueAuthBaseUrl: config.fanvueAuthBaseUrl,
    });
    this.aggregator = new RevenueAggregator(this, 'Aggregator', {
      ...fnDefaults,
      transactionsTable: this.tables.transactions,
      totalsTable: this.tables.totals,
      controlTable: this.tables.control,
    });
    this.reconciliation = new Reconciliation(this, 'Reconciliation', {
      ...fnDefaults,
      transactionsTable: this.tables.transactions,
      controlTable: this.tables.control,
      totalsTable: this.tables.totals,
      hourUtc: config.reconcileHourUtc,
    });
    this.api = new DashboardApi(this, 'DashboardApi', {
      ...fnDefaults,
      controlTable: this.tables.control,
      transactionsTable: this.tables.transactions,
      totalsTable: this.tables.totals,
      secrets: this.secrets,
      syncFunction: this.pipeline.syncFunction,
      fanoutFunction: this.pipeline.fanoutFunction,
      scheduleMinutes: config.scheduleMinutes,
      rateLimit: config.apiRateLimit,
      burstLimit: config.apiBurstLimit,
      routeLimits: {
        'POST /api/webhooks/fanvue': { rateLimit: config.webhookRateLimit, burstLimit: config.webhookBurstLimit },
        'POST /api/sync': { rateLimit: config.manualSyncRateLimit, burstLimit: config.manualSyncBurstLimit },
      },
      ...(customDomain && { customDomain }),
    });
    this.csvExport = new CsvExport(this, 'CsvExport', {
      ...fnDefaults,
      controlTable: this.tables.control,
      transactionsTable: this.tables.transactions,
      totalsTable: this.tables.totals,
    });
    // CloudFront origin headers are static: the value is resolved from Secrets Manager at deploy time.
    const originSecret = config.originSecretVersion
      ? SecretValue.secretsManager(this.secrets.origin.secretArn, { versionId: config.originSecretVersion })
      : this.secrets.origin.secretValue;
    this.site = new DashboardSite(this, 'Site', {
      distPath: props.frontendDistPath,
      apiDomainName: this.api.domainName,
      apiOriginHeaders: { [ORIGIN_VERIFY_HEADER]: originSecret.unsafeUnwrap() },
      csvExport: this.csvExport,
    });
    this.auth = new DashboardAuth(this, 'Auth', {
      siteUrl: `https://${this.site.distribution.distributionDomainName}`,
      ...(config.authDomainPrefix && { domainPrefix: config.authDomainPrefix }),
    });
    this.api.requireSignIn(this.auth, this.tables.control);
    this.csvExport.requireSignIn(this.auth);
    this.site.addRuntimeConfig(this.auth.siteConfig());
    this.api.enableFanvueConnect({
      secrets: this.secrets,
      siteUrl: `https://${this.site.distribution.distributionDomainName}`,
      apiBaseUrl: config.fanvueApiBaseUrl,
      authBaseUrl: config.fanvueAuthBaseUrl,
      controlTable: this.tables.control,
    });
    this.observability = new Observability(this, 'Observability', {
      functions: {
        Sync: this.pipeline.syncFunction,
        Fanout: this.pipeline.fanoutFunction,
        Aggregate: this.aggregator.aggregateFunction,
        Reconcile: this.reconciliation.reconcileFunction,
        Api: this.api.apiFunction,
        Export: this.csvExport.exportFunction,
      },
      syncFunction: this.pipeline.syncFunction,
      fanoutFunction: this.pipeline.fanoutFunction,
      aggregateFunction: this.aggregator.aggregateFunction,
      scheduleMinutes: config.scheduleMinutes,
      queues: {
        SyncFailures: this.pipeline.syncFailures,
        FanoutDlq: this.pipeline.fanoutDlq,
        StreamFailures: this.aggregator.streamFailures,
        ReconcileDlq: this.reconciliation.dlq,
      },
      alarmEmail: config.alarmEmail,
      dashboardName: this.stackName,
    });

    const out = (id: string, value: string, description: string) => new CfnOutput(this, id, { value, description });
    out('DashboardUrl', `https://${this.site.distribution.distributionDomainName}`, 'Dashboard (CloudFront)');
    if (this.api.customDomainTarget)
      out(
        'ApiDomainTarget',
        this.api.customDomainTarget,
        `DNS: point ${config.apiDomainName} (CNAME or alias) here; CloudFront reaches the API by that name`,
      );
    out('SyncFunctionName', this.pipeline.syncFunction.functionName, 'Sync one model: payload {"modelId":"..."}');
    out('FanoutFunctionName', this.pipeline.fanoutFunction.functionName, 'Sync every enabled model: payload {}');
    out('AggregateFunctionName', this.aggregator.aggregateFunction.functionName, 'Transactions stream consumer');
    out('ReconcileFunctionName', this.reconciliation.reconcileFunction.functionName, 'Daily totals reconciliation');
    out('ApiFunctionName', this.api.apiFunction.functionName, 'Dashboard API');
    out('ExportFunctionName', this.csvExport.exportFunction.functionName, 'CSV exports (<DashboardUrl>/api/export/*)');
    out('FanvueClientSecretArn', this.secrets.fanvueClient.secretArn, 'Put {"clientId","clientSecret"} here');
    out('CronSecretArn', this.secrets.cron.secretArn, 'x-cron-secret value for POST /api/sync');
    out(
      'WebhookSecretArn',
      this.secrets.webhook.secretArn,
      'Fanvue webhook signing secret; the endpoint is <DashboardUrl>/api/webhooks/fanvue',
    );
    out(
      'ConnectionSecretPrefix',
      this.secrets.connectionSecretPrefix,
      'Name prefix of per-connection token secrets ({"refreshToken"})',
    );
    out('UserPoolId', this.auth.userPool.userPoolId, 'Staff sign-in; create the first owner as in docs/deploy.md');
    out('SignInUrl', this.auth.domain.baseUrl(), 'Managed login of the dashboard');
    out('TransactionsTableName', this.tables.transactions.tableName, 'Transactions table');
    out('ControlTableName', this.tables.control.tableName, 'Models, cursors, status');
    out('TotalsTableName', this.tables.totals.tableName, 'Revenue totals');
  }
}

/** Nearest CloudWatch Logs retention at or above `days`. */
function toRetention(days: number): logs.RetentionDays {
  const allowed = [
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
  ];
  const match = allowed.find((d) => d >= days) ?? 3653;
  return match as logs.RetentionDays;
}
