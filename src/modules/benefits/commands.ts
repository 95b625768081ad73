import { sql } from 'kysely';
import { evaluateBenefit, preparePolicySet, type BenefitFormula, type Rule } from '../../core/rules/index.ts';
import type { AuthUser } from '../../platform/access.ts';
import { actorOf, appendAudit, type Actor } from '../../platform/audit.ts';
import type { Db, Executor, Tx } from '../../platform/db/schema.ts';
import { AppError, Errors } from '../../platform/errors.ts';
import { allEnterpriseRecords, rulesCatalog } from '../enterprises/index.ts';
import { BATCH_STATUS_LABELS, nextBatchStatus, periodProblem, paymentRef, planItems, totalsOf, type BatchAction, type BatchStatus, type Candidate } from './domain/batch.ts';
import { todayInShanghai } from '../../platform/clock.ts';


/** Admin, and staff of the policy's department (谁制订、谁兑付), compute, approve and pay its batches. */
export function canManage(user: AuthUser, department: string): boolean {
  return user.role === 'admin' || (user.role === 'dept' && user.department === department);
}

export function assertCanManage(user: AuthUser, department: string): void {
  if (!canManage(user, department)) throw Errors.forbidden('只能办理本部门政策的兑付批次');
}

/** A period of the right form and within the sensible years (domain/batch.ts), today in Asia/Shanghai. */
export function checkPeriod(period: string, today: string = todayInShanghai()): void {
  const problem = periodProblem(period, today);
  if (problem) throw Errors.validation('period', problem);
}

interface PolicyInfo {
  id: number;
  title: string;
  department: string;
  mode: 'apply' | 'auto';
  status: string;
  version: number;
  budget: number | null;
  eligibility: Rule;
  benefit: BenefitFormula | null;
}

/**
 * Checked before anything else is read about the policy (its status included): staff of
 * another department get 403, or 404 for its drafts, which do not exist for them.
 */
async function assertCanManagePolicy(db: Executor, user: AuthUser, policyId: number): Promise<void> {
  const p = await db.selectFrom('policies').select(['department', 'status']).where('id', '=', policyId).executeTakeFirst();
  if (!p || (!canManage(user, p.department) && (p.status === 'draft' || p.status === 'review'))) throw Errors.notFound('政策', `政策 ${policyId} 不存在`);
  assertCanManage(user, p.department);
}

/** The policy with its PUBLISHED version's content (every batch, match and payment names that version, P-1). */
export async function loadPolicy(db: Executor, id: number): Promise<PolicyInfo> {
  const p = await db.selectFrom('policies').select(['id', 'title', 'department', 'mode', 'status', 'published_version']).where('id', '=', id).executeTakeFirst();
  if (!p) throw Errors.notFound('政策', `政策 ${id} 不存在`);
  if (p.published_version < 1) throw new AppError('POLICY_NOT_PUBLISHED', 409, '政策尚未发布', { detail: `政策 ${id} 没有已发布的版本` });
  const v = await db.selectFrom('policy_versions').select('content').where('policy_id', '=', id).where('version', '=', p.published_version).executeTakeFirstOrThrow();
  const c = v.content as { title: string; department: string; mode: 'apply' | 'auto'; budget?: number | null; eligibility: Rule; benefit?: BenefitFormula | null };
  return { id: Number(p.id), title: c.title, department: c.department, mode: c.mode, status: p.status, version: p.published_version, budget: c.budget ?? null, eligibility: c.eligibility, benefit: c.benefit ?? null };
}


export interface MatchRow {
  uscc: string;
  name: string;
  established: string | null;
  /** Amount by the benefit formula in fen; null when the policy has no formula or the amount's data are missing. */
  amountFen: number | null;
  reason?: string;
}

/**
 * Enterprises eligible NOW under the published version: its eligibility rule
 * (three-valued, like P-4 matching: only 'true' counts) over the current
 * records, each with its amount by the benefit formula.
 */
