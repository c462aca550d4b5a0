import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, inject, it } from 'vitest';
import { freshTables } from '../support/ddb';

const root = resolve(import.meta.dirname, '../..');
const LOOPBACK = new Set(['0100007F', '0000000000000000FFFF00000100007F', '00000000000000000000000001000000']);

/** Local addresses of the sockets listening on `port`, as the kernel lists them (no traffic sent). */
function listeningAddresses(port: number): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const out: string[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!existsSync(table)) continue;
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      const [address, p] = (local ?? '').split(':');
      if (state === '0A' && p === hexPort && address) out.push(address);
    }
  }
  return out;
}

describe('DynamoDB Local bootstrap', () => {
  it('creates the shared table definitions with the transactions stream and the agency index', async () => {
    const { client, names } = await freshTables();
    const tx = await client.send(new DescribeTableCommand({ TableName: names.transactions }));
    expect(tx.Table?.StreamSpecification).toEqual({ StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' });
    const control = await client.send(new DescribeTableCommand({ TableName: names.control }));
    expect(control.Table?.GlobalSecondaryIndexes?.map((g) => g.IndexName)).toEqual(['byAgency']);
  });

  it.runIf(existsSync('/proc/net/tcp'))('listens on the loopback address only', () => {
    const listening = listeningAddresses(Number(new URL(inject('ddbEndpoint')).port));
    expect(listening.length).toBeGreaterThan(0);
    expect(listening.filter((a) => !LOOPBACK.has(a))).toEqual([]);
  });

  it('runs with telemetry off: no metadata file, in the project or in its cache', () => {
    expect(existsSync(join(root, 'dynamodb-local-metadata.json'))).toBe(false);
    expect(existsSync(join(root, '.cache', 'dynamodb-local', 'dynamodb-local-metadata.json'))).toBe(false);
  });
});
