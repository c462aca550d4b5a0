import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { inject } from 'vitest';

/** One DynamoDB permission a request needs: the IAM action, the table (and index), the partition keys. */
export interface DynamoCall {
  action: string;
  table: string;
  index?: string;
  /** Partition key values the request touches (what `dynamodb:LeadingKeys` is evaluated on). */
  leadingKeys: string[];
}

type Attr = Record<string, { S?: string } | undefined>;
interface Body {
  TableName?: string;
  IndexName?: string;
  Key?: Attr;
  Item?: Attr;
  KeyConditionExpression?: string;
  ExpressionAttributeValues?: Attr;
  ExpressionAttributeNames?: Record<string, string>;
  RequestItems?: Record<string, { Keys?: Attr[] } | { PutRequest?: { Item: Attr }; DeleteRequest?: { Key: Attr } }[]>;
  TransactItems?: Record<string, { TableName: string; Key?: Attr; Item?: Attr }>[];
}

const pkOf = (a: Attr | undefined): string[] => (a?.pk?.S !== undefined ? [a.pk.S] : []);

/** The permissions one wire request (`X-Amz-Target` + JSON body) needs, as IAM evaluates them. */
export function callsOf(target: string, body: Body): DynamoCall[] {
  const op = target.split('.')[1] ?? target;
  const action = `dynamodb:${op}`;
  switch (op) {
    case 'GetItem':
    case 'DeleteItem':
    case 'UpdateItem':
      return [{ action, table: body.TableName ?? '', leadingKeys: pkOf(body.Key) }];
    case 'PutItem':
      return [{ action, table: body.TableName ?? '', leadingKeys: pkOf(body.Item) }];
    case 'Scan':
      return [
        { action, table: body.TableName ?? '', ...(body.IndexName && { index: body.IndexName }), leadingKeys: [] },
      ];
    case 'Query': {
      // The partition key's value: the first `<name> = :value` of the key condition.
      const m = /([#\w]+)\s*=\s*(:\w+)/.exec(body.KeyConditionExpression ?? '');
      const value = m?.[2] ? body.ExpressionAttributeValues?.[m[2]]?.S : undefined;
      return [
        {
          action,
          table: body.TableName ?? '',
          ...(body.IndexName && { index: body.IndexName }),
          leadingKeys: value === undefined ? [] : [value],
        },
      ];
    }
    case 'BatchGetItem':
      return Object.entries(body.RequestItems ?? {}).map(([table, r]) => ({
        action,
        table,
        leadingKeys: ((r as { Keys?: Attr[] }).Keys ?? []).flatMap(pkOf),
      }));
    case 'BatchWriteItem':
      return Object.entries(body.RequestItems ?? {}).map(([table, r]) => ({
        action,
        table,
        leadingKeys: (r as { PutRequest?: { Item: Attr }; DeleteRequest?: { Key: Attr } }[]).flatMap((w) =>
          pkOf(w.PutRequest?.Item ?? w.DeleteRequest?.Key),
        ),
      }));
    case 'TransactWriteItems':
    case 'TransactGetItems':
      // Transactions need the permission of each item's own action.
      return (body.TransactItems ?? []).flatMap((t) =>
        Object.entries(t).map(([kind, x]) => ({
          action: `dynamodb:${{ Put: 'PutItem', Update: 'UpdateItem', Delete: 'DeleteItem', ConditionCheck: 'ConditionCheckItem', Get: 'GetItem' }[kind] ?? kind}`,
          table: x.TableName,
          leadingKeys: pkOf(x.Key ?? x.Item),
        })),
      );
    default:
      return [{ action, table: body.TableName ?? '', leadingKeys: [] }];
  }
}

/**
 * A document client on DynamoDB Local that records, from the wire, the permission every
 * request needs; a test then checks each against the synthesized IAM policy of a function.
 */
export function recordingDoc(endpoint = inject('ddbEndpoint')): { doc: DynamoDBDocumentClient; calls: DynamoCall[] } {
  const calls: DynamoCall[] = [];
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  client.middlewareStack.add(
    (next) => async (args) => {
      const request = args.request as { headers?: Record<string, string>; body?: unknown };
      const target = Object.entries(request.headers ?? {}).find(([k]) => k.toLowerCase() === 'x-amz-target')?.[1];
      const body = request.body;
      const text =
        typeof body === 'string' ? body : body instanceof Uint8Array ? new TextDecoder().decode(body) : undefined;
      if (target && text) calls.push(...callsOf(target, JSON.parse(text) as Body));
      return next(args);
    },
    { step: 'build', name: 'recordDynamoCalls' },
  );
  return { doc: DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } }), calls };
}
