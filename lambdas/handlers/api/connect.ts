import { createHash, randomBytes } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import {
  consumePendingAuthorization,
  getConnection,
  getPendingAuthorization,
  listConnections,
  modelsOfAgency,
  putConnection,
  putPendingAuthorization,
  setModelEnabled,
} from '../../adapters/dynamo/connections';
import { dynamoModelStore } from '../../adapters/dynamo/model-store';
import { FanvueAuthError } from '../../adapters/fanvue/errors';
import { authorizeUrl, createPkce, exchangeAuthorizationCode } from '../../adapters/fanvue/oauth/authorize';
import type { Principal } from '../../domain/access';
import { ModelOwnedByAnotherAgencyError } from '../../domain/connect';
import type { ClientCredentials, CreatorDirectory } from '../../domain/connection-ports';
import { HttpError } from '../../shared/errors';
import * as z from '../../shared/zod';
import { parseBody } from './accounts';
import { authorize } from './auth';
import { type ApiResult, json } from './http';
import { type ApiDeps, safeDecode } from './routes';

/**
 * Connecting Fanvue from the dashboard (owners and admins): start the
 * authorization code flow with PKCE and a single-use `state` bound to the
 * agency and the user (kept server-side, 10 minutes), complete it from the
 * dashboard's callback page, store the tokens in the secret store, list the
 * creators the account manages and register the chosen ones as models. A
 * forged, replayed, expired or foreign `state`, or a code Fanvue refuses,
 * changes nothing.
 */

/** What the connect flow needs besides the API's own dependencies. */
export interface FanvueConnectDeps {
  /** Lists creators through a connection's tokens (`GET /creators`). */
  client: CreatorDirectory;
  authBaseUrl: string;
  clientCredentials(): Promise<ClientCredentials>;
  /** Secret id of a connection's tokens. */
  connectionSecretId(connectionId: string): string;
  /** The dashboard's callback page, registered as a redirect URI of the Fanvue app. */
  redirectUri: string;
  fetch?: typeof fetch;
}

/** How long a started authorization may be completed. */
export const STATE_TTL_MS = 10 * 60_000;

const StartSchema = z.strictObject({ connectionId: z.optional(z.string().check(z.regex(/^[\w.-]{1,128}$/))) });
const CallbackSchema = z.strictObject({
  code: z.string().check(z.minLength(1), z.maxLength(2048)),
  state: z.string().check(z.minLength(16), z.maxLength(512)),
});
const ModelsSchema = z.strictObject({
  creatorUuids: z.array(z.string().check(z.minLength(1), z.maxLength(128))).check(z.minLength(1), z.maxLength(500)),
});

const hashState = (state: string) => createHash('sha256').update(state, 'utf8').digest('hex');

function fanvue(deps: ApiDeps): FanvueConnectDeps {
  if (!deps.fanvue) throw new HttpError(404, 'connecting Fanvue is not configured');
  return deps.fanvue;
}

async function member(deps: ApiDeps, event: APIGatewayProxyEventV2): Promise<Principal & { kind: 'user' }> {
  const who = await authorize(deps, event, 'connect', 'member');
  if (who.kind !== 'user') throw new HttpError(401, 'sign in first');
  return who;
}

/** True when the connection is this agency's (a record made here, or a model that reads through it). */
async function ownsConnection(deps: ApiDeps, agencyId: string, connectionId: string): Promise<boolean> {
  if (await getConnection(deps.doc, deps.tables.control, agencyId, connectionId)) return true;
  return (await modelsOfAgency(deps.doc, deps.tables.control, agencyId)).some((m) => m.connectionId === connectionId);
}

async function creatorsOf(deps: ApiDeps, agencyId: string, connectionId: string) {
  const models = await modelsOfAgency(deps.doc, deps.tables.control, agencyId);
  const creators = [];
  for await (const c of fanvue(deps).client.listCreators(connectionId)) {
    const model = models.find((m) => m.creatorUuid === c.uuid);
    creators.push({ ...c, model: model ? { modelId: model.modelId, enabled: model.enabled } : null });
  }
  return creators;
}

