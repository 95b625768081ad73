import type { AuthUser } from '../../platform/access.ts';
import type { Executor } from '../../platform/db/schema.ts';
import { Errors } from '../../platform/errors.ts';
import { applicationCounts, firstSubmissions } from '../applications/index.ts';
import { approvedItemCounts, paymentsOf } from '../benefits/index.ts';
import { notifiedCounts } from '../notifications/index.ts';
import { listOrg } from '../org/index.ts';
import { publishedPolicyFacts } from '../policies/index.ts';
import { daysBetween, median } from './domain/figures.ts';

/** 政策评估 (SPEC P-8): one policy's funnel and money. Exact definitions in docs/evaluation.md. */
export interface PolicyEvaluation {
  policyId: number;
  title: string;
  department: string;
  departmentName: string;
  mode: 'apply' | 'auto';
  status: string;
  eligible: number;
  notified: number;
  /** Submitted applications; null for 免申即享 (no application step). */
  applied: number | null;
  approved: number;
  paidCount: number;
  paidFen: number;
  medianDaysToPayment: number | null;
}

export interface DepartmentEvaluation {
  department: string;
  departmentName: string;
  policies: number;
  eligible: number;
  notified: number;
  applied: number;
  approved: number;
  paidCount: number;
  paidFen: number;
  medianDaysToPayment: number | null;
}

/** The departments a user may evaluate: leader and admin all; dept only its own (403 for another). Others never reach here. */
export function scopeDepartment(user: AuthUser, requested: string | undefined): string | undefined {
  if (user.role === 'leader' || user.role === 'admin') return requested;
  if (user.role === 'dept' && user.department) {
    if (requested && requested !== user.department) throw Errors.forbidden('只能查看本部门的政策评估');
    return user.department;
  }
  throw Errors.forbidden();
}

interface Computed {
  rows: PolicyEvaluation[];
  /** Days to payment of every payment, by department (for department medians). */
  daysByDepartment: Map<string, number[]>;
}

async function compute(db: Executor, department: string | undefined): Promise<Computed> {
  const facts = await publishedPolicyFacts(db, department);
  const ids = facts.map((f) => f.id);
  // One after another: PGlite serves a single session.
  const org = await listOrg(db);
  const notified = await notifiedCounts(db, ids);
  const apps = await applicationCounts(db, ids);
  const approvedItems = await approvedItemCounts(db, ids);
  const payments = await paymentsOf(db, ids);
  const submissions = await firstSubmissions(db, ids);
  const deptName = new Map(org.departments.map((d) => [d.code, d.name]));
  const byPolicy = new Map<number, typeof payments>();
  for (const p of payments) {
    const list = byPolicy.get(p.policyId);
    if (list) list.push(p);
    else byPolicy.set(p.policyId, [p]);
  }
  const daysByDepartment = new Map<string, number[]>();
  const rows = facts.map((f): PolicyEvaluation => {
    const paid = byPolicy.get(f.id) ?? [];
    const days: number[] = [];
    for (const p of paid) {
      const start = f.mode === 'auto' ? f.versionPublishedAt[p.version] : submissions.get(`${p.policyId}|${p.uscc}|${p.period}`);
      if (start) days.push(daysBetween(start, p.paidAt));
    }
    const deptDays = daysByDepartment.get(f.department) ?? [];
    for (const d of days) deptDays.push(d);
    daysByDepartment.set(f.department, deptDays);
    const a = apps.get(f.id) ?? { applied: 0, approved: 0 };
    const auto = f.mode === 'auto';
    return {
      policyId: f.id,
      title: f.title,
      department: f.department,
      departmentName: deptName.get(f.department) ?? f.department,
      mode: auto ? 'auto' : 'apply',
      status: f.status,
      eligible: f.eligible,
      notified: notified.get(f.id) ?? 0,
      applied: auto ? null : a.applied,
      approved: auto ? (approvedItems.get(f.id) ?? 0) : a.approved,
      paidCount: paid.length,
      paidFen: paid.reduce((s, p) => s + p.amountFen, 0),
      medianDaysToPayment: median(days),
    };
  });
  return { rows, daysByDepartment };
}

export async function evaluatePolicies(db: Executor, user: AuthUser, department?: string): Promise<PolicyEvaluation[]> {
  return (await compute(db, scopeDepartment(user, department))).rows;
}

/** Per department totals; leader and admin get every department of the district side by side (zeros included). */
export async function evaluateDepartments(db: Executor, user: AuthUser): Promise<DepartmentEvaluation[]> {
  const scope = scopeDepartment(user, undefined);
  const { rows, daysByDepartment } = await compute(db, scope);
  const org = await listOrg(db);
  const departments = scope ? org.departments.filter((d) => d.code === scope) : org.departments;
  for (const r of rows) if (!departments.some((d) => d.code === r.department)) departments.push({ code: r.department, name: r.departmentName });
  if (scope && departments.length === 0) departments.push({ code: scope, name: scope });
  return departments.map((d) => {
    const mine = rows.filter((r) => r.department === d.code);
    const sum = (f: (r: PolicyEvaluation) => number) => mine.reduce((s, r) => s + f(r), 0);
    return {
      department: d.code,
      departmentName: d.name,
      policies: mine.length,
      eligible: sum((r) => r.eligible),
      notified: sum((r) => r.notified),
      applied: sum((r) => r.applied ?? 0),
      approved: sum((r) => r.approved),
      paidCount: sum((r) => r.paidCount),
      paidFen: sum((r) => r.paidFen),
      medianDaysToPayment: median(daysByDepartment.get(d.code) ?? []),
    };
  });
}
