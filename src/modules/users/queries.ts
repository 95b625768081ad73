import { sql } from 'kysely';
import type { Role } from '../../platform/access.ts';
import type { Executor } from '../../platform/db/schema.ts';
import type { PublicUser } from './domain.ts';

export interface UserFilter {
  q?: string;
  role?: Role;
}

export async function listUsers(db: Executor, f: UserFilter & { page: number; pageSize: number }): Promise<{ items: Array<PublicUser & { createdAt: string; disabled: boolean }>; total: number }> {
  let base = db.selectFrom('users as u').leftJoin('org_units as o', (j) => j.on(sql<boolean>`o.code = coalesce(u.department, u.street)`));
  if (f.q) {
    // LIKE wildcards in the user's text are escaped: a search for "50%" means the characters, not a pattern.
    const pattern = `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    base = base.where((eb) => eb.or([eb('u.username', 'ilike', pattern), eb('u.display_name', 'ilike', pattern)]));
  }
  if (f.role) base = base.where('u.role', '=', f.role);
  const { total } = await base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  const rows = await base
    .select(['u.id', 'u.username', 'u.display_name', 'u.role', 'u.department', 'u.street', 'u.uscc', 'u.disabled', 'u.created_at', 'o.name as scope_name'])
    .orderBy('u.id')
    .limit(f.pageSize)
    .offset((f.page - 1) * f.pageSize)
    .execute();
  return {
    total: Number(total),
    items: rows.map((r) => {
      const item: PublicUser & { createdAt: string; disabled: boolean } = {
        id: Number(r.id),
        username: r.username,
        displayName: r.display_name,
        role: r.role,
        createdAt: new Date(r.created_at).toISOString(),
        disabled: r.disabled,
      };
      if (r.department) item.department = r.department;
      if (r.street) item.street = r.street;
      if (r.uscc) item.uscc = r.uscc;
      const scopeName = r.scope_name ?? r.uscc;
      if (scopeName) item.scopeName = scopeName;
      return item;
    }),
  };
}