export async function eligibleNow(db: Executor, policy: PolicyInfo, today = todayInShanghai()): Promise<MatchRow[]> {
  const explainer = preparePolicySet([{ id: String(policy.id), rule: policy.eligibility }], { catalog: await rulesCatalog(db), today, maxNearMisses: 0 });
  const rows: MatchRow[] = [];
  for await (const { uscc, record } of allEnterpriseRecords(db)) {
    if (explainer.explainAll(record)[0]!.status !== 'true') continue;
    const base = { uscc, name: String(record.name ?? ''), established: typeof record.established === 'string' ? record.established : null };
    if (!policy.benefit) {
      rows.push({ ...base, amountFen: null, reason: '政策未设兑付金额公式' });
      continue;
    }
    try {
      const r = evaluateBenefit(policy.benefit, record, { today });
      rows.push(r.status === 'ok' ? { ...base, amountFen: r.fen } : { ...base, amountFen: null, reason: `缺少数据：${r.missing.join('、')}` });
    } catch (err) {
      rows.push({ ...base, amountFen: null, reason: `金额公式无法计算：${err instanceof Error ? err.message : String(err)}` });
    }
  }
  return rows;
}

/**
 * Budget still available to one batch of a policy: its budget minus what the
 * ledger has paid for other periods and what other approved batches still
 * owe. null = unlimited.
 */
async function availableFor(db: Executor, policy: PolicyInfo, period: string): Promise<number | null> {
  if (policy.budget === null) return null;
  const paid = await db.selectFrom('benefit_ledger').select((eb) => eb.fn.coalesce(eb.fn.sum<number>('amount_fen'), sql<number>`0`).as('s')).where('policy_id', '=', policy.id).where('period', '<>', period).executeTakeFirstOrThrow();
  const owed = await db
    .selectFrom('benefit_batch_items as i')
    .innerJoin('benefit_batches as b', 'b.id', 'i.batch_id')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('i.amount_fen'), sql<number>`0`).as('s'))
    .where('b.policy_id', '=', policy.id)
    .where('b.period', '<>', period)
    .where('b.status', 'in', ['approved', 'paying'])
    .where('i.state', '=', 'pending')
    .executeTakeFirstOrThrow();
  return Math.max(0, policy.budget - Number(paid.s) - Number(owed.s));
}

async function candidatesOf(db: Executor, policy: PolicyInfo, period: string, today?: string): Promise<Candidate[]> {
  if (policy.mode === 'auto') {
    // No formula: a benefit without money (e.g. a service); it is recorded as enjoyed with 0 fen.
    return (await eligibleNow(db, policy, today)).map((m) => ({ uscc: m.uscc, name: m.name, orderKey: m.established, amountFen: policy.benefit ? m.amountFen : 0, reason: m.reason }));
  }
  // 申报: the claims recorded when applications were approved; first approved, first in the order.
  const claims = await db
    .selectFrom('benefit_claims as c')
    .leftJoin('enterprises as e', 'e.uscc', 'c.uscc')
    .select(['c.id', 'c.uscc', 'c.amount_fen', 'e.name'])
    .where('c.policy_id', '=', policy.id)
    .where('c.period', '=', period)
    .orderBy('c.id')
    .execute();
  return claims.map((c) => ({ uscc: c.uscc, name: c.name ?? '', orderKey: String(Number(c.id)).padStart(12, '0'), amountFen: Number(c.amount_fen) }));
}

export interface BatchRef {
  id: number;
  status: BatchStatus;
  /** False when the batch was already approved (or later) and returned unchanged. */
  recomputed: boolean;
}

/**
 * Builds (or refreshes) the batch of a policy and period. The same policy and
 * period always give the same batch; a draft is recomputed, an approved or
 * later batch is returned as it is.
 */
