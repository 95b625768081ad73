import type { Role } from './db/schema.ts';

export type { Role };
export const ROLES: readonly Role[] = ['admin', 'dept', 'street', 'specialist', 'inspector', 'leader', 'enterprise'];

export const ROLE_LABELS: Record<Role, string> = {
  admin: '管理员',
  dept: '部门人员',
  street: '街镇人员',
  specialist: '企业服务专员',
  inspector: '执法人员',
  leader: '区领导/营商办',
  enterprise: '企业用户',
};

/**
 * Who may call a route. Every route declares one (a test walks the route
 * table): 'public' needs no login, 'authenticated' any logged-in user, or a
 * list of roles. Data scope is checked again inside each handler.
 */
export type Access = 'public' | 'authenticated' | readonly Role[];

/** The caller as every handler sees it. */
export interface AuthUser {
  id: number;
  username: string;
  displayName: string;
  role: Role;
  department: string | null;
  street: string | null;
  uscc: string | null;
}

export function isAllowed(access: Access, user: AuthUser | null): 'ok' | 'unauthenticated' | 'forbidden' {
  if (access === 'public') return 'ok';
  if (!user) return 'unauthenticated';
  if (access === 'authenticated') return 'ok';
  return access.includes(user.role) ? 'ok' : 'forbidden';
}

/** Scope fields a role must carry: a dept or inspector user belongs to a department, and so on. */
export function requiredScope(role: Role): 'department' | 'street' | 'uscc' | null {
  switch (role) {
    case 'dept':
    case 'inspector':
      return 'department';
    case 'street':
      return 'street';
    case 'enterprise':
      return 'uscc';
    default:
      return null;
  }
}
