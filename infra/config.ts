import type { Node } from 'constructs';
import { z } from 'zod';
import {
  DEFAULT_AUDIT_DAYS,
  DEFAULT_FANOUT_CONCURRENCY,
  DEFAULT_SCHEDULE_MINUTES,
  DEFAULT_SYNC_BUDGET_MS,
  DEFAULT_SYNC_LOOKBACK_MINUTES,
  DEFAULT_SYNC_RESERVED_CONCURRENCY,
  FANVUE_API_BASE_URL,
  FANVUE_AUTH_BASE_URL,
} from '../lambdas/shared/defaults';
import { DEFAULT_ROUTE_LIMITS } from './constructs/api-edge';

/** Whole minutes from a CDK context value (CLI `-c key=value` gives strings, cdk.json gives numbers). */
const intFromContext = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/**
 * Deploy-time settings, read from CDK context (cdk.json defaults, `-c key=value` overrides)
 * and validated once. Every field has a default so `cdk synth` works with no context at all.
 */
export const StackConfigSchema = z.object({
  /** Minutes between scheduled syncs. @default 10 */
  scheduleMinutes: intFromContext(1, 1440).default(DEFAULT_SCHEDULE_MINUTES),
  /**
   * Reserved concurrency of the sync Lambda; 0 = no reservation. Opt-in: AWS refuses a reservation that
   * leaves less than 100 of the account's concurrency unreserved, so on a new account (often 10 in
   * total) any reservation fails the deploy. @default 0
   */
  syncReservedConcurrency: intFromContext(0, 1000).default(DEFAULT_SYNC_RESERVED_CONCURRENCY),
  /** How many async sync invocations the fan-out keeps in flight. @default 10 */
  fanoutConcurrency: intFromContext(1, 100).default(DEFAULT_FANOUT_CONCURRENCY),
  /** Work budget of one sync invocation, in seconds; the Lambda timeout is set above it. @default 240 */
  syncBudgetSeconds: intFromContext(10, 840).default(DEFAULT_SYNC_BUDGET_MS / 1000),
  /** Look-back overlap of every incremental window, in minutes (matches the sync handler default). @default 60 */
  syncLookbackMinutes: intFromContext(0, 1440).default(DEFAULT_SYNC_LOOKBACK_MINUTES),
  /** Days of history the daily source audit re-reads from Fanvue per model. @default 7 */
  auditDays: intFromContext(1, 90).default(DEFAULT_AUDIT_DAYS),
  /** Hour (UTC) of the daily reconciliation run. @default 3 */
  reconcileHourUtc: intFromContext(0, 23).default(3),
  /** Fanvue API base URL. @default FANVUE_API_BASE_URL */
  fanvueApiBaseUrl: z.string().url().default(FANVUE_API_BASE_URL),
  /** Fanvue OAuth base URL. @default FANVUE_AUTH_BASE_URL */
  fanvueAuthBaseUrl: z.string().url().default(FANVUE_AUTH_BASE_URL),
  /** Optional e-mail subscribed to the alarm topic; no topic when empty. */
  alarmEmail: z
    .string()
    .email()
    .optional()
    .or(z.literal('').transform(() => undefined)),
  /** Log level of every function. @default INFO */
  logLevel: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR']).default('INFO'),
  /** Days of log retention for function and access logs. @default 30 */
  logRetentionDays: intFromContext(1, 3653).default(30),
  /** HTTP API stage throttling: steady requests per second and burst. @default 50 / 100 */
  apiRateLimit: intFromContext(1, 10_000).default(50),
  apiBurstLimit: intFromContext(1, 5_000).default(100),
  /** DynamoDB deletion protection on the three tables; turn on after the first successful deploy. @default false */
  tableDeletionProtection: z
    .union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')])
    .default(false),
  /** Own throttle of `POST /api/webhooks/fanvue` (requests per second / burst). @default 10 / 20 */
  webhookRateLimit: intFromContext(1, 10_000).default(DEFAULT_ROUTE_LIMITS['POST /api/webhooks/fanvue'].rateLimit),
  webhookBurstLimit: intFromContext(1, 5_000).default(DEFAULT_ROUTE_LIMITS['POST /api/webhooks/fanvue'].burstLimit),
  /** Own throttle of `POST /api/sync`. @default 1 / 5 */
  manualSyncRateLimit: intFromContext(1, 10_000).default(DEFAULT_ROUTE_LIMITS['POST /api/sync'].rateLimit),
  manualSyncBurstLimit: intFromContext(1, 5_000).default(DEFAULT_ROUTE_LIMITS['POST /api/sync'].burstLimit),
  /**
   * Custom domain of the HTTP API (with `apiCertificateArn`, a regional ACM certificate in the
   * stack's region): CloudFront reaches the API by this name and the execute-api endpoint is disabled.
   */
  apiDomainName: z
    .string()
    .regex(/^(?=.{1,253}$)([a-z0-9-]{1,63}\.)+[a-z]{2,63}$/i, 'a host name such as api.example.com')
    .optional(),
  apiCertificateArn: z
    .string()
    .regex(/^arn:aws[a-z-]*:acm:/, 'an ACM certificate ARN')
    .optional(),
  /** Version id of the origin secret that CloudFront sends; set it to roll a rotated value (docs/deploy.md). @default the current version at deploy */
  originSecretVersion: z
    .string()
    .regex(/^[A-Za-z0-9-]{32,64}$/, 'a Secrets Manager version id')
    .optional(),
  /** Folder of the built frontend, relative to the project root. @default frontend/dist */
  frontendDist: z.string().min(1).default('frontend/dist'),
  /** Prefix of the Cognito managed login domain, unique in the region. @default 'heartbeat-<account id>' */
  authDomainPrefix: z
    .string()
    .regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, 'lowercase letters, digits and hyphens')
    .optional(),
});

/** Validated deploy-time settings. */
export type StackConfig = z.infer<typeof StackConfigSchema>;

/** Context keys read by {@link readStackConfig}. */
export const CONTEXT_KEYS = Object.keys(StackConfigSchema.shape) as (keyof StackConfig)[];

/**
 * Reads and validates the stack settings from CDK context.
 * @throws Error naming every invalid key.
 */
export function readStackConfig(node: Node): StackConfig {
  const raw: Record<string, unknown> = {};
  for (const key of CONTEXT_KEYS) {
    const value: unknown = node.tryGetContext(key);
    if (value !== undefined && value !== null) raw[key] = value;
  }
  const parsed = StackConfigSchema.safeParse(raw);
  if (!parsed.success) {
    throw new Error(`invalid CDK context:\n${z.prettifyError(parsed.error)}`);
  }
  return parsed.data;
}
