/**
 * Child-process fixture: starts the local stack on the port in STACK_PORT (bypassing
 * `npm start`'s port check), then stops it. Exit 0 when it started; when it did not, exit 3
 * with the error on stderr and, on stdout, how many DynamoDB Local (java) child processes are
 * still running at that moment: a failed start must have stopped them all itself.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { silentLogger } from '../../lambdas/shared/logger';
import { startLocalStack } from '../../local/stack';

/** Live child processes of `pid` running `comm` (the program name), from /proc (Linux). */
function childPids(pid: number, comm: string): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((name) => {
      try {
        const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
        const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        return Number(ppid) === pid && state !== 'Z' && readFileSync(`/proc/${name}/comm`, 'utf8').trim() === comm;
      } catch {
        return false; // exited meanwhile
      }
    })
    .map(Number);
}

try {
  const stack = await startLocalStack({
    port: Number(process.env.STACK_PORT ?? 0),
    lambdaPort: 0,
    liveEveryMs: 0,
    webhooks: false,
    logger: silentLogger,
    simulator: { creators: 1, history: 5 },
  });
  await stack.stop();
} catch (err) {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  // Only DynamoDB Local's JVM counts: the TypeScript loader may keep its own helper process.
  process.stdout.write(`java children left: ${childPids(process.pid, 'java').length}\n`);
  process.exit(3);
}
