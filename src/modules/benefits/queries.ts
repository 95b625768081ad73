import type { AuthUser } from '../../platform/access.ts';
import type { Executor } from '../../platform/db/schema.ts';
import { Errors } from '../../platform/errors.ts';
import { BATCH_STATUS_LABELS, ITEM_STATE_LABELS, type BatchStatus, type ItemState } from './domain/batch.ts';

const iso = (d: Date | string | null): string | null => (d === null ? null : new Date(d).toISOString());

/** One payment of the ledger, or null: what applications and 一企一页 show as 已享受. */
export async function paymentFor(db: Executor, key: { policyId: number; period: string; uscc: string }): Promise<{ amountFen: number; paidAt: string; batchId: number; version: number; paymentRef: string } | null> {
  const r = await db.selectFrom('benefit_ledger').selectAll().where('policy_id', '=', key.policyId).where('period', '=', key.period).where('uscc', '=', key.uscc).executeTakeFirst();
  if (!r) return null;
  return { amountFen: Number(r.amount_fen), paidAt: iso(r.paid_at)!, batchId: Number(r.batch_id), version: r.policy_version, paymentRef: r.payment_ref };
}

export interface EnjoyedBenefit {
  policyId: number;
  title: string;
  version: number;
  period: string;
  amountFen: number;
  paidAt: string;
  batchId: number;
  paymentRef: string;
}

/** 已享受: every payment an enterprise received, newest first, with the policy version it was paid under. */
export async function ledgerForEnterprise(db: Executor, uscc: string): Promise<EnjoyedBenefit[]> {
  const rows = await db
    .selectFrom('benefit_ledger as l')
    .leftJoin('policy_versions as v', (j) => j.onRef('v.policy_id', '=', 'l.policy_id').onRef('v.version', '=', 'l.policy_version'))
    .select(['l.policy_id', 'l.policy_version', 'l.period', 'l.amount_fen', 'l.paid_at', 'l.batch_id', 'l.payment_ref', 'v.content'])
    .where('l.uscc', '=', uscc)
    .orderBy('l.paid_at', 'desc')
    .orderBy('l.id', 'desc')
    .execute();
  return rows.map((r) => ({
    policyId: Number(r.policy_id),
    title: String((r.content as { title?: string } | null)?.title ?? `政策 ${r.policy_id}`),
    version: r.policy_version,
    period: r.period,
    amountFen: Number(r.amount_fen),
    paidAt: iso(r.paid_at)!,
    batchId: Number(r.batch_id),
    paymentRef: r.payment_ref,
  }));
}

/** The ledger of one policy and period, in USCC order (the CLI contract `qifu benefits ledger`). */
export async function ledgerFor(db: Executor, policyId: number, period: string): Promise<Array<{ uscc: string; amountFen: number; version: number; batchId: number; paymentRef: string; paidAt: string }>> {
  const rows = await db.selectFrom('benefit_ledger').selectAll().where('policy_id', '=', policyId).where('period', '=', period).orderBy('uscc').execute();
  return rows.map((r) => ({ uscc: r.uscc, amountFen: Number(r.amount_fen), version: r.policy_version, batchId: Number(r.batch_id), paymentRef: r.payment_ref, paidAt: iso(r.paid_at)! }));
}

export interface BatchSummary {
  id: number;
  policyId: number;
  policyTitle: string;
  department: string;
  version: number;
  source: string;
  period: string;
  status: BatchStatus;
  statusLabel: string;
  itemCount: number;
  totalFen: number;
  payableCount: number;
  payableFen: number;
  waitingCount: number;
  waitingFen: number;
  heldCount: number;
  paidCount: number;
  paidFen: number;
  budgetFen: number | null;
  availableFen: number | null;
  createdBy: string;
  createdAt: string;
  computedAt: string;
  approvedBy: string | null;
  approvedAt: string | null;
  paidAt: string | null;
}

