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

/**
 * How a route keeps data within the caller's scope (SPEC §0, §11), declared
 * on every /api/v1 route beside `access` (route config `scope`); registering
 * an /api/v1 route without one throws. The route × role test
 * (src/server/scope.test.ts) walks the route table as every demo role and
 * checks each kind:
 * - 'none': returns no enterprise, department or street data (catalogues,
 *   published policies, public verification);
 * - 'self': only the caller's own account (session, password, own tokens);
 * - 'global': every record of its kind, for roles that see all (admin areas);
 * - 'filtered': a list or export narrowed to the caller's department, street
 *   or enterprise inside the query;
 * - { param, owner, in }: the record named by parameter `param` — of the path
 *   (default), the query string or the JSON body (`in`) — belongs to an
 *   `owner` (an enterprise, a policy's department …) that is checked against
 *   the caller before anything is read or written (403, or 404 where
 *   existence is private). The test names a record of that kind the caller
 *   must not see and expects a refusal that changes nothing.
 * Every response is also searched for data the caller must not see, and
 * enterprise values pass the one masking rule (enterprises module, enterpriseMask).
 */
export type DataScope =
  | 'none'
  | 'self'
  | 'global'
  | 'filtered'
  | { readonly param: string; readonly owner: ScopeOwner; readonly in?: 'path' | 'query' | 'body' };

/**
 * Kinds of record a parameter can name; each has an owner check. Who sees which
 * is written once, as the table of src/server/scope.test.ts:
 * - 'enterprise': a USCC within the caller's enterprise scope (all for admin,
 *   leader, dept, inspector; own street; assigned; own USCC);
 * - 'policy': a policy as a document: published ones are public, drafts and
 *   reviews exist only for their department (and admin, leader);
 * - 'policy-internal': what only a policy's department (and admin, leader)
 *   may see or do whatever its status: matches, batches, settings, lifecycle;
 * - 'department': a department code: its own staff (and admin, leader);
 * - 'application', 'batch', 'import', 'message', 'staff-message', 'webhook',
 *   'user', 'token': records of those kinds, owned by an enterprise, a
 *   department or a user.
 */
export type ScopeOwner = 'enterprise' | 'policy' | 'policy-internal' | 'department' | 'application' | 'batch' | 'import' | 'message' | 'staff-message' | 'webhook' | 'user' | 'token';

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
