import { api, download } from '../../../api/client';
import type { Page, Role, User } from '../../../api/types';

export interface UserRow extends User {
  createdAt: string;
  disabled: boolean;
}

export interface UserFilter {
  q?: string;
  role?: Role;
}

export interface NewUser {
  username: string;
  password: string;
  displayName: string;
  role: Role;
  department?: string;
  street?: string;
  uscc?: string;
}

export function listUsers(page: number, pageSize: number, filter: UserFilter): Promise<Page<UserRow>> {
  return api.get<Page<UserRow>>('/api/v1/users', { page, pageSize, q: filter.q, role: filter.role });
}

export function createUser(input: NewUser): Promise<User> {
  return api.post<User>('/api/v1/users', input);
}

export function exportUsers(filter: UserFilter): Promise<string> {
  return download('/api/v1/users/export.xlsx', { q: filter.q, role: filter.role }, 'users.xlsx');
}

export interface PasswordReset {
  userId: number;
  username: string;
  revokedTokens: number;
  endedSessions: number;
}

/** Admin reset: the user's sessions end and API tokens are revoked (issue 12 item 7). */
export function resetPassword(userId: number, password: string): Promise<PasswordReset> {
  return api.post<PasswordReset>(`/api/v1/users/${userId}/password`, { password });
}
