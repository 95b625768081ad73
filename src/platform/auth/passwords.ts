import { hash, verify } from '@node-rs/argon2';
import { AppError } from '../errors.ts';

// argon2id with the OWASP-recommended minimum (19 MiB, 2 passes); @node-rs/argon2 defaults to argon2id.
const OPTIONS = { memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  try {
    return await verify(stored, password);
  } catch {
    return false;
  }
}

/** Minimal strength rule: at least 8 characters, not all of one kind. Demo accounts are created directly, not through this. */
export function checkPasswordStrength(password: string, field = 'password'): void {
  if (password.length < 8) throw new AppError('WEAK_PASSWORD', 400, '密码强度不足', { field, detail: '密码至少 8 位' });
  if (password.length > 256) throw new AppError('WEAK_PASSWORD', 400, '密码过长', { field, detail: '密码最多 256 位' });
  const kinds = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^a-zA-Z0-9]/].filter((r) => r.test(password)).length;
  if (kinds < 2) throw new AppError('WEAK_PASSWORD', 400, '密码强度不足', { field, detail: '密码需包含字母、数字或符号中的至少两类' });
}