async function start(deps: ApiDeps, event: APIGatewayProxyEventV2): Promise<ApiResult> {
  const who = await member(deps, event);
  const f = fanvue(deps);
  const body = parseBody(event, StartSchema);
  if (body.connectionId && !(await ownsConnection(deps, who.agencyId, body.connectionId)))
    throw new HttpError(404, 'connection not found');
  const connectionId = body.connectionId ?? `fanvue-${randomBytes(6).toString('hex')}`;
  const state = randomBytes(32).toString('base64url');
  const pkce = createPkce();
  await putPendingAuthorization(deps.doc, deps.tables.control, hashState(state), {
    agencyId: who.agencyId,
    userId: who.userId,
    connectionId,
    verifier: pkce.verifier,
    redirectUri: f.redirectUri,
    expiresAt: Math.ceil((deps.clock.now() + STATE_TTL_MS) / 1000),
  });
  const { clientId } = await f.clientCredentials();
  const url = authorizeUrl({
    authBaseUrl: f.authBaseUrl,
    clientId,
    redirectUri: f.redirectUri,
    state,
    challenge: pkce.challenge,
  });
  deps.logger.info('fanvue connection started', { agencyId: who.agencyId, connectionId });
  return json(201, { connectionId, authorizeUrl: url }, { 'cache-control': 'no-store' });
}

async function callback(deps: ApiDeps, event: APIGatewayProxyEventV2): Promise<ApiResult> {
  const who = await member(deps, event);
  const f = fanvue(deps);
  const { code, state } = parseBody(event, CallbackSchema);
  const key = hashState(state);
  const pending = await getPendingAuthorization(deps.doc, deps.tables.control, key);
  const again = 'Start the connection again from the dashboard. Nothing was changed.';
  if (!pending) throw new HttpError(400, `This Fanvue authorization is unknown or was already used. ${again}`);
  if (pending.agencyId !== who.agencyId || pending.userId !== who.userId) {
    deps.logger.warn('fanvue callback for another agency or user refused', { agencyId: who.agencyId });
    throw new HttpError(403, `This Fanvue authorization was started by another account. ${again}`);
  }
  if (!(await consumePendingAuthorization(deps.doc, deps.tables.control, key)))
    throw new HttpError(400, `This Fanvue authorization was already used. ${again}`);
  if (pending.expiresAt * 1000 < deps.clock.now())
    throw new HttpError(400, `This Fanvue authorization has expired. ${again}`);
  const tokens = await exchangeAuthorizationCode({
    authBaseUrl: f.authBaseUrl,
    creds: await f.clientCredentials(),
    code,
    redirectUri: pending.redirectUri,
    verifier: pending.verifier,
    now: deps.clock.now(),
    ...(f.fetch && { fetch: f.fetch }),
  }).catch((err: unknown) => {
    if (!(err instanceof FanvueAuthError)) throw err;
    deps.logger.warn('fanvue code exchange refused', { agencyId: who.agencyId, reason: err.message });
    throw new HttpError(400, `Fanvue refused this authorization (the code was already used or has expired). ${again}`);
  });
  await deps.secrets.put(f.connectionSecretId(pending.connectionId), JSON.stringify(tokens));
  const { connectionId } = pending;
  await putConnection(deps.doc, deps.tables.control, {
    agencyId: who.agencyId,
    connectionId,
    connectedAt: new Date(deps.clock.now()).toISOString(),
    connectedBy: who.userId,
  });
  // A reconnect: the models of this connection resume from their stored cursors at once.
  const resumed = (await modelsOfAgency(deps.doc, deps.tables.control, who.agencyId)).filter(
    (m) => m.connectionId === connectionId && m.enabled,
  );
  await Promise.all(resumed.map((m) => deps.trigger.syncModel(m.modelId, 'reconnect')));
  deps.logger.info('fanvue connected', { agencyId: who.agencyId, connectionId, resumed: resumed.length });
  return json(200, {
    connectionId,
    resumed: resumed.map((m) => m.modelId),
    creators: await creatorsOf(deps, who.agencyId, connectionId),
  });
}

