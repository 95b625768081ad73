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

/** An API token as every list shows it: never the secret, never its hash. */
export interface PublicToken {
  id: number;
  name: string;
  userId: number;
  username: string;
  displayName: string;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
  status: TokenStatus;
}

export type TokenStatus = 'active' | 'expired' | 'revoked';
export const TOKEN_STATUSES: readonly TokenStatus[] = ['active', 'expired', 'revoked'];

/** Longest lifetime a token may be given (ten years); no expiry at all stays possible. */
export const TOKEN_MAX_DAYS = 3650;

export function tokenStatus(t: { revoked: boolean; expiresAt: Date | null }, now: Date): TokenStatus {
  if (t.revoked) return 'revoked';
  if (t.expiresAt && t.expiresAt.getTime() <= now.getTime()) return 'expired';
  return 'active';
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * When a new token expires, from `expiresAt` — a date YYYY-MM-DD (valid
 * through that day, Beijing time: China keeps UTC+8 all year) or an RFC 3339
 * time — or `expiresInDays`; null for none; or the field and what is wrong.
 */
export function tokenExpiry(input: { expiresAt?: string | null; expiresInDays?: number | null }, now: Date): { expiresAt: Date | null } | { field: 'expiresAt' | 'expiresInDays'; error: string } {
  const { expiresAt, expiresInDays } = input;
  if (expiresAt != null && expiresInDays != null) return { field: 'expiresInDays', error: '有效期只能用 expiresAt 或 expiresInDays 其中之一' };
  let at: Date | null = null;
  if (expiresInDays != null) {
    if (!Number.isInteger(expiresInDays) || expiresInDays < 1 || expiresInDays > TOKEN_MAX_DAYS) return { field: 'expiresInDays', error: `有效天数须为 1–${TOKEN_MAX_DAYS} 的整数` };
    at = new Date(now.getTime() + expiresInDays * DAY_MS);
  } else if (expiresAt != null) {
    const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(expiresAt);
    if (day) {
      const [y, m, d] = [Number(day[1]), Number(day[2]), Number(day[3])];
      const check = new Date(Date.UTC(y, m - 1, d));
      if (check.getUTCFullYear() !== y || check.getUTCMonth() !== m - 1 || check.getUTCDate() !== d) return { field: 'expiresAt', error: `不存在的日期 ${expiresAt}` };
      at = new Date(Date.parse(`${expiresAt}T00:00:00+08:00`) + DAY_MS);
    } else if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/.test(expiresAt) && !Number.isNaN(Date.parse(expiresAt))) {
      at = new Date(expiresAt);
    } else {
      return { field: 'expiresAt', error: '有效期须为日期 YYYY-MM-DD 或带时区的时间（RFC 3339）' };
    }
    if (at.getTime() <= now.getTime()) return { field: 'expiresAt', error: '有效期必须在将来' };
    if (at.getTime() > now.getTime() + (TOKEN_MAX_DAYS + 1) * DAY_MS) return { field: 'expiresAt', error: `有效期最长 ${TOKEN_MAX_DAYS} 天` };
  }
  return { expiresAt: at };
}
