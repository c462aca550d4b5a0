import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { type KeyAttribute, type TableDefinition, tableDefinitions } from '../../lambdas/shared/tables';

/** Options of {@link DataTables}. */
export interface DataTablesProps {
  /**
   * DynamoDB deletion protection. Off for the first deploy: a first deploy that rolls back must be able
   * to delete the tables it just created, and DeleteTable refuses a protected table (even for
   * CloudFormation). Turn it on (context `tableDeletionProtection`) once the stack exists.
   * @default false
   */
  readonly deletionProtection?: boolean;
}

const attribute = (key: KeyAttribute): dynamodb.Attribute => ({
  name: key.name,
  type: key.type === 'S' ? dynamodb.AttributeType.STRING : dynamodb.AttributeType.NUMBER,
});

/**
 * The three DynamoDB tables, built from the shared definitions in `lambdas/shared/tables.ts`
 * (the same objects the local bootstrap uses): keys, GSIs, stream and TTL come from there;
 * on-demand billing, point-in-time recovery and the retain policies are added here.
 */
export class DataTables extends Construct {
  /** Transactions, one item per Fanvue row; its stream feeds the aggregator. */
  readonly transactions: dynamodb.TableV2;
  /** Model records (config, cursor, status, lease) and token-refresh locks. */
  readonly control: dynamodb.TableV2;
  /** Per-model and per-agency totals and exactly-once markers. */
  readonly totals: dynamodb.TableV2;

  constructor(scope: Construct, id: string, props: DataTablesProps = {}) {
    super(scope, id);
    const build = (def: TableDefinition): dynamodb.TableV2 =>
      new dynamodb.TableV2(this, capitalize(def.id), {
        partitionKey: attribute(def.partitionKey),
        sortKey: attribute(def.sortKey),
        billing: dynamodb.Billing.onDemand(),
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        deletionProtection: props.deletionProtection ?? false,
        // Kept on stack delete and on replacement; deleted only when the deploy that created it rolls back.
        removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
        dynamoStream: def.stream === 'NEW_AND_OLD_IMAGES' ? dynamodb.StreamViewType.NEW_AND_OLD_IMAGES : undefined,
        timeToLiveAttribute: def.timeToLiveAttribute,
        globalSecondaryIndexes: def.globalIndexes.map((gsi) => ({
          indexName: gsi.indexName,
          partitionKey: attribute(gsi.partitionKey),
          sortKey: gsi.sortKey ? attribute(gsi.sortKey) : undefined,
        })),
      });
    const built = new Map(tableDefinitions.map((def) => [def.id, build(def)] as const));
    this.transactions = mustGet(built, 'transactions');
    this.control = mustGet(built, 'control');
    this.totals = mustGet(built, 'totals');
  }
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function mustGet(map: Map<TableDefinition['id'], dynamodb.TableV2>, id: TableDefinition['id']): dynamodb.TableV2 {
  const table = map.get(id);
  if (!table) throw new Error(`table definition '${id}' is missing from lambdas/shared/tables.ts`);
  return table;
}
