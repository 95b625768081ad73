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
