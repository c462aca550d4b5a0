import { CfnElement, Stack } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';

/** A CloudFormation resource as it appears in the template JSON. */
export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
}

/** One IAM policy statement, normalised to arrays. */
export interface Statement {
  readonly actions: string[];
  readonly resources: unknown[];
  readonly conditions?: Record<string, Record<string, unknown>>;
}

/** All resources of `type`, keyed by logical id. */
export function resourcesOf(template: Template, type: string): Record<string, CfnResource> {
  return template.findResources(type) as Record<string, CfnResource>;
}

/** The single logical id of the function whose handler module is `lambdas/handlers/<name>.ts` (by its Description). */
export function functionId(template: Template, descriptionStart: string): string {
  const ids = Object.entries(resourcesOf(template, 'AWS::Lambda::Function'))
    .filter(([, r]) => String(r.Properties?.Description ?? '').startsWith(descriptionStart))
    .map(([id]) => id);
  if (ids.length !== 1) throw new Error(`expected one function described '${descriptionStart}…', found ${ids.length}`);
  return ids[0] as string;
}

/** The function resource with that logical id. */
export function fn(template: Template, id: string): CfnResource {
  const r = resourcesOf(template, 'AWS::Lambda::Function')[id];
  if (!r) throw new Error(`no function ${id}`);
  return r;
}

/** Every statement of every policy attached to the function's execution role. */
export function roleStatements(template: Template, functionLogicalId: string): Statement[] {
  const role = fn(template, functionLogicalId).Properties?.Role as { 'Fn::GetAtt'?: [string, string] } | undefined;
  const roleId = role?.['Fn::GetAtt']?.[0];
  if (!roleId) throw new Error(`function ${functionLogicalId} has no role reference`);
  const out: Statement[] = [];
  for (const policy of Object.values(resourcesOf(template, 'AWS::IAM::Policy'))) {
    const roles = (policy.Properties?.Roles ?? []) as { Ref?: string }[];
    if (!roles.some((r) => r.Ref === roleId)) continue;
    const doc = policy.Properties?.PolicyDocument as {
      Statement: { Action: string | string[]; Resource: unknown; Condition?: Statement['conditions'] }[];
    };
    for (const s of doc.Statement)
      out.push({
        actions: [s.Action].flat(),
        resources: [s.Resource].flat(),
        ...(s.Condition && { conditions: s.Condition }),
      });
  }
  return out;
}

/** Logical ids a resource value refers to (Ref / Fn::GetAtt, also inside Fn::Join). */
export function referencedIds(value: unknown): string[] {
  const ids: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) {
      v.forEach(walk);
      return;
    }
    if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (typeof o.Ref === 'string') ids.push(o.Ref);
      const att = o['Fn::GetAtt'];
      if (Array.isArray(att) && typeof att[0] === 'string') ids.push(att[0]);
      Object.values(o).forEach(walk);
    }
  };
  walk(value);
  return ids;
}

/** The template JSON of a resource value, for string matching of ARN patterns. */
export function flat(value: unknown): string {
  return JSON.stringify(value) ?? '';
}

/** Logical id of a construct's CloudFormation resource. */
export function logicalIdOf(construct: IConstruct): string {
  const cfn = construct.node.defaultChild;
  if (!(cfn instanceof CfnElement)) throw new Error(`${construct.node.path} has no default CloudFormation resource`);
  return Stack.of(construct).getLogicalId(cfn);
}
