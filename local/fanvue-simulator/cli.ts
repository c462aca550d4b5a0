/**
 * Runs the Fanvue simulator until Ctrl-C:
 * `npm run simulator -- --port 4010 --creators 12 --history 500 --live 5000`.
 * Prints the base URL, the (fake, local) client credentials and one seeded
 * refresh token per creator plus one agency token.
 */
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { createFanvueSimulator } from './simulator';

const ArgsSchema = z.object({
  port: z.coerce.number().int().min(0).max(65_535).default(4010),
  creators: z.coerce.number().int().min(0).default(3),
  history: z.coerce.number().int().min(0).default(100),
  'history-days': z.coerce.number().positive().default(30),
  seed: z.coerce.number().int().default(1),
  live: z.coerce.number().int().min(0).default(0),
  'rows-per-tick': z.coerce.number().int().min(1).default(1),
  order: z.enum(['desc', 'asc']).default('desc'),
  'no-ids': z.boolean().default(false),
  'identical-rows': z.boolean().default(false),
});

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    creators: { type: 'string' },
    history: { type: 'string' },
    'history-days': { type: 'string' },
    seed: { type: 'string' },
    live: { type: 'string' },
    'rows-per-tick': { type: 'string' },
    order: { type: 'string' },
    'no-ids': { type: 'boolean' },
    'identical-rows': { type: 'boolean' },
  },
});
const parsed = ArgsSchema.safeParse(values);
if (!parsed.success) {
  process.stderr.write(`invalid arguments:\n${z.prettifyError(parsed.error)}\n`);
  process.exit(2);
}
const args = parsed.data;

const sim = await createFanvueSimulator({
  port: args.port,
  creators: args.creators,
  history: args.history,
  historyDays: args['history-days'],
  seed: args.seed,
  order: args.order,
  withIds: !args['no-ids'],
  identicalRows: args['identical-rows'],
});
if (args.live > 0) sim.startLive({ intervalMs: args.live, rowsPerTick: args['rows-per-tick'] });

const out: string[] = [
  `fanvue simulator listening on ${sim.baseUrl} (oauth: ${sim.authBaseUrl}/oauth2/token)`,
  `client id: ${sim.clientId}`,
  `client secret: ${sim.clientSecret}`,
  `agency refresh token: ${sim.createConnection({ agency: true }).refreshToken}`,
  ...sim.creators.map(
    (c) =>
      `creator ${c.uuid} ${c.handle} refresh token: ${sim.createConnection({ creatorUuids: [c.uuid] }).refreshToken}`,
  ),
  args.live > 0 ? `live: ${args['rows-per-tick']} row(s) every ${args.live} ms` : 'live: off',
  'press Ctrl-C to stop',
];
process.stdout.write(`${out.join('\n')}\n`);

const shutdown = (): void => {
  sim.stop().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
