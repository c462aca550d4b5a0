import { useMutation } from '@tanstack/react-query';
import { browser } from '../auth/session';

/**
 * Sends the browser to Fanvue's consent for a new connection, or to renew `connectionId`.
 * The dashboard offers it as "Reconnect" on revoked cards, so the connect API's code is
 * fetched only when someone clicks.
 */
export function useStartConnection(credential: string) {
  return useMutation({
    mutationFn: async (connectionId?: string) =>
      (await import('../connect-api')).startConnection(credential, connectionId),
    onSuccess: (url) => browser.navigate(url),
  });
}
