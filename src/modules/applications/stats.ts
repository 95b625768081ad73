import type { Executor } from '../../platform/db/schema.ts';

export interface ApplicationCounts {
  /** Applications ever submitted (first submission recorded). */
  applied: number;
  /** Applications approved. */
  approved: number;
}

/** 申报 figures for 政策评估 (P-8), per policy. */
export async function applicationCounts(db: Executor, policyIds: readonly number[]): Promise<Map<number, ApplicationCounts>> {
  const out = new Map<number, ApplicationCounts>();
  if (policyIds.length === 0) return out;
  const rows = await db
    .selectFrom('applications')
    .select(['policy_id'])
    .select((eb) => [
      eb.fn.countAll<number>().filterWhere('submitted_at', 'is not', null).as('applied'),
      eb.fn.countAll<number>().filterWhere('status', '=', 'approved').as('approved'),
    ])
    .where('policy_id', 'in', policyIds)
    .groupBy('policy_id')
    .execute();
  for (const r of rows) out.set(Number(r.policy_id), { applied: Number(r.applied), approved: Number(r.approved) });
  return out;
}

/** First submission time (ISO) of each approved application, keyed `${policyId}|${uscc}|${period}` — the start of "days to payment" for 申报 policies. */
export async function firstSubmissions(db: Executor, policyIds: readonly number[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (policyIds.length === 0) return out;
  const rows = await db
    .selectFrom('applications as a')
    .innerJoin('application_events as e', 'e.application_id', 'a.id')
    .select(['a.policy_id', 'a.uscc', 'a.period'])
    .select((eb) => eb.fn.min('e.at').as('first'))
    .where('a.policy_id', 'in', policyIds)
    .where('a.status', '=', 'approved')
    .where('e.action', '=', 'submit')
    .groupBy(['a.policy_id', 'a.uscc', 'a.period'])
    .execute();
  for (const r of rows) out.set(`${r.policy_id}|${r.uscc}|${r.period}`, new Date(r.first as Date).toISOString());
  return out;
}

/** Enterprises that have a live submitted application for the policy (submitted, returned or approved): no window reminder for them. */
export async function appliedEnterprises(db: Executor, policyId: number): Promise<Set<string>> {
  const rows = await db.selectFrom('applications').select('uscc').where('policy_id', '=', policyId).where('status', 'in', ['submitted', 'returned', 'approved']).execute();
  return new Set(rows.map((r) => r.uscc));
}

/** Submitted applications waiting for review with a review deadline on or after `today`. */
export async function pendingReviews(db: Executor, today: string): Promise<Array<{ id: number; policyTitle: string; department: string; enterpriseName: string; reviewDue: string; reviewDueProvisional: boolean }>> {
  const rows = await db
    .selectFrom('applications')
    .select(['id', 'policy_title', 'department', 'enterprise_name', 'review_due', 'review_due_provisional'])
    .where('status', '=', 'submitted')
    .where('review_due', 'is not', null)
    .where('review_due', '>=', today)
    .orderBy('id')
    .execute();
  return rows.map((r) => ({ id: Number(r.id), policyTitle: r.policy_title, department: r.department, enterpriseName: r.enterprise_name, reviewDue: String(r.review_due), reviewDueProvisional: r.review_due_provisional }));
}
