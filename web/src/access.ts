import type { Role } from './api/types';

// UI permission flags, derived from the same role list as the server.
// They only decide what the UI shows; the server checks every call again.
export interface Access {
  manageUsers: boolean;
  viewAudit: boolean;
}

export type AccessFlag = keyof Access;

const NONE: Access = { manageUsers: false, viewAudit: false };

const BY_ROLE: Record<Role, Access> = {
  admin: { manageUsers: true, viewAudit: true },
  dept: NONE,
  street: NONE,
  specialist: NONE,
  inspector: NONE,
  leader: NONE,
  enterprise: NONE,
};

export function accessFor(role: Role | undefined): Access {
  return role ? BY_ROLE[role] : NONE;
}

/** A route without a flag is open to every signed-in user. */
export function allowed(access: Access, flag: AccessFlag | undefined): boolean {
  return flag === undefined || access[flag];
}
