import type { Executor } from '../../platform/db/schema.ts';

export interface Payment {
  policyId: number;
  version: number;
  period: string;
  uscc: string;
  amountFen: number;
  paidAt: string;
}

/** Every ledger payment of the given policies (政策评估 P-8). */
export async function paymentsOf(db: Executor, policyIds: readonly number[]): Promise<Payment[]> {
  if (policyIds.length === 0) return [];
  const rows = await db.selectFrom('benefit_ledger').select(['policy_id', 'policy_version', 'period', 'uscc', 'amount_fen', 'paid_at']).where('policy_id', 'in', policyIds).orderBy('id').execute();
  return rows.map((r) => ({ policyId: Number(r.policy_id), version: r.policy_version, period: r.period, uscc: r.uscc, amountFen: Number(r.amount_fen), paidAt: new Date(r.paid_at).toISOString() }));
}

/** 免申即享 "approved": items of approved (or paying / paid) batches that are due to be paid or paid, per policy. */
export async function approvedItemCounts(db: Executor, policyIds: readonly number[]): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  if (policyIds.length === 0) return out;
  const rows = await db
    .selectFrom('benefit_batch_items as i')
    .innerJoin('benefit_batches as b', 'b.id', 'i.batch_id')
    .select(['b.policy_id'])
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('b.policy_id', 'in', policyIds)
    .where('b.status', '<>', 'draft')
    .where('i.state', 'in', ['pending', 'paid'])
    .groupBy('b.policy_id')
    .execute();
  for (const r of rows) out.set(Number(r.policy_id), Number(r.n));
  return out;
}
