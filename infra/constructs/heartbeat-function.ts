import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

/** The handler modules under `lambdas/handlers/`, one per function. */
export type HandlerName = 'sync' | 'fanout' | 'aggregate' | 'reconcile' | 'api' | 'export';

/** Project root (two levels above this file). */
export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Node version esbuild targets; matches {@link HEARTBEAT_RUNTIME}. */
export const BUNDLE_TARGET = 'node24';

/** The one runtime of every function. */
export const HEARTBEAT_RUNTIME = lambda.Runtime.NODEJS_24_X;

/**
 * ESM output needs `require` for CommonJS dependencies that call it (e.g. for Node builtins).
 * Shared with the bundle benchmark so both build the same artefact.
 */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __heartbeatCreateRequire } from 'node:module'; const require = __heartbeatCreateRequire(import.meta.url);";

/**
 * Packages kept out of the bundle: none. Every bundle carries the pinned AWS SDK (the lockfile's
 * versions, not whatever the runtime ships that day), and imports faster than with the runtime's
 * copy: `bench/bundles.ts` measures both ways, the README has the figures.
 */
export const EXTERNAL_MODULES: string[] = [];

/** Absolute path of a handler's entry file. */
export function handlerEntry(handler: HandlerName): string {
  return join(PROJECT_ROOT, 'lambdas', 'handlers', `${handler}.ts`);
}

/** Settings of one Heartbeat Lambda; everything else is fixed by {@link HeartbeatFunction}. */
export interface HeartbeatFunctionProps {
  /** Which module of `lambdas/handlers/` to bundle (its `handler` export is the entry point). */
  readonly handler: HandlerName;
  /** Shown in the console. */
  readonly description: string;
  /** @default Duration.seconds(30) */
  readonly timeout?: Duration;
  /** @default 256 */
  readonly memorySize?: number;
  /** Handler-specific variables; `POWERTOOLS_SERVICE_NAME`, `LOG_LEVEL` and `NODE_OPTIONS` are added. */
  readonly environment?: Record<string, string>;
  /** Log level passed as `LOG_LEVEL`. @default 'INFO' */
  readonly logLevel?: string;
  /** @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
  /** @default - no reserved concurrency */
  readonly reservedConcurrentExecutions?: number;
  /** Queue for failed async invocations after Lambda's own retries. @default - none */
  readonly deadLetterQueue?: sqs.IQueue;
}

/**
 * The only Lambda function construct of the stack: Node.js 24 on ARM, no X-Ray (see `tracing` below),
 * a log group with retention, an execution role that may write only to that log group,
 * and an ESM bundle that is minified, tree-shaken and carries source maps.
 */
export class HeartbeatFunction extends NodejsFunction {
  /** The execution role (always created here, never imported). */
  readonly executionRole: iam.IRole;

  constructor(scope: Construct, id: string, props: HeartbeatFunctionProps) {
    const entry = handlerEntry(props.handler);
    if (!existsSync(entry))
      throw new Error(`missing Lambda entry lambdas/handlers/${props.handler}.ts (it must export \`handler\`)`);
    const logGroup = new logs.LogGroup(scope, `${id}Logs`, {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // Own role instead of AWSLambdaBasicExecutionRole: log writes are scoped to this log group.
    const role = new iam.Role(scope, `${id}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of the ${props.handler} function`,
    });
    logGroup.grantWrite(role);
    super(scope, id, {
      entry,
      handler: 'handler',
      description: props.description,
      runtime: HEARTBEAT_RUNTIME,
      architecture: lambda.Architecture.ARM_64,
      timeout: props.timeout ?? Duration.seconds(30),
      memorySize: props.memorySize ?? 256,
      // No X-Ray: nothing instruments the SDK clients or Fanvue calls, so traces would be empty invocation
      // segments billed per request; logs carry request id and modelId, metrics the outcomes.
      tracing: lambda.Tracing.DISABLED,
      role,
      logGroup,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      deadLetterQueue: props.deadLetterQueue,
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
      environment: {
        ...props.environment,
        POWERTOOLS_SERVICE_NAME: 'revenue-heartbeat',
        LOG_LEVEL: props.logLevel ?? 'INFO',
        NODE_OPTIONS: '--enable-source-maps',
      },
      bundling: {
        format: OutputFormat.ESM,
        target: BUNDLE_TARGET,
        minify: true,
        sourceMap: true,
        sourceMapMode: SourceMapMode.DEFAULT,
        sourcesContent: false,
        mainFields: ['module', 'main'],
        banner: ESM_REQUIRE_BANNER,
        externalModules: EXTERNAL_MODULES,
        tsconfig: join(PROJECT_ROOT, 'tsconfig.json'),
      },
    });
    this.executionRole = role;
  }
}
