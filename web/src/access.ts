import type { Role } from './api/types';

// UI permission flags, derived from the same role list as the server.
// They only decide what the UI shows; the server checks every call again.
export interface Access {
  manageUsers: boolean;
  viewAudit: boolean;
  /** 企业名录 and 一企一页 of the enterprises in the caller's data scope. */
  viewEnterprises: boolean;
  /** Create, edit and import enterprises (E-1, E-2). */
  manageEnterprises: boolean;
  /** Add attributes to the enterprise attribute catalog. */
  manageAttributes: boolean;
  /** An enterprise user's own 一企一页 (本企业). */
  ownEnterprise: boolean;
  /** Write policies and run 试算 (admin, department staff — own department only). */
  managePolicies: boolean;
  /** Drafts and reviews in the list, the eligibility rule and the matched enterprises of a policy. */
  policyStaff: boolean;
  /** Every user's API tokens, and revoking any of them (everyone manages their own). */
  manageAllTokens: boolean;
  /** 工作日历: load a year's holiday schedule (admin). */
  manageCalendar: boolean;
}

export type AccessFlag = keyof Access;

const NONE: Access = {
  manageUsers: false,
  viewAudit: false,
  viewEnterprises: false,
  manageEnterprises: false,
  manageAttributes: false,
  ownEnterprise: false,
  managePolicies: false,
  policyStaff: false,
  manageAllTokens: false,
  manageCalendar: false,
};
const STAFF: Access = { ...NONE, viewEnterprises: true };

const BY_ROLE: Record<Role, Access> = {
  admin: { manageUsers: true, viewAudit: true, viewEnterprises: true, manageEnterprises: true, manageAttributes: true, ownEnterprise: false, managePolicies: true, policyStaff: true, manageAllTokens: true, manageCalendar: true },
  dept: { ...STAFF, manageEnterprises: true, managePolicies: true, policyStaff: true },
  street: STAFF,
  specialist: STAFF,
  inspector: STAFF,
  leader: { ...STAFF, policyStaff: true },
  enterprise: { ...NONE, ownEnterprise: true },
};

export function accessFor(role: Role | undefined): Access {
  return role ? BY_ROLE[role] : NONE;
}

/** A route without a flag is open to every signed-in user. */
export function allowed(access: Access, flag: AccessFlag | undefined): boolean {
  return flag === undefined || access[flag];
}
