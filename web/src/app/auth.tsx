import { useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import { fetchOrg, fetchSession, login as apiLogin, logout as apiLogout } from '../api/auth';
import { ApiError } from '../api/client';
import type { OrgMeta, Session } from '../api/types';

export const SESSION_KEY = ['session'] as const;
export const ORG_KEY = ['meta', 'org'] as const;

/** null = not signed in (the server said 401); other errors propagate. */
async function currentSession(): Promise<Session | null> {
  try {
    return await fetchSession();
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return null;
    throw err;
  }
}

export function useSession() {
  return useQuery({ queryKey: SESSION_KEY, queryFn: currentSession, staleTime: Infinity, retry: false });
}

/** Called when any request says 401: the session expired, so show the login page. */
export function forgetSession(client: QueryClient): void {
  client.setQueryData<Session | null>(SESSION_KEY, null);
}

export function useAuthActions() {
  const client = useQueryClient();
  const login = useCallback(
    async (username: string, password: string) => {
      const session = await apiLogin(username, password);
      client.setQueryData<Session | null>(SESSION_KEY, session);
      return session;
    },
    [client],
  );
  const logout = useCallback(async () => {
    try {
      await apiLogout();
    } finally {
      // Drop every cached answer of the previous user, whatever the server said.
      client.removeQueries({ predicate: (q) => q.queryKey[0] !== SESSION_KEY[0] && q.queryKey[0] !== ORG_KEY[0] });
      forgetSession(client);
    }
  }, [client]);
  return { login, logout };
}

/** Public organisation data (district, departments, streets); changes rarely. */
export function useOrg() {
  return useQuery<OrgMeta>({ queryKey: ORG_KEY, queryFn: fetchOrg, staleTime: 10 * 60_000 });
}
