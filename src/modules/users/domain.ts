import type { AuthUser, Role } from '../../platform/access.ts';

/** The user as the API shows it (contract of issue 2: id, username, role and scope). */
export interface PublicUser {
  id: number;
  username: string;
  displayName: string;
  role: Role;
  department?: string;
  street?: string;
  uscc?: string;
  scopeName?: string;
}

export function toPublicUser(u: AuthUser, scopeName?: string | null): PublicUser {
  const out: PublicUser = { id: u.id, username: u.username, displayName: u.displayName, role: u.role };
  if (u.department) out.department = u.department;
  if (u.street) out.street = u.street;
  if (u.uscc) out.uscc = u.uscc;
  if (scopeName) out.scopeName = scopeName;
  return out;
}

export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;
export const USERNAME_PATTERN = '^[A-Za-z0-9_.-]{2,64}$';