function batchQuery(db: Executor) {
  return db
    .selectFrom('benefit_batches as b')
    .innerJoin('policies as p', 'p.id', 'b.policy_id')
    .selectAll('b')
    .select(['p.title as policy_title', 'p.department'])
    .select((eb) => [
      eb.selectFrom('benefit_ledger as l').whereRef('l.batch_id', '=', 'b.id').select((e2) => e2.fn.countAll<number>().as('n')).as('paid_count'),
      eb.selectFrom('benefit_ledger as l').whereRef('l.batch_id', '=', 'b.id').select((e2) => e2.fn.sum<number>('l.amount_fen').as('s')).as('paid_fen'),
    ]);
}

type BatchRow = Awaited<ReturnType<ReturnType<typeof batchQuery>['executeTakeFirstOrThrow']>>;

function toSummary(r: BatchRow): BatchSummary {
  return {
    id: Number(r.id),
    policyId: Number(r.policy_id),
    policyTitle: r.policy_title,
    department: r.department,
    version: r.policy_version,
    source: r.source,
    period: r.period,
    status: r.status,
    statusLabel: BATCH_STATUS_LABELS[r.status],
    itemCount: r.item_count,
    totalFen: Number(r.total_fen),
    payableCount: r.payable_count,
    payableFen: Number(r.payable_fen),
    waitingCount: r.waiting_count,
    waitingFen: Number(r.waiting_fen),
    heldCount: r.held_count,
    paidCount: Number(r.paid_count ?? 0),
    paidFen: Number(r.paid_fen ?? 0),
    budgetFen: r.budget_fen === null ? null : Number(r.budget_fen),
    availableFen: r.available_fen === null ? null : Number(r.available_fen),
    createdBy: r.created_by,
    createdAt: iso(r.created_at)!,
    computedAt: iso(r.computed_at)!,
    approvedBy: r.approved_by,
    approvedAt: iso(r.approved_at),
    paidAt: iso(r.paid_at),
  };
}

/** dept staff see the batches of their department's policies; admin and leader all. */
export async function listBatches(db: Executor, user: AuthUser, f: { page: number; pageSize: number; status?: BatchStatus; policyId?: number }): Promise<{ items: BatchSummary[]; total: number }> {
  let q = batchQuery(db);
  if (user.role === 'dept') q = q.where('p.department', '=', user.department ?? '');
  if (f.status) q = q.where('b.status', '=', f.status);
  if (f.policyId) q = q.where('b.policy_id', '=', f.policyId);
  const all = await q.orderBy('b.id', 'desc').execute();
  return { items: all.slice((f.page - 1) * f.pageSize, f.page * f.pageSize).map(toSummary), total: all.length };
}

/** A batch; with a user, a dept user only gets the batches of its department's policies (403 otherwise). */
export async function getBatch(db: Executor, user: AuthUser | null, id: number): Promise<BatchSummary> {
  const r = await batchQuery(db).where('b.id', '=', id).executeTakeFirst();
  if (!r) throw Errors.notFound('兑付批次', `兑付批次 ${id} 不存在`);
  if (user && user.role === 'dept' && r.department !== user.department) throw Errors.forbidden('只能查看本部门政策的兑付批次');
  return toSummary(r);
}

export interface BatchItemView {
  seq: number;
  uscc: string;
  name: string;
  amountFen: number;
  state: ItemState;
  stateLabel: string;
  reason: string | null;
  paymentRef: string;
  paidAt: string | null;
}

export async function batchItems(db: Executor, batchId: number, f: { page: number; pageSize: number; state?: ItemState }): Promise<{ items: BatchItemView[]; total: number }> {
  let q = db.selectFrom('benefit_batch_items').where('batch_id', '=', batchId);
  if (f.state) q = q.where('state', '=', f.state);
  const { n } = await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const rows = await q.selectAll().orderBy('seq').limit(f.pageSize).offset((f.page - 1) * f.pageSize).execute();
  return {
    total: Number(n),
    items: rows.map((r) => ({ seq: r.seq, uscc: r.uscc, name: r.name, amountFen: Number(r.amount_fen), state: r.state, stateLabel: ITEM_STATE_LABELS[r.state], reason: r.reason, paymentRef: r.payment_ref, paidAt: iso(r.paid_at) })),
  };
}
