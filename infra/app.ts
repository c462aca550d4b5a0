import { resolve } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readStackConfig } from './config';
import { PROJECT_ROOT } from './constructs/heartbeat-function';
import { ensureFrontendBuild } from './frontend-build';
import { RevenueHeartbeatStack } from './stack';

/**
 * Builds the CDK app. Account and region come from the CLI's environment
 * (`CDK_DEFAULT_ACCOUNT` / `CDK_DEFAULT_REGION`); without them a dummy account and
 * us-east-1 keep `cdk synth` working offline. cdk-nag's AWS Solutions pack runs on every synth.
 */
export function buildApp(app: App = new App()): { app: App; stack: RevenueHeartbeatStack } {
  const config = readStackConfig(app.node);
  const stack = new RevenueHeartbeatStack(app, 'RevenueHeartbeat', {
    description: 'Revenue Heartbeat: Fanvue earnings sync, exact totals and dashboard',
    env: {
      account: process.env.CDK_DEFAULT_ACCOUNT ?? '000000000000',
      region: process.env.CDK_DEFAULT_REGION ?? 'us-east-1',
    },
    config,
    frontendDistPath: resolve(PROJECT_ROOT, config.frontendDist),
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return { app, stack };
}

if (process.argv[1]?.endsWith('infra/app.ts')) {
  try {
    // Every CDK command (bootstrap, diff, deploy, destroy) synthesizes first: a fresh clone builds the dashboard here.
    const app = new App();
    const distPath = resolve(PROJECT_ROOT, readStackConfig(app.node).frontendDist);
    await ensureFrontendBuild(distPath, (line) => console.error(line));
    buildApp(app).app.synth();
  } catch (error) {
    // A short message for configuration problems (missing frontend build, bad context); the CLI reports the exit code.
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  }
}