async function addModels(deps: ApiDeps, event: APIGatewayProxyEventV2, connectionId: string): Promise<ApiResult> {
  const who = await member(deps, event);
  if (!(await ownsConnection(deps, who.agencyId, connectionId))) throw new HttpError(404, 'connection not found');
  const { creatorUuids } = parseBody(event, ModelsSchema);
  const managed = new Map<string, string>();
  for await (const c of fanvue(deps).client.listCreators(connectionId)) managed.set(c.uuid, c.displayName);
  const unknown = creatorUuids.find((u) => !managed.has(u));
  if (unknown) throw new HttpError(400, `creator ${unknown} is not managed by this Fanvue account`);
  const store = dynamoModelStore(deps.doc, deps.tables.control);
  const existing = await modelsOfAgency(deps.doc, deps.tables.control, who.agencyId);
  const models: { modelId: string; displayName: string }[] = [];
  const refused: string[] = [];
  for (const uuid of new Set(creatorUuids)) {
    const displayName = managed.get(uuid) ?? uuid;
    // Already a model of this agency (perhaps through another connection): keep it as it is.
    if (existing.some((m) => m.creatorUuid === uuid)) continue;
    try {
      await store.register({ modelId: uuid, agencyId: who.agencyId, displayName, creatorUuid: uuid, connectionId });
      models.push({ modelId: uuid, displayName });
    } catch (err) {
      if (!(err instanceof ModelOwnedByAnotherAgencyError)) throw err;
      refused.push(displayName);
    }
  }
  // The first sync starts at once; its progress shows on the cards.
  await Promise.all(models.map((m) => deps.trigger.syncModel(m.modelId, 'connect')));
  deps.logger.info('models added from the dashboard', { agencyId: who.agencyId, connectionId, models: models.length });
  return json(201, { models, refused });
}

async function connections(deps: ApiDeps, event: APIGatewayProxyEventV2): Promise<ApiResult> {
  const who = await member(deps, event);
  const [records, models] = await Promise.all([
    listConnections(deps.doc, deps.tables.control, who.agencyId),
    modelsOfAgency(deps.doc, deps.tables.control, who.agencyId),
  ]);
  const ids = [...new Set([...records.map((r) => r.connectionId), ...models.map((m) => m.connectionId)])];
  return json(200, {
    connections: ids.map((connectionId) => {
      const own = models.filter((m) => m.connectionId === connectionId);
      return {
        connectionId,
        connectedAt: records.find((r) => r.connectionId === connectionId)?.connectedAt ?? null,
        needsReconnect: own.some((m) => m.enabled && m.lastErrorCode === 'auth'),
        models: own.map((m) => ({ modelId: m.modelId, displayName: m.displayName, enabled: m.enabled })),
      };
    }),
  });
}

/** Routes of the connect flow and model enable/disable; undefined when the path is none of them. */
export async function connectRoute(
  deps: ApiDeps,
  event: APIGatewayProxyEventV2,
  method: string,
  path: string,
): Promise<ApiResult | undefined> {
  const post = () => {
    if (method !== 'POST') throw new HttpError(405, 'method not allowed');
  };
  if (path === '/api/connections') {
    if (method !== 'GET') throw new HttpError(405, 'method not allowed');
    return connections(deps, event);
  }
  if (path === '/api/connections/fanvue/start') {
    post();
    return start(deps, event);
  }
  if (path === '/api/connections/fanvue/callback') {
    post();
    return callback(deps, event);
  }
  const conn = /^\/api\/connections\/([^/]+)\/(creators|models)$/.exec(path);
  if (conn?.[1]) {
    const connectionId = safeDecode(conn[1]);
    if (conn[2] === 'models') {
      post();
      return addModels(deps, event, connectionId);
    }
    if (method !== 'GET') throw new HttpError(405, 'method not allowed');
    const who = await member(deps, event);
    if (!(await ownsConnection(deps, who.agencyId, connectionId))) throw new HttpError(404, 'connection not found');
    return json(200, { connectionId, creators: await creatorsOf(deps, who.agencyId, connectionId) });
  }
  const toggle = /^\/api\/models\/([^/]+)\/(disconnect|enable)$/.exec(path);
  if (toggle?.[1]) {
    post();
    const who = await member(deps, event);
    const modelId = safeDecode(toggle[1]);
    const enabled = toggle[2] === 'enable';
    if (!(await setModelEnabled(deps.doc, deps.tables.control, who.agencyId, modelId, enabled)))
      throw new HttpError(404, 'model not found');
    if (enabled) await deps.trigger.syncModel(modelId, 'enable');
    deps.logger.info(enabled ? 'model enabled' : 'model disconnected', { agencyId: who.agencyId, modelId });
    return json(200, { modelId, enabled });
  }
  return undefined;
}
