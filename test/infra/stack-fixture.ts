import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { buildApp } from '../../infra/app';
import type { RevenueHeartbeatStack } from '../../infra/stack';

/** One synthesized copy of the stack, as the tests read it. */
export interface SynthesizedStack {
  readonly stack: RevenueHeartbeatStack;
  readonly template: Template;
  readonly assembly: CloudAssembly;
}

/**
 * Builds and synthesizes the real app (cdk-nag included) with bundling skipped and the
 * frontend pointed at a throwaway folder. `context` overrides cdk.json-style values.
 */
export function synthStack(context: Record<string, unknown> = {}): SynthesizedStack {
  const dist = mkdtempSync(join(tmpdir(), 'heartbeat-dist-'));
  writeFileSync(join(dist, 'index.html'), '<!doctype html><title>test</title>');
  const app = new App({
    outdir: mkdtempSync(join(tmpdir(), 'heartbeat-cdk-out-')),
    context: { 'aws:cdk:bundling-stacks': [], frontendDist: dist, ...context },
  });
  const { stack } = buildApp(app);
  const assembly = app.synth();
  return { stack, template: Template.fromStack(stack), assembly };
}

/** A violation in the policy validation report that no acknowledgement covers. */
export interface ReportedViolation {
  readonly ruleName: string;
  readonly severity?: string;
  readonly resources: readonly string[];
}

/** Unacknowledged cdk-nag findings (errors and warnings) from the assembly's validation report. */
export function unacknowledgedFindings(assembly: CloudAssembly): ReportedViolation[] {
  const file = join(assembly.directory, 'validation-report.json');
  if (!existsSync(file)) return [];
  const report = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  return collect(report);
}

function collect(report: unknown): ReportedViolation[] {
  const out: ReportedViolation[] = [];
  const plugins = (report as { pluginReports?: { violations?: unknown[] }[] }).pluginReports ?? [];
  for (const plugin of plugins) {
    for (const v of plugin.violations ?? []) {
      const violation = v as {
        ruleName: string;
        severity?: string;
        violatingConstructs?: { constructPath?: string }[];
        violatingResources?: { resourceLogicalId?: string }[];
      };
      const resources = [
        ...(violation.violatingConstructs ?? []).map((c) => c.constructPath ?? '?'),
        ...(violation.violatingResources ?? []).map((r) => r.resourceLogicalId ?? '?'),
      ];
      out.push({ ruleName: violation.ruleName, severity: violation.severity, resources });
    }
  }
  return out;
}
