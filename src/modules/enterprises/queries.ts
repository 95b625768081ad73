import type { SelectQueryBuilder } from 'kysely';
import { findIndustry } from '../../core/codes/industry.ts';
import { findDistrict, findTownship } from '../../core/codes/divisions.ts';
import type { AuthUser } from '../../platform/access.ts';
import type { Database, Executor } from '../../platform/db/schema.ts';
import { BUILTIN_BY_KEY } from './domain/attributes.ts';
import { maskName, type AttrValue } from './domain/values.ts';
import { scopeOf, seesPersonalData } from './scope.ts';
import { rowToFlat, type EnterpriseRow } from './store.ts';

export interface EnterpriseFilter {
  q?: string;
  street?: string;
  industry?: string;
  status?: string;
  tag?: string;
}

export interface EnterpriseView {
  uscc: string;
  name: string;
  legalRep: string | null;
  legalRepMasked: boolean;
  entityType: string | null;
  industry: string | null;
  industryName: string | null;
  registeredCapital: number | null;
  established: string | null;
  status: string;
  district: string;
  districtName: string | null;
  street: string | null;
  streetName: string | null;
  park: string | null;
  address: string | null;
  employees: number | null;
  insuredEmployees: number | null;
  revenue: number | null;
  taxPaid: number | null;
  rdSpending: number | null;
  tags: string[];
  creditGrade: string | null;
  riskGrade: string | null;
  attrs: Record<string, AttrValue>;
  updatedAt: string;
  version: number;
}

export function toView(row: EnterpriseRow, viewer: AuthUser | null): EnterpriseView {
  const flat = rowToFlat(row);
  const attrs: Record<string, AttrValue> = {};
  for (const [k, v] of Object.entries(flat)) if (!BUILTIN_BY_KEY.has(k)) attrs[k] = v;
  const full = seesPersonalData(viewer, row.uscc);
  return {
    uscc: row.uscc,
    name: row.name,
    legalRep: full ? row.legal_rep : maskName(row.legal_rep),
    legalRepMasked: !full && !!row.legal_rep,
    entityType: row.entity_type,
    industry: row.industry,
    industryName: row.industry ? (findIndustry(row.industry)?.name ?? null) : null,
    registeredCapital: row.registered_capital,
    established: row.established,
    status: row.status,
    district: row.district,
    districtName: findDistrict(row.district)?.name ?? null,
    street: row.street,
    streetName: row.street ? (findTownship(row.street)?.name ?? null) : null,
    park: row.park,
    address: row.address,
    employees: row.employees,
    insuredEmployees: row.insured_employees,
    revenue: row.revenue,
    taxPaid: row.tax_paid,
    rdSpending: row.rd_spending,
    tags: row.tags ?? [],
    creditGrade: row.credit_grade,
    riskGrade: row.risk_grade,
    attrs,
    updatedAt: new Date(row.updated_at).toISOString(),
    version: row.version,
  };
}

type EQ = SelectQueryBuilder<Database, 'enterprises', object>;

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** The caller's scope and the filters, as one query (SQL parameters only; no text is ever spliced in). */
export function scopedQuery(db: Executor, user: AuthUser, f: EnterpriseFilter): EQ {
  let q = db.selectFrom('enterprises') as EQ;
  const s = scopeOf(user);
  if (s.kind === 'street') q = q.where('street', '=', s.street);
  else if (s.kind === 'own') q = q.where('uscc', '=', s.uscc);
  else if (s.kind === 'assigned') q = q.where('uscc', 'in', (eb) => eb.selectFrom('enterprise_assignments').select('uscc').where('user_id', '=', s.userId));
  else if (s.kind === 'none') q = q.where((eb) => eb.val(false));
  if (f.q) {
    const text = f.q.trim();
    q = q.where((eb) => eb.or([eb('name', 'ilike', `%${escapeLike(text)}%`), eb('uscc', 'like', `${escapeLike(text.toUpperCase())}%`)]));
  }
  if (f.street) q = q.where('street', '=', f.street);
  if (f.industry) {
    // An industry filter matches the code and everything within it (C matches C3911).
    const code = findIndustry(f.industry)?.code ?? f.industry.toUpperCase();
    q = q.where('industry', 'like', `${escapeLike(code)}%`);
  }
  if (f.status) q = q.where('status', '=', f.status);
  if (f.tag) q = q.where((eb) => eb(eb.val(f.tag), '=', eb.fn.any('tags')));
  return q;
}

export async function listEnterprises(db: Executor, user: AuthUser, f: EnterpriseFilter & { page: number; pageSize: number }): Promise<{ items: EnterpriseView[]; total: number }> {
  const base = scopedQuery(db, user, f);
  const { total } = await base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  const rows = await base
    .selectAll()
    .orderBy('uscc')
    .limit(f.pageSize)
    .offset((f.page - 1) * f.pageSize)
    .execute();
  return { total: Number(total), items: rows.map((r) => toView(r as EnterpriseRow, user)) };
}

export async function enterpriseHistory(db: Executor, uscc: string, limit = 100): Promise<Array<{ at: string; actor: string; action: string; source: string | null; changes: Array<{ field: string; before: unknown; after: unknown }> }>> {
  const rows = await db.selectFrom('enterprise_changes').selectAll().where('uscc', '=', uscc).orderBy('id', 'desc').limit(limit).execute();
  return rows.map((r) => ({
    at: new Date(r.at).toISOString(),
    actor: r.actor,
    action: r.action,
    source: r.source,
    changes: Object.entries(r.diff).map(([field, [before, after]]) => ({ field, before, after })),
  }));
}
