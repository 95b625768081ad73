import type { Executor } from '../../platform/db/schema.ts';

export interface OrgUnit {
  code: string;
  name: string;
}

export async function listOrg(db: Executor): Promise<{ departments: OrgUnit[]; streets: OrgUnit[] }> {
  const rows = await db.selectFrom('org_units').select(['code', 'name', 'kind']).orderBy('kind').orderBy('sort').orderBy('code').execute();
  return {
    departments: rows.filter((r) => r.kind === 'department').map(({ code, name }) => ({ code, name })),
    streets: rows.filter((r) => r.kind === 'street').map(({ code, name }) => ({ code, name })),
  };
}

export async function orgUnitName(db: Executor, code: string): Promise<string | null> {
  const row = await db.selectFrom('org_units').select('name').where('code', '=', code).executeTakeFirst();
  return row?.name ?? null;
}

export async function orgUnitExists(db: Executor, code: string, kind: 'department' | 'street'): Promise<boolean> {
  const row = await db.selectFrom('org_units').select('code').where('code', '=', code).where('kind', '=', kind).executeTakeFirst();
  return Boolean(row);
}