export async function computeBatch(db: Db, actor: Actor, user: AuthUser | null, input: { policyId: number; period: string; today?: string }): Promise<BatchRef> {
  checkPeriod(input.period, input.today);
  if (user) await assertCanManagePolicy(db, user, input.policyId);
  const policy = await loadPolicy(db, input.policyId);
  if (user) assertCanManage(user, policy.department);
  const existing = await db.selectFrom('benefit_batches').select(['id', 'status']).where('policy_id', '=', policy.id).where('period', '=', input.period).executeTakeFirst();
  if (existing && existing.status !== 'draft') return { id: Number(existing.id), status: existing.status, recomputed: false };
  if (policy.mode === 'auto' && policy.status !== 'published') throw new AppError('POLICY_NOT_PUBLISHED', 409, '政策不在有效期内，不能计算兑付', { detail: `政策状态：${policy.status}` });
  // Read everything first; the transaction only writes (PGlite has one session).
  const candidates = await candidatesOf(db, policy, input.period, input.today);
  const available = await availableFor(db, policy, input.period);
  const items = planItems(candidates, available);
  const totals = totalsOf(items);
  return db.transaction().execute(async (tx) => {
    await tx.insertInto('benefit_batches').values({ policy_id: policy.id, policy_version: policy.version, source: policy.mode, period: input.period, budget_fen: policy.budget, available_fen: available, created_by: actor.username }).onConflict((oc) => oc.columns(['policy_id', 'period']).doNothing()).execute();
    const b = await tx.selectFrom('benefit_batches').select(['id', 'status']).where('policy_id', '=', policy.id).where('period', '=', input.period).forUpdate().executeTakeFirstOrThrow();
    const id = Number(b.id);
    if (b.status !== 'draft') return { id, status: b.status, recomputed: false };
    await tx.deleteFrom('benefit_batch_items').where('batch_id', '=', id).execute();
    for (let i = 0; i < items.length; i += 2000) {
      const chunk = items.slice(i, i + 2000).map((it) => ({ batch_id: id, seq: it.seq, uscc: it.uscc, name: it.name, amount_fen: it.amountFen, state: it.state, reason: it.reason, payment_ref: paymentRef(policy.id, input.period, it.uscc) }));
      await tx.insertInto('benefit_batch_items').values(chunk).execute();
    }
    await tx
      .updateTable('benefit_batches')
      .set({
        policy_version: policy.version,
        budget_fen: policy.budget,
        available_fen: available,
        item_count: totals.itemCount,
        total_fen: totals.totalFen,
        payable_count: totals.payableCount,
        payable_fen: totals.payableFen,
        waiting_count: totals.waitingCount,
        waiting_fen: totals.waitingFen,
        held_count: totals.heldCount,
        computed_at: new Date(),
      })
      .where('id', '=', id)
      .execute();
    await appendAudit(tx, actor, { action: 'benefit.batch.compute', target: `benefit-batch:${id}`, change: { policyId: policy.id, version: policy.version, period: input.period, available, ...totals } });
    return { id, status: 'draft' as const, recomputed: true };
  });
}

function badTransition(status: BatchStatus, action: BatchAction): AppError {
  const what = { approve: '审核通过', startPaying: '发放', finish: '完成发放' }[action];
  return new AppError('BATCH_BAD_TRANSITION', 409, '批次当前状态不允许此操作', { detail: `批次${BATCH_STATUS_LABELS[status]}，不能${what}`, extra: { batchStatus: status } });
}

async function lockBatch(tx: Tx, id: number) {
  const b = await tx.selectFrom('benefit_batches').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  if (!b) throw Errors.notFound('兑付批次', `兑付批次 ${id} 不存在`);
  return b;
}

/** Moves a locked batch one step along the table of transitions, audited in the same transaction. */
async function step(tx: Tx, actor: Actor, b: { id: number; status: BatchStatus }, action: BatchAction, set: Record<string, unknown> = {}): Promise<BatchStatus> {
  const to = nextBatchStatus(b.status, action);
  if (!to) throw badTransition(b.status, action);
  await tx.updateTable('benefit_batches').set({ status: to, ...set }).where('id', '=', b.id).execute();
  await appendAudit(tx, actor, { action: `benefit.batch.${action}`, target: `benefit-batch:${b.id}`, change: { from: b.status, to, ...set } });
  return to;
}

