import { CfnElement, Stack, Validations } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';

/**
 * cdk-nag acknowledgements that recur across constructs. Each one names the granular
 * finding (`AwsSolutions-IAM5[Resource::...]`) so that a new, different wildcard still fails synth.
 */

/** The `<LogicalId.Arn>` form cdk-nag uses for a resource's `Fn::GetAtt Arn`. */
export function nagArnRef(resource: IConstruct): string {
  const cfn = resource.node.defaultChild;
  if (!(cfn instanceof CfnElement)) throw new Error(`${resource.node.path} has no CloudFormation resource`);
  return `<${Stack.of(resource).getLogicalId(cfn)}.Arn>`;
}

/** `table/index/*` from a grant on a table that has GSIs. */
export function acknowledgeIndexAccess(role: iam.IRole, table: IConstruct): void {
  Validations.of(role).acknowledge({
    id: `AwsSolutions-IAM5[Resource::${nagArnRef(table)}/index/*]`,
    reason:
      'Access to the GSIs of one table this function uses (index names are part of the table definition); no other table is reachable.',
  });
}

/** `function:*` from grantInvoke: the function's versions and aliases. */
export function acknowledgeInvokeQualifiers(role: iam.IRole, fn: IConstruct): void {
  Validations.of(role).acknowledge({
    id: `AwsSolutions-IAM5[Resource::${nagArnRef(fn)}:*]`,
    reason:
      'lambda:InvokeFunction on one function and its qualified versions/aliases (grantInvoke); no other function is reachable.',
  });
}
