import type { AuthUser } from '../../platform/access.ts';
import type { Executor } from '../../platform/db/schema.ts';
import { Errors } from '../../platform/errors.ts';
import type { EnterpriseRow } from './store.ts';

/**
 * Which enterprises a user may see (§0, issue 3 item 6):
 * - admin, leader: every enterprise of the district;
 * - dept, inspector: every enterprise — a district department serves the whole district;
 * - street: enterprises located in their street/town;
 * - specialist: enterprises assigned to them (企业服务专员);
 * - enterprise: only their own USCC.
 */
export type EnterpriseScope = { kind: 'all' } | { kind: 'street'; street: string } | { kind: 'assigned'; userId: number } | { kind: 'own'; uscc: string } | { kind: 'none' };

export function scopeOf(user: AuthUser): EnterpriseScope {
  switch (user.role) {
    case 'admin':
    case 'leader':
    case 'dept':
    case 'inspector':
      return { kind: 'all' };
    case 'street':
      return user.street ? { kind: 'street', street: user.street } : { kind: 'none' };
    case 'specialist':
      return { kind: 'assigned', userId: user.id };
    case 'enterprise':
      return user.uscc ? { kind: 'own', uscc: user.uscc } : { kind: 'none' };
  }
}

/** Throws 403 when the user may not see this enterprise. */
export async function assertCanSee(db: Executor, user: AuthUser, row: Pick<EnterpriseRow, 'uscc' | 'street'>): Promise<void> {
  const s = scopeOf(user);
  if (s.kind === 'all') return;
  if (s.kind === 'street' && row.street === s.street) return;
  if (s.kind === 'own' && row.uscc === s.uscc) return;
  if (s.kind === 'assigned') {
    const a = await db.selectFrom('enterprise_assignments').select('uscc').where('uscc', '=', row.uscc).where('user_id', '=', s.userId).executeTakeFirst();
    if (a) return;
  }
  throw Errors.forbidden('该企业不在您的数据范围内');
}

/** Legal representative and personal data are shown in full only to the enterprise itself and admin. */
export function seesPersonalData(user: AuthUser | null, uscc: string): boolean {
  return !!user && (user.role === 'admin' || (user.role === 'enterprise' && user.uscc === uscc));
}