/** 审核通过: only a draft, only by admin or the policy's department, only if it still fits the budget and the published version. */
export async function approveBatch(db: Db, user: AuthUser, batchId: number): Promise<{ id: number; status: BatchStatus }> {
  const batch = await db.selectFrom('benefit_batches').selectAll().where('id', '=', batchId).executeTakeFirst();
  if (!batch) throw Errors.notFound('兑付批次', `兑付批次 ${batchId} 不存在`);
  const policy = await loadPolicy(db, Number(batch.policy_id));
  assertCanManage(user, policy.department);
  const available = await availableFor(db, policy, batch.period);
  return db.transaction().execute(async (tx) => {
    const b = await lockBatch(tx, batchId);
    if (!nextBatchStatus(b.status, 'approve')) throw badTransition(b.status, 'approve');
    if (b.source === 'auto' && b.policy_version !== policy.version) throw new AppError('BATCH_STALE', 409, '政策已发布新版本，请重新计算批次', { detail: `批次按第 ${b.policy_version} 版计算，当前为第 ${policy.version} 版` });
    if (available !== null && Number(b.payable_fen) > available) {
      throw new AppError('BUDGET_EXCEEDED', 409, '批次金额超出可用预算', { detail: `待发放 ${(Number(b.payable_fen) / 100).toFixed(2)} 元，可用预算 ${(available / 100).toFixed(2)} 元；请重新计算批次`, extra: { payableFen: Number(b.payable_fen), availableFen: available } });
    }
    const status = await step(tx, actorOf(user), { id: batchId, status: b.status }, 'approve', { approved_by: user.username, approved_at: new Date() });
    return { id: batchId, status };
  });
}

export interface PayResult {
  id: number;
  status: BatchStatus;
  paidNow: number;
  paidCount: number;
  paidFen: number;
}

async function paidTotals(db: Executor, batchId: number): Promise<{ paidCount: number; paidFen: number }> {
  const r = await db.selectFrom('benefit_ledger').select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.coalesce(eb.fn.sum<number>('amount_fen'), sql<number>`0`).as('s')]).where('batch_id', '=', batchId).executeTakeFirstOrThrow();
  return { paidCount: Number(r.n), paidFen: Number(r.s) };
}

/**
 * 发放: pays every pending item, each in its own small transaction (ledger row
 * ON CONFLICT DO NOTHING + item marked paid + audit), so a kill at any point
 * loses nothing and pays nothing twice; a rerun continues where it stopped.
 * approved → paying → paid; calling it on a paid batch changes nothing.
 */
export async function payBatch(db: Db, actor: Actor, user: AuthUser | null, batchId: number, opts: { delayMs?: number; onProgress?: (paidNow: number, pendingAtStart: number) => void } = {}): Promise<PayResult> {
  const head = await db.selectFrom('benefit_batches').selectAll().where('id', '=', batchId).executeTakeFirst();
  if (!head) throw Errors.notFound('兑付批次', `兑付批次 ${batchId} 不存在`);
  if (user) {
    const p = await db.selectFrom('policies').select('department').where('id', '=', Number(head.policy_id)).executeTakeFirstOrThrow();
    assertCanManage(user, p.department);
  }
  if (head.status === 'draft') throw new AppError('BATCH_NOT_APPROVED', 409, '批次尚未审核通过，不能发放', { detail: '批次待审核，请先审核通过', extra: { batchStatus: head.status } });
  if (head.status === 'approved') {
    await db.transaction().execute(async (tx) => {
      const b = await lockBatch(tx, batchId);
      if (b.status === 'approved') await step(tx, actor, { id: batchId, status: b.status }, 'startPaying');
    });
  }
  const policyId = Number(head.policy_id);
  let paidNow = 0;
  const pendingAtStart = Number((await db.selectFrom('benefit_batch_items').select((eb) => eb.fn.countAll<number>().as('n')).where('batch_id', '=', batchId).where('state', '=', 'pending').executeTakeFirstOrThrow()).n);
  opts.onProgress?.(0, pendingAtStart);
  for (;;) {
    const next = await db.selectFrom('benefit_batch_items').select(['uscc', 'seq']).where('batch_id', '=', batchId).where('state', '=', 'pending').orderBy('seq').limit(1).executeTakeFirst();
    if (!next) break;
    const paid = await db.transaction().execute(async (tx) => {
      const it = await tx.selectFrom('benefit_batch_items').selectAll().where('batch_id', '=', batchId).where('uscc', '=', next.uscc).forUpdate().executeTakeFirstOrThrow();
      if (it.state !== 'pending') return false; // paid by a concurrent run meanwhile
      const inserted = await tx
        .insertInto('benefit_ledger')
        .values({ policy_id: policyId, period: head.period, uscc: it.uscc, amount_fen: Number(it.amount_fen), policy_version: head.policy_version, batch_id: batchId, payment_ref: it.payment_ref })
        .onConflict((oc) => oc.columns(['policy_id', 'period', 'uscc']).doNothing())
        .returning('id')
        .executeTakeFirst();
      const now = new Date();
      await tx.updateTable('benefit_batch_items').set({ state: 'paid', paid_at: now, reason: inserted ? null : '台账已有该笔兑付，未重复发放' }).where('batch_id', '=', batchId).where('uscc', '=', it.uscc).execute();
      await appendAudit(tx, actor, { action: inserted ? 'benefit.pay' : 'benefit.pay.duplicate', target: `benefit:${policyId}:${head.period}:${it.uscc}`, change: { batchId, paymentRef: it.payment_ref, amountFen: Number(it.amount_fen), version: head.policy_version } }, now);
      return !!inserted;
    });
    if (paid) paidNow++;
    opts.onProgress?.(paidNow, pendingAtStart);
    if (opts.delayMs) await new Promise((r) => setTimeout(r, opts.delayMs));
  }
  const status = await db.transaction().execute(async (tx) => {
    const b = await lockBatch(tx, batchId);
    if (b.status !== 'paying') return b.status;
    const left = await tx.selectFrom('benefit_batch_items').select('uscc').where('batch_id', '=', batchId).where('state', '=', 'pending').limit(1).executeTakeFirst();
    if (left) return b.status;
    return step(tx, actor, { id: batchId, status: b.status }, 'finish', { paid_at: new Date() });
  });
  return { id: batchId, status, paidNow, ...(await paidTotals(db, batchId)) };
}

