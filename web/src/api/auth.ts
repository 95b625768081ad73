import { api, setCsrfToken } from './client';
import type { OrgMeta, Session } from './types';

export async function fetchSession(): Promise<Session> {
  const session = await api.get<Session>('/api/v1/auth/me');
  setCsrfToken(session.csrfToken);
  return session;
}

export async function login(username: string, password: string): Promise<Session> {
  const session = await api.post<Session>('/api/v1/auth/login', { username, password });
  setCsrfToken(session.csrfToken);
  return session;
}

export async function logout(): Promise<void> {
  try {
    await api.post<void>('/api/v1/auth/logout');
  } finally {
    setCsrfToken(null);
  }
}

/** revokeTokens: also revoke every API token of the user (issue 12 item 7). */
export function changePassword(currentPassword: string, newPassword: string, revokeTokens = false): Promise<void> {
  return api.post<void>('/api/v1/auth/password', { currentPassword, newPassword, revokeTokens });
}

export function fetchOrg(): Promise<OrgMeta> {
  return api.get<OrgMeta>('/api/v1/meta/org');
}
