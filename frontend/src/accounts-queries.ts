import { queryOptions } from '@tanstack/react-query';
import { fetchAccessKeys, fetchMe, fetchMembers } from './accounts-api';

/** Query keys and options of the accounts views; each is keyed by the credential, so a new sign-in never sees old data. */
export const accountKeys = {
  me: (credential: string) => ['me', credential] as const,
  members: (credential: string) => ['members', credential] as const,
  accessKeys: (credential: string) => ['access-keys', credential] as const,
};

export const meQuery = (credential: string) =>
  queryOptions({ queryKey: accountKeys.me(credential), queryFn: () => fetchMe(credential), staleTime: 60_000 });
export const membersQuery = (credential: string) =>
  queryOptions({ queryKey: accountKeys.members(credential), queryFn: () => fetchMembers(credential) });
export const accessKeysQuery = (credential: string) =>
  queryOptions({ queryKey: accountKeys.accessKeys(credential), queryFn: () => fetchAccessKeys(credential) });

/** The agency's Fanvue connections and their models (owners and admins; the connect API's code loads with the page). */
export const connectionsQuery = (credential: string) =>
  queryOptions({
    queryKey: ['connections', credential] as const,
    queryFn: async () => (await import('./connect-api')).fetchConnections(credential),
  });
