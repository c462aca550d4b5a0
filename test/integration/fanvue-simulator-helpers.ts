import { afterEach } from 'vitest';
import {
  type EarningRow,
  EarningsPageSchema,
  FANVUE_API_VERSION,
  type TokenResponse,
  TokenResponseSchema,
} from '../../lambdas/adapters/fanvue/schema';
import {
  type ConnectionSpec,
  createFanvueSimulator,
  type FanvueSimulator,
  type FanvueSimulatorOptions,
} from '../../local/fanvue-simulator';

/** A controllable clock for the simulator's `now` option. */
export function testClock(start = Date.UTC(2025, 5, 1, 12)): { now: () => number; advance(ms: number): void } {
  let nowMs = start;
  return {
    now: () => nowMs,
    advance: (ms) => {
      nowMs += ms;
    },
  };
}

/** POSTs a form to the token endpoint with the given (default: correct) client credentials. */
export function tokenRequest(
  sim: FanvueSimulator,
  form: Record<string, string>,
  client = { id: sim.clientId, secret: sim.clientSecret },
): Promise<Response> {
  return fetch(`${sim.authBaseUrl}/oauth2/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${client.id}:${client.secret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams(form).toString(),
  });
}

/** A successful refresh, parsed with the client's schema. */
export async function refresh(sim: FanvueSimulator, refreshToken: string): Promise<TokenResponse> {
  const res = await tokenRequest(sim, { grant_type: 'refresh_token', refresh_token: refreshToken });
  if (res.status !== 200) throw new Error(`refresh failed with ${res.status}`);
  return TokenResponseSchema.parse(await res.json());
}

/** Seeds a connection and exchanges its refresh token for an access token. */
export async function connect(
  sim: FanvueSimulator,
  spec: ConnectionSpec,
): Promise<{ accessToken: string; refreshToken: string }> {
  const tokens = await refresh(sim, sim.createConnection(spec).refreshToken);
  return { accessToken: tokens.access_token, refreshToken: tokens.refresh_token ?? '' };
}

/** GET on the API host with a bearer token and (unless overridden) the supported API version. */
export function api(
  sim: FanvueSimulator,
  path: string,
  accessToken: string | undefined,
  version: string | null = FANVUE_API_VERSION,
): Promise<Response> {
  const headers: Record<string, string> = {};
  if (accessToken) headers.authorization = `Bearer ${accessToken}`;
  if (version !== null) headers['x-fanvue-api-version'] = version;
  return fetch(`${sim.baseUrl}${path}`, { headers });
}

/** The earnings path of a creator with a query. */
export function earningsPath(creatorUuid: string, query: Record<string, string | number> = {}): string {
  const qs = new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)])).toString();
  return `/creators/${creatorUuid}/insights/earnings${qs ? `?${qs}` : ''}`;
}

/** Follows `nextCursor` to the end; `between` runs after each page (to add rows mid-pagination). */
export async function readAll(
  sim: FanvueSimulator,
  creatorUuid: string,
  accessToken: string,
  query: Record<string, string | number> = {},
  between: (pageIndex: number) => void = () => undefined,
): Promise<{ rows: EarningRow[]; pages: number }> {
  const rows: EarningRow[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const res = await api(sim, earningsPath(creatorUuid, { ...query, ...(cursor ? { cursor } : {}) }), accessToken);
    if (res.status !== 200) throw new Error(`page ${pages} failed with ${res.status}`);
    const page = EarningsPageSchema.parse(await res.json());
    rows.push(...page.data);
    cursor = page.nextCursor;
    between(pages++);
  } while (cursor);
  return { rows, pages };
}

/** A row's identity for comparisons: its content with keys sorted (id-less rows differ by content only). */
export function rowKey(row: EarningRow): string {
  const sorted = (value: unknown): unknown =>
    value && typeof value === 'object'
      ? Object.fromEntries(
          Object.entries(value)
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([k, v]) => [k, sorted(v)]),
        )
      : value;
  return JSON.stringify(sorted(row));
}

/** A `start(options)` for a test file: simulators on the test clock, all stopped after each test. */
export function simulatorsForSuite(): (options?: FanvueSimulatorOptions) => Promise<FanvueSimulator> {
  const running: FanvueSimulator[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((s) => s.stop()));
  });
  return async (options = {}) => {
    const sim = await createFanvueSimulator({ now: testClock().now, ...options });
    running.push(sim);
    return sim;
  };
}
