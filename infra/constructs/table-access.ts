import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';

/** The DynamoDB actions our functions use; a grant names exactly the ones a function calls. */
export type TableAction =
  | 'dynamodb:GetItem'
  | 'dynamodb:BatchGetItem'
  | 'dynamodb:Query'
  | 'dynamodb:Scan'
  | 'dynamodb:PutItem'
  | 'dynamodb:UpdateItem'
  | 'dynamodb:DeleteItem'
  | 'dynamodb:BatchWriteItem';

/** Options of {@link grantTable}. */
export interface TableGrantOptions {
  /** GSIs the actions also apply to (by name; never `index/*`). @default none */
  readonly indexes?: readonly string[];
  /**
   * Only items whose partition key starts with one of these prefixes
   * (`dynamodb:LeadingKeys`, ForAllValues:StringLike). @default any item
   */
  readonly leadingKeyPrefixes?: readonly string[];
}

/**
 * Grants exactly `actions` on `table` (and the named indexes), optionally only on items
 * whose partition key has one of the given prefixes. Used instead of `grantReadData` /
 * `grantReadWriteData`, which include Scan and every write.
 */
export function grantTable(
  grantee: iam.IGrantable,
  table: dynamodb.ITableV2,
  actions: readonly TableAction[],
  options: TableGrantOptions = {},
): void {
  const resources = [table.tableArn, ...(options.indexes ?? []).map((i) => `${table.tableArn}/index/${i}`)];
  const prefixes = options.leadingKeyPrefixes;
  grantee.grantPrincipal.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: [...actions],
      resources,
      ...(prefixes && {
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': prefixes.map((p) => `${p}*`) } },
      }),
    }),
  );
}
