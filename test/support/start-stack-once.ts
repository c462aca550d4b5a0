/**
 * Child-process fixture: starts the local stack on the port in STACK_PORT (bypassing
 * `npm start`'s port check), then stops it. With STACK_DDB_ENDPOINT the stack uses that
 * DynamoDB Local (tables under a prefix of its own); without it the stack starts its own JVM.
 * Exit 0 when it started; when it did not, exit 3 with the error on stderr and, on stdout, how
 * many DynamoDB Local (java) child processes were seen during the start and how many are still
 * running at that moment: a failed start must have stopped them all itself.
 */
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { silentLogger } from '../../lambdas/shared/logger';
import { startLocalStack } from '../../local/stack';

/** Live java child processes of `pid` running DynamoDB Local (not `java -version`), from /proc (Linux). */
function dynamoDbLocalChildren(pid: number): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((name) => {
      try {
        const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
        const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        return (
          Number(ppid) === pid &&
          state !== 'Z' &&
          readFileSync(`/proc/${name}/comm`, 'utf8').trim() === 'java' &&
          readFileSync(`/proc/${name}/cmdline`, 'utf8').includes('DynamoDBLocal')
        );
      } catch {
        return false; // exited meanwhile
      }
    })
    .map(Number);
}

const endpoint = process.env.STACK_DDB_ENDPOINT;
// Sampled while the stack starts, to show a JVM really was started (or, with an endpoint, never was).
const seen = new Set<number>();
const sample = () => {
  for (const pid of dynamoDbLocalChildren(process.pid)) seen.add(pid);
};
const sampler = setInterval(sample, 25);
try {
  const stack = await startLocalStack({
    ...(endpoint && { dynamoDbEndpoint: endpoint, tablePrefix: `start${randomUUID().slice(0, 8)}` }),
    port: Number(process.env.STACK_PORT ?? 0),
    lambdaPort: 0,
    liveEveryMs: 0,
    webhooks: false,
    logger: silentLogger,
    simulator: { creators: 1, history: 5 },
  });
  clearInterval(sampler);
  await stack.stop();
} catch (err) {
  clearInterval(sampler);
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  // Only DynamoDB Local's JVM counts: the TypeScript loader may keep its own helper process.
  const left = dynamoDbLocalChildren(process.pid).length;
  process.stdout.write(`java children started: ${seen.size}, left: ${left}\n`);
  process.exit(3);
}
