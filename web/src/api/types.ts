// Shapes of the /api/v1 contract shared by several pages.

export const ROLES = ['admin', 'dept', 'street', 'specialist', 'inspector', 'leader', 'enterprise'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(v: string): v is Role {
  return (ROLES as readonly string[]).includes(v);
}

export interface User {
  id: number;
  username: string;
  displayName: string;
  role: Role;
  /** Department code (dept, inspector). */
  department?: string;
  /** Street/town code (street). */
  street?: string;
  /** Unified social credit code (enterprise). */
  uscc?: string;
  scopeName?: string;
}

export interface Session {
  user: User;
  /** null when the caller authenticated with a bearer token instead of the cookie. */
  csrfToken: string | null;
}

export interface CodeName {
  code: string;
  name: string;
}

export interface OrgMeta {
  district: CodeName;
  departments: CodeName[];
  streets: CodeName[];
}

export interface Page<T> {
  items: T[];
  total: number;
}
