import ExcelJS from 'exceljs';
import type { AuthUser } from '../../platform/access.ts';
import type { Executor } from '../../platform/db/schema.ts';
import { Errors } from '../../platform/errors.ts';
import { enterpriseBreakdown, enterpriseBriefs, type CountBucket, type EnterpriseBrief, type UsccSubquery } from '../enterprises/index.ts';

/** A policy as the eligible-enterprise view needs it. */
export interface MatchedPolicy {
  id: number;
  title: string;
  department: string;
  publishedVersion: number;
}

/**
 * The policy whose eligible enterprises `user` may see (SPEC P-4, issue 5 item 7):
 * admin and leader every policy, department staff only their own department's
 * (403 for another department's, 404 when the policy does not exist).
 */
export async function policyForMatchView(db: Executor, user: AuthUser, id: number): Promise<MatchedPolicy> {
  const p = await db.selectFrom('policies').select(['id', 'title', 'department', 'published_version', 'status']).where('id', '=', id).executeTakeFirst();
  if (!p) throw Errors.notFound('政策');
  if (user.role === 'admin' || user.role === 'leader') return { id: Number(p.id), title: p.title, department: p.department, publishedVersion: p.published_version };
  if (user.role === 'dept' && user.department === p.department) return { id: Number(p.id), title: p.title, department: p.department, publishedVersion: p.published_version };
  // Another department's draft does not exist for the caller (as elsewhere in policies); a published one is refused.
  if (p.status === 'draft' || p.status === 'review') throw Errors.notFound('政策');
  throw Errors.forbidden('只能查看本部门政策的可享企业');
}

/** The USCCs eligible under the policy's published version (policy_matches). */
function eligibleUsccs(db: Executor, p: MatchedPolicy): UsccSubquery {
  return db.selectFrom('policy_matches').select('uscc').where('policy_id', '=', p.id).where('version', '=', p.publishedVersion).where('status', '=', 'eligible');
}

export interface EligibleStats {
  policyId: number;
  version: number;
  /** Rows in policy_matches (status eligible, published version). */
  total: number;
  byStreet: CountBucket[];
  /** By GB/T 4754 门类. */
  byIndustry: CountBucket[];
}

async function eligibleCount(db: Executor, p: MatchedPolicy): Promise<number> {
  const { total } = await db
    .selectFrom('policy_matches')
    .select((eb) => eb.fn.countAll<string>().as('total'))
    .where('policy_id', '=', p.id)
    .where('version', '=', p.publishedVersion)
    .where('status', '=', 'eligible')
    .executeTakeFirstOrThrow();
  return Number(total);
}

export async function eligibleStats(db: Executor, p: MatchedPolicy): Promise<EligibleStats> {
  if (p.publishedVersion === 0) return { policyId: p.id, version: 0, total: 0, byStreet: [], byIndustry: [] };
  const total = await eligibleCount(db, p);
  const b = await enterpriseBreakdown(db, eligibleUsccs(db, p));
  return { policyId: p.id, version: p.publishedVersion, total, byStreet: b.byStreet, byIndustry: b.byIndustry };
}

export async function eligiblePage(db: Executor, p: MatchedPolicy, page: number, pageSize: number): Promise<{ policyId: number; version: number; total: number; items: EnterpriseBrief[] }> {
  if (p.publishedVersion === 0) return { policyId: p.id, version: 0, total: 0, items: [] };
  const total = await eligibleCount(db, p);
  const items = await enterpriseBriefs(db, eligibleUsccs(db, p), { limit: pageSize, offset: (page - 1) * pageSize });
  return { policyId: p.id, version: p.publishedVersion, total, items };
}

/** Upper bound of one export; the demo district has a few thousand enterprises, a real one a few hundred thousand. */
export const ELIGIBLE_EXPORT_LIMIT = 200_000;

export const ELIGIBLE_EXPORT_HEADER = ['统一社会信用代码', '企业名称', '所属街镇', '行业门类', '行业代码', '行业名称'] as const;

/** The full eligible list as an Excel workbook (one sheet, header row first). */
export async function eligibleXlsx(db: Executor, p: MatchedPolicy): Promise<Buffer> {
  const items = p.publishedVersion === 0 ? [] : await enterpriseBriefs(db, eligibleUsccs(db, p), { limit: ELIGIBLE_EXPORT_LIMIT, offset: 0 });
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('可享企业');
  ws.addRow([...ELIGIBLE_EXPORT_HEADER]).font = { bold: true };
  for (const e of items) ws.addRow([e.uscc, e.name, e.streetName ?? e.street ?? '', e.sectionName ?? '', e.industry ?? '', e.industryName ?? '']);
  ws.getColumn(1).width = 22;
  ws.getColumn(2).width = 36;
  ws.getColumn(3).width = 14;
  ws.getColumn(4).width = 28;
  ws.getColumn(5).width = 10;
  ws.getColumn(6).width = 28;
  return Buffer.from(await wb.xlsx.writeBuffer());
}
