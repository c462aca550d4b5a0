import type { DemoUser } from './auth';

/** What `npm start` prints once the stack runs: every line follows from the options it ran with. */
export interface StartBannerInput {
  url: string;
  /** The local OpenID Connect issuer. */
  issuer: string;
  demoUsers: readonly Pick<DemoUser, 'role' | 'email' | 'password'>[];
  apiKey: string;
  cronSecret: string;
  intervalMs: number;
  /** Ids of the models the fan-out syncs (none with `--no-demo-models`). */
  modelIds: readonly string[];
  simulatorUrl: string;
  /** A simulated sale every this many ms; 0 = no new sales (`--live 0`). */
  liveEveryMs: number;
  /** The simulator sends signed webhooks for new sales (false with `--no-webhooks`). */
  webhooks: boolean;
}

/** `90 s`, `10 min`, `1 h`, `500 ms`: the largest unit that divides the duration. */
export function formatDuration(ms: number): string {
  if (ms > 0 && ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms > 0 && ms % 60_000 === 0) return `${ms / 60_000} min`;
  if (ms % 1_000 === 0) return `${ms / 1_000} s`;
  return `${ms} ms`;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** The lines about new sales: live or off, and how a sale reaches the dashboard (webhook or schedule). */
function salesLines(s: StartBannerInput): string[] {
  const live = s.liveEveryMs > 0;
  const fanvue = live
    ? `simulator at ${s.simulatorUrl}, a new sale every ${formatDuration(s.liveEveryMs)}`
    : `simulator at ${s.simulatorUrl}, no new sales (--live 0): the history only`;
  const webhooks = !s.webhooks
    ? `off (--no-webhooks): ${live ? 'new sales wait for the next sync cycle' : 'none would be sent'}`
    : live
      ? `each sale is a signed webhook to ${s.url}/api/webhooks/fanvue, which syncs that model at once`
      : `on, to ${s.url}/api/webhooks/fanvue (nothing to send while there are no new sales)`;
  return [`  Fanvue        ${fanvue}`, `  Webhooks      ${webhooks}`];
}

/** The banner `npm start` prints. */
export function startBanner(s: StartBannerInput): string {
  const models = s.modelIds.length;
  const fanout =
    models === 0
      ? 'no models yet: connect the simulator from the dashboard (Fanvue accounts)'
      : `fan-out over ${plural(models, 'model', 'models')}`;
  const manual =
    models === 0
      ? '  Manual sync   npm run invoke -- fanout'
      : `  Manual sync   npm run invoke -- sync ${s.modelIds[0]}      (or: npm run invoke -- fanout)`;
  return [
    '',
    'Revenue Heartbeat is running locally.',
    '',
    `  Dashboard     ${s.url}   (sign in with one of the demo users below)`,
    `  Sign-in       local OpenID Connect issuer at ${s.issuer} (authorization code + PKCE)`,
    ...s.demoUsers.map((u) => `                ${u.role.padEnd(6)}  ${u.email}  password ${u.password}`),
    `  Wall display  ${s.url}/#key=${s.apiKey}   (read-only access key)`,
    `  Sync cycle    every ${formatDuration(s.intervalMs)} (${fanout}), first one now`,
    manual,
    `                curl -X POST ${s.url}/api/sync -H 'x-cron-secret: ${s.cronSecret}'`,
    ...salesLines(s),
    '',
    'The demo passwords and the key are local only, new on every start; the page drops the key from the address bar.',
    'Invitations sent from the Members page are printed here (locally there is no e-mail).',
    'Ctrl-C stops everything.',
    '',
  ].join('\n');
}
