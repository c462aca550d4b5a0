import * as z from 'zod/mini';
import { ApiError, failure } from './api';

/** The connect-flow routes of the API, parsed at the boundary. */

const CreatorSchema = z.object({
  uuid: z.string(),
  handle: z.string(),
  displayName: z.string(),
  model: z.nullable(z.object({ modelId: z.string(), enabled: z.boolean() })),
});
export type ConnectableCreator = z.infer<typeof CreatorSchema>;

export const ConnectionSchema = z.object({
  connectionId: z.string(),
  connectedAt: z.nullable(z.string()),
  needsReconnect: z.boolean(),
  models: z.array(z.object({ modelId: z.string(), displayName: z.string(), enabled: z.boolean() })),
});
export type Connection = z.infer<typeof ConnectionSchema>;

async function post<T>(credential: string, path: string, body: unknown, schema: z.ZodMiniType<T>): Promise<T> {
  const res = await fetch(path, {
    method: 'POST',
    headers: { authorization: `Bearer ${credential}`, 'content-type': 'application/json' },
    body: JSON.stringify(body ?? {}),
  });
  if (!res.ok) throw await failure(res);
  const parsed = schema.safeParse(await res.json());
  if (!parsed.success) throw new ApiError(res.status, 'the server sent an answer this app cannot read');
  return parsed.data;
}

/** Starts Fanvue's consent (a new connection, or `connectionId` to reconnect one) and leaves for Fanvue. */
export async function startConnection(credential: string, connectionId?: string): Promise<string> {
  const out = await post(
    credential,
    '/api/connections/fanvue/start',
    connectionId ? { connectionId } : {},
    z.object({ authorizeUrl: z.string(), connectionId: z.string() }),
  );
  return out.authorizeUrl;
}

export const completeConnection = (credential: string, callback: { code: string; state: string }) =>
  post(
    credential,
    '/api/connections/fanvue/callback',
    callback,
    z.object({ connectionId: z.string(), resumed: z.array(z.string()), creators: z.array(CreatorSchema) }),
  );

export const addModels = (credential: string, connectionId: string, creatorUuids: string[]) =>
  post(
    credential,
    `/api/connections/${encodeURIComponent(connectionId)}/models`,
    { creatorUuids },
    z.object({
      models: z.array(z.object({ modelId: z.string(), displayName: z.string() })),
      refused: z.array(z.string()),
    }),
  );

export const setModelConnected = (credential: string, modelId: string, on: boolean) =>
  post(
    credential,
    `/api/models/${encodeURIComponent(modelId)}/${on ? 'enable' : 'disconnect'}`,
    undefined,
    z.object({ modelId: z.string(), enabled: z.boolean() }),
  );

export async function fetchConnections(credential: string): Promise<Connection[]> {
  const res = await fetch('/api/connections', { headers: { authorization: `Bearer ${credential}` } });
  if (!res.ok) throw await failure(res);
  const parsed = z.object({ connections: z.array(ConnectionSchema) }).safeParse(await res.json());
  if (!parsed.success) throw new ApiError(res.status, 'the server sent an answer this app cannot read');
  return parsed.data.connections;
}