export interface ClaimInput {
  policyId: number;
  version: number;
  period: string;
  uscc: string;
  amountFen: number;
  applicationId?: number | null;
}

/**
 * 申报 mode input (called by applications when one is approved, inside its
 * transaction): the amount an enterprise is to receive for a policy and
 * period. Idempotent for the same claim; a different amount for the same
 * (policy, period, enterprise) is a conflict; a period whose batch is already
 * approved is closed (the claim would otherwise be silently left out).
 */
export async function recordClaim(tx: Tx, input: ClaimInput, actor?: Actor): Promise<{ id: number; created: boolean }> {
  checkPeriod(input.period);
  if (!Number.isSafeInteger(input.amountFen) || input.amountFen < 0) throw Errors.validation('amountFen', '金额以分为单位，须为非负整数');
  const policy = await loadPolicy(tx, input.policyId);
  if (policy.mode !== 'apply') throw new AppError('CLAIM_WRONG_MODE', 409, '免申即享政策无需申报兑付', { detail: `政策 ${policy.id} 为免申即享，兑付按规则计算` });
  if (policy.budget !== null && input.amountFen > policy.budget) throw new AppError('BUDGET_EXCEEDED', 409, '金额超出政策预算', { field: 'amountFen', detail: `申报金额 ${(input.amountFen / 100).toFixed(2)} 元，政策预算 ${(policy.budget / 100).toFixed(2)} 元` });
  const batch = await tx.selectFrom('benefit_batches').select(['id', 'status']).where('policy_id', '=', input.policyId).where('period', '=', input.period).executeTakeFirst();
  if (batch && batch.status !== 'draft') throw new AppError('BATCH_CLOSED', 409, '该期兑付批次已审核，请计入下一期', { detail: `批次 ${batch.id} ${BATCH_STATUS_LABELS[batch.status]}` });
  const ins = await tx
    .insertInto('benefit_claims')
    .values({ policy_id: input.policyId, version: input.version, period: input.period, uscc: input.uscc, amount_fen: input.amountFen, application_id: input.applicationId ?? null })
    .onConflict((oc) => oc.columns(['policy_id', 'period', 'uscc']).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!ins) {
    const ex = await tx.selectFrom('benefit_claims').selectAll().where('policy_id', '=', input.policyId).where('period', '=', input.period).where('uscc', '=', input.uscc).executeTakeFirstOrThrow();
    if (Number(ex.amount_fen) !== input.amountFen) throw new AppError('CLAIM_EXISTS', 409, '该企业本期已有兑付申报', { detail: `已记录 ${(Number(ex.amount_fen) / 100).toFixed(2)} 元` });
    return { id: Number(ex.id), created: false };
  }
  const id = Number(ins.id);
  await appendAudit(tx, actor ?? { userId: null, username: 'system', role: 'system' }, { action: 'benefit.claim', target: `benefit:${input.policyId}:${input.period}:${input.uscc}`, change: { ...input, id } });
  return { id, created: true };
}
