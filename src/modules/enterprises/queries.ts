import { sql, type AliasableExpression, type SelectQueryBuilder, type SelectQueryNode } from 'kysely';
import { findIndustry } from '../../core/codes/industry.ts';
import { findDistrict, findTownship } from '../../core/codes/divisions.ts';
import type { AuthUser } from '../../platform/access.ts';
import type { Database, Executor } from '../../platform/db/schema.ts';
import { loadCatalog } from './catalog.ts';
import { BUILTIN_BY_KEY, PERSONAL_ATTRIBUTES } from './domain/attributes.ts';
import type { AttrValue } from './domain/values.ts';
import { enterpriseMask, personalAttributes } from './masking.ts';
import { scopeOf } from './scope.ts';
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

/**
 * An enterprise as `viewer` may see it: personal attributes (`personal`, from the catalog;
 * the built-in ones by default) masked by the one rule (masking.ts).
 */
export function toView(row: EnterpriseRow, viewer: AuthUser | null, personal: ReadonlySet<string> = PERSONAL_ATTRIBUTES): EnterpriseView {
  const mask = enterpriseMask(viewer, row.uscc, rowToFlat(row), personal);
  const flat = mask.values;
  const attrs: Record<string, AttrValue> = {};
  for (const [k, v] of Object.entries(flat)) if (!BUILTIN_BY_KEY.has(k)) attrs[k] = v;
  return {
    uscc: row.uscc,
    name: row.name,
    legalRep: (flat.legalRep ?? null) as string | null,
    legalRepMasked: flat.legalRep !== row.legal_rep,
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
  const personal = personalAttributes(await loadCatalog(db));
  return { total: Number(total), items: rows.map((r) => toView(r as EnterpriseRow, user, personal)) };
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

// ---------------------------------------------------------------------------
// Enterprises selected by another module (e.g. a policy's eligible list, P-4):
// the caller passes a subquery of USCCs; names, streets and industries stay here.

/** A select of one `uscc` column (any Kysely select query builder is one). */
export interface UsccSubquery extends AliasableExpression<{ uscc: string }> {
  get isSelectQueryBuilder(): true;
  toOperationNode(): SelectQueryNode;
}

export interface EnterpriseBrief {
  uscc: string;
  name: string;
  street: string | null;
  streetName: string | null;
  industry: string | null;
  industryName: string | null;
  /** GB/T 4754 门类 (section) of the industry, e.g. "I 信息传输、软件和信息技术服务业". */
  section: string | null;
  sectionName: string | null;
}

export interface CountBucket {
  /** Street code or 门类 letter; null = not recorded. */
  code: string | null;
  name: string;
  count: number;
}

function sectionOf(industry: string | null): { section: string | null; sectionName: string | null } {
  const section = industry ? industry.slice(0, 1).toUpperCase() : null;
  return { section, sectionName: section ? (findIndustry(section)?.name ?? null) : null };
}

/** One page (or all, without limit) of the enterprises in `usccs`, ordered by USCC. */
export async function enterpriseBriefs(db: Executor, usccs: UsccSubquery, page?: { limit: number; offset: number }): Promise<EnterpriseBrief[]> {
  let q = db.selectFrom('enterprises').select(['uscc', 'name', 'street', 'industry']).where('uscc', 'in', usccs).orderBy('uscc');
  if (page) q = q.limit(page.limit).offset(page.offset);
  const rows = await q.execute();
  return rows.map((r) => ({
    uscc: r.uscc,
    name: r.name,
    street: r.street,
    streetName: r.street ? (findTownship(r.street)?.name ?? null) : null,
    industry: r.industry,
    industryName: r.industry ? (findIndustry(r.industry)?.name ?? null) : null,
    ...sectionOf(r.industry),
  }));
}

/** How many of the enterprises in `usccs` each street and each 门类 holds (largest first; unnamed codes keep their code). */
export async function enterpriseBreakdown(db: Executor, usccs: UsccSubquery): Promise<{ total: number; byStreet: CountBucket[]; byIndustry: CountBucket[] }> {
  const base = db.selectFrom('enterprises').where('uscc', 'in', usccs);
  const streets = await base.select(['street', (eb) => eb.fn.countAll<string>().as('n')]).groupBy('street').execute();
  const sections = await base
    .select([sql<string | null>`upper(substr(industry, 1, 1))`.as('section'), (eb) => eb.fn.countAll<string>().as('n')])
    .groupBy(sql`upper(substr(industry, 1, 1))`)
    .execute();
  const order = (a: CountBucket, b: CountBucket) => b.count - a.count || String(a.code ?? '~').localeCompare(String(b.code ?? '~'));
  const byStreet = streets.map((r) => ({ code: r.street, name: r.street ? (findTownship(r.street)?.name ?? r.street) : '未填写', count: Number(r.n) })).sort(order);
  const byIndustry = sections.map((r) => ({ code: r.section, name: r.section ? (findIndustry(r.section)?.name ?? r.section) : '未填写', count: Number(r.n) })).sort(order);
  return { total: byStreet.reduce((s, b) => s + b.count, 0), byStreet, byIndustry };
}
