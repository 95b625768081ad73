import { sql } from 'kysely';
import type { ProvisionalDate } from '../../core/calendar/index.ts';
import type { AuthUser } from '../../platform/access.ts';
import { actorOf, appendAudit } from '../../platform/audit.ts';
import type { Db, Executor, Tx } from '../../platform/db/schema.ts';
import { AppError, Errors } from '../../platform/errors.ts';
import type { CheckedFile, StoredFile } from '../../platform/files.ts';
import { recordClaim } from '../benefits/index.ts';
import { calendarForDeadlines } from '../calendar/index.ts';
import { findEnterprise, rowToFlat } from '../enterprises/index.ts';
import { dueDate, isOverdue } from './domain/deadlines.ts';
import { EDITABLE_FIELDS, formProblems, missingMaterials, prefillForm, type ApplicationForm, type EditableField } from './domain/form.ts';
import { nextStatus, STATUS_LABELS, TRANSITIONS, isEditable, type ApplicationAction, type ApplicationStatus } from './domain/state.ts';
import { settingsFor } from './settings.ts';


/** The published version of a policy, as applications need it (read from the policies module's tables). */
export interface ApplyPolicy {
  id: number;
  version: number;
  status: string;
  title: string;
  department: string;
  mode: string;
  applyFrom: string | null;
  applyTo: string | null;
  materials: string[];
  budget: number | null;
}

export async function loadApplyPolicy(db: Executor, id: number, version?: number): Promise<ApplyPolicy | null> {
  const p = await db.selectFrom('policies').select(['id', 'status', 'published_version']).where('id', '=', id).executeTakeFirst();
  if (!p || p.published_version < 1) return null;
  const v = version ?? p.published_version;
  const row = await db.selectFrom('policy_versions').select('content').where('policy_id', '=', id).where('version', '=', v).executeTakeFirst();
  if (!row) return null;
  const c = row.content as { title: string; department: string; mode: string; applyFrom?: string | null; applyTo?: string | null; materials?: string[]; budget?: number | null };
  return { id: Number(p.id), version: v, status: p.status, title: c.title, department: c.department, mode: c.mode, applyFrom: c.applyFrom ?? null, applyTo: c.applyTo ?? null, materials: c.materials ?? [], budget: c.budget ?? null };
}

/** Only published apply-mode policies inside their application window (Asia/Shanghai today) accept applications. */
export function assertAccepting(p: ApplyPolicy, today: string): void {
  if (p.mode !== 'apply') throw new AppError('POLICY_NOT_APPLICABLE', 409, '该政策为免申即享，无需申报', { detail: `政策 ${p.id} 由系统按规则直接兑付` });
  if (p.status !== 'published') throw new AppError('POLICY_NOT_APPLICABLE', 409, '该政策当前不接受申报', { detail: `政策状态：${p.status}` });
  if ((p.applyFrom && today < p.applyFrom) || (p.applyTo && today > p.applyTo)) {
    throw new AppError('APPLICATION_WINDOW_CLOSED', 409, '不在申报期内', { detail: `申报期 ${p.applyFrom ?? '不限'} 至 ${p.applyTo ?? '不限'}，今天是 ${today}` });
  }
}

/**
 * A step deadline on the calendar in effect, inside the writer's transaction.
 * Running into a year without calendar data it is provisional (暂定) rather
 * than an error (F-9); loading that year recomputes it (applicationDeadlines).
 */
async function deadline(tx: Tx, start: string, workdays: number): Promise<ProvisionalDate> {
  return dueDate(await calendarForDeadlines(tx), start, workdays);
}

export type ApplicationRow = NonNullable<Awaited<ReturnType<typeof findApplication>>>;

export async function findApplication(db: Executor, id: number, lock = false) {
  let q = db.selectFrom('applications').selectAll().where('id', '=', id);
  if (lock) q = q.forUpdate();
  return q.executeTakeFirst();
}

/**
 * Who sees an application: the enterprise its own, department staff those
 * made to their department's policies, admin and leader all. Anyone else gets
 * 404 — for them the application does not exist.
 */
export function canSeeApplication(user: AuthUser, a: { uscc: string; department: string }): boolean {
  switch (user.role) {
    case 'admin':
    case 'leader':
      return true;
    case 'dept':
      return !!user.department && user.department === a.department;
    case 'enterprise':
      return !!user.uscc && user.uscc === a.uscc;
    default:
      return false;
  }
}

export async function loadVisible(db: Executor, user: AuthUser, id: number, lock = false): Promise<ApplicationRow> {
  const a = await findApplication(db, id, lock);
  if (!a || !canSeeApplication(user, a)) throw Errors.notFound('申报');
  return a;
}

async function addEvent(tx: Tx, user: AuthUser, e: { applicationId: number; action: string; from: ApplicationStatus | null; to: ApplicationStatus; note?: string | null; amountFen?: number | null; deadline?: ProvisionalDate | null }): Promise<void> {
  await tx
    .insertInto('application_events')
    .values({ application_id: e.applicationId, action: e.action, from_status: e.from, to_status: e.to, actor: user.username, actor_name: user.displayName, role: user.role, note: e.note ?? null, amount_fen: e.amountFen ?? null, deadline: e.deadline?.date ?? null, deadline_provisional: e.deadline?.provisional ?? false })
    .execute();
}

/** Opens a draft application prefilled from the enterprise's record; one live application per (policy, enterprise, period). */
export async function createApplication(db: Db, user: AuthUser, policyId: number, today: string): Promise<{ id: number }> {
  if (user.role !== 'enterprise' || !user.uscc) throw Errors.forbidden('只有企业用户可以申报');
  const uscc = user.uscc;
  const policy = await loadApplyPolicy(db, policyId);
  if (!policy) throw Errors.notFound('政策');
  assertAccepting(policy, today);
  const ent = await findEnterprise(db, uscc);
  if (!ent) throw Errors.notFound('企业', '企业名录中没有本企业的记录，请联系主管部门');
  const period = today.slice(0, 4);
  const form = prefillForm(rowToFlat(ent), uscc, ent.name);
  return db.transaction().execute(async (tx) => {
    // Serialise openings for one enterprise and policy so the "one live application" check cannot race.
    await sql`select pg_advisory_xact_lock(hashtext(${`application:${policyId}:${uscc}`}))`.execute(tx);
    const live = await tx.selectFrom('applications').select(['id', 'status']).where('policy_id', '=', policyId).where('uscc', '=', uscc).where('period', '=', period).where('status', '<>', 'rejected').executeTakeFirst();
    if (live) {
      throw new AppError('APPLICATION_EXISTS', 409, '本年度已有该政策的申报', { detail: `申报 ${live.id}（${STATUS_LABELS[live.status]}）`, extra: { applicationId: Number(live.id) } });
    }
    const row = await tx
      .insertInto('applications')
      .values({ policy_id: policyId, policy_version: policy.version, policy_title: policy.title, department: policy.department, uscc, enterprise_name: ent.name, period, form: JSON.stringify(form), created_by: user.username })
      .returning('id')
      .executeTakeFirstOrThrow();
    const id = Number(row.id);
    await addEvent(tx, user, { applicationId: id, action: 'create', from: null, to: 'draft' });
    await appendAudit(tx, actorOf(user), { action: 'application.create', target: `application:${id}`, change: { policyId, version: policy.version, uscc, period } });
    return { id };
  });
}

function assertOwnerEditable(user: AuthUser, a: ApplicationRow): void {
  if (user.role !== 'enterprise' || user.uscc !== a.uscc) throw Errors.forbidden('只有申报企业可以修改申报');
  if (!isEditable(a.status)) throw new AppError('APPLICATION_NOT_EDITABLE', 409, '当前状态不能修改申报', { detail: `当前状态：${STATUS_LABELS[a.status]}` });
}

export async function updateForm(db: Db, user: AuthUser, id: number, patch: Partial<Pick<ApplicationForm, EditableField>>): Promise<void> {
  await db.transaction().execute(async (tx) => {
    const a = await loadVisible(tx, user, id, true);
    assertOwnerEditable(user, a);
    const form = { ...(a.form as unknown as ApplicationForm) };
    const changed: Record<string, unknown> = {};
    for (const k of EDITABLE_FIELDS) {
      if (patch[k] === undefined) continue;
      (form as unknown as Record<string, unknown>)[k] = typeof patch[k] === 'string' ? (patch[k] as string).trim() : patch[k];
      changed[k] = patch[k];
    }
    await tx.updateTable('applications').set({ form: JSON.stringify(form), updated_at: new Date() }).where('id', '=', id).execute();
    await appendAudit(tx, actorOf(user), { action: 'application.update', target: `application:${id}`, change: changed });
  });
}

/** Records an uploaded (already type-checked and stored) file against the application. */
export async function addFile(db: Db, user: AuthUser, id: number, f: { filename: string; material: string | null; checked: CheckedFile; stored: StoredFile }): Promise<number> {
  return db.transaction().execute(async (tx) => {
    const a = await loadVisible(tx, user, id, true);
    assertOwnerEditable(user, a);
    const row = await tx
      .insertInto('application_files')
      .values({ application_id: id, material: f.material, filename: f.filename, ext: f.checked.ext, mime: f.checked.mime, size: f.stored.size, hash: f.stored.hash, uploaded_by: user.username })
      .returning('id')
      .executeTakeFirstOrThrow();
    const fileId = Number(row.id);
    await appendAudit(tx, actorOf(user), { action: 'application.file.add', target: `application:${id}`, change: { fileId, material: f.material, filename: f.filename, ext: f.checked.ext, size: f.stored.size, sha256: f.stored.hash } });
    return fileId;
  });
}

export async function removeFile(db: Db, user: AuthUser, id: number, fileId: number): Promise<void> {
  await db.transaction().execute(async (tx) => {
    const a = await loadVisible(tx, user, id, true);
    assertOwnerEditable(user, a);
    const del = await tx.deleteFrom('application_files').where('id', '=', fileId).where('application_id', '=', id).returning(['id', 'hash', 'filename']).executeTakeFirst();
    if (!del) throw Errors.notFound('材料');
    // The content stays in the content-addressed store (other applications may share it).
    await appendAudit(tx, actorOf(user), { action: 'application.file.remove', target: `application:${id}`, change: { fileId, filename: del.filename, sha256: del.hash } });
  });
}

/** Approved amounts for a policy and period, fen. */
export async function approvedTotal(db: Executor, policyId: number, period: string): Promise<number> {
  const r = await db.selectFrom('applications').select((eb) => eb.fn.sum<number>('amount_fen').as('s')).where('policy_id', '=', policyId).where('period', '=', period).where('status', '=', 'approved').executeTakeFirstOrThrow();
  return Number(r.s ?? 0);
}

const NO_REVIEW = { review_due: null, review_due_provisional: false };
const NO_SUPPLEMENT = { supplement_due: null, supplement_due_provisional: false };
const NO_DEADLINE = { ...NO_REVIEW, ...NO_SUPPLEMENT, deadline_from: null, deadline_workdays: null };

export interface ActInput {
  amountFen?: number;
  reason?: string;
}

export interface ActResult {
  id: number;
  status: ApplicationStatus;
  statusLabel: string;
  reviewDue: string | null;
  /** The review deadline is provisional (暂定): it runs into a year without calendar data. */
  reviewDueProvisional: boolean;
  supplementDue: string | null;
  supplementDueProvisional: boolean;
  amountFen: number | null;
}

/**
 * One step of the state machine, inside the caller's transaction (the
 * idempotency record commits with it). Refuses, changing nothing: a step not
 * allowed from the current status (409 APPLICATION_BAD_TRANSITION — e.g. a
 * second approval), a review after its deadline (409
 * APPLICATION_DEADLINE_PASSED, admin excepted), a late supplement, an amount
 * over the remaining budget (409 APPLICATION_OVER_BUDGET).
 */
export async function act(tx: Tx, user: AuthUser, id: number, action: ApplicationAction, input: ActInput, today: string): Promise<ActResult> {
  const a = await loadVisible(tx, user, id, true);
  const t = TRANSITIONS[action];
  if (t.by === 'enterprise' && (user.role !== 'enterprise' || user.uscc !== a.uscc)) throw Errors.forbidden('只有申报企业可以提交');
  if (t.by === 'reviewer' && !(user.role === 'admin' || (user.role === 'dept' && user.department === a.department))) throw Errors.forbidden('只有政策主管部门可以审核');
  const to = nextStatus(a.status, action);
  if (!to) {
    throw new AppError('APPLICATION_BAD_TRANSITION', 409, a.status === 'approved' && action === 'approve' ? '该申报已审核通过，请勿重复操作' : '当前状态不允许此操作', { detail: `${STATUS_LABELS[a.status]}的申报不能${action === 'submit' ? '提交' : action === 'approve' ? '审核通过' : action === 'reject' ? '审核不通过' : '退回'}`, extra: { state: a.status } });
  }
  if (t.reviewStep && a.status === 'submitted' && isOverdue(a.review_due, today) && user.role !== 'admin') {
    throw new AppError('APPLICATION_DEADLINE_PASSED', 409, '已超过审核期限', { detail: `审核期限为 ${a.review_due}，已逾期；请由管理员处理`, extra: { deadline: a.review_due } });
  }
  if (action === 'submit' && a.status === 'returned' && isOverdue(a.supplement_due, today)) {
    throw new AppError('APPLICATION_DEADLINE_PASSED', 409, '已超过补正期限', { detail: `补正期限为 ${a.supplement_due}，已逾期；请联系主管部门`, extra: { deadline: a.supplement_due } });
  }
  const reason = input.reason?.trim() ?? '';
  if ((action === 'reject' || action === 'return') && !reason) throw Errors.validation('reason', action === 'reject' ? '请填写不通过的理由' : '请填写需要补正的内容');

  const settings = await settingsFor(tx, Number(a.policy_id));
  const set: Record<string, unknown> = { status: to, updated_at: new Date() };
  let eventDeadline: ProvisionalDate | null = null;
  let amountFen: number | null = null;

  if (action === 'submit') {
    const policy = await loadApplyPolicy(tx, Number(a.policy_id));
    if (!policy) throw Errors.notFound('政策');
    assertAccepting(policy, today);
    const form = a.form as unknown as ApplicationForm;
    const problems = formProblems(form);
    if (problems.length) throw new AppError('APPLICATION_INCOMPLETE', 400, '申报信息不完整', { field: problems[0]!.field, detail: problems.map((p) => p.message).join('；'), extra: { problems } });
    const files = await tx.selectFrom('application_files').select('material').where('application_id', '=', id).execute();
    const versionPolicy = (await loadApplyPolicy(tx, Number(a.policy_id), a.policy_version)) ?? policy;
    const missing = missingMaterials(versionPolicy.materials, files.map((f) => f.material));
    if (missing.length) throw new AppError('APPLICATION_MATERIALS_MISSING', 400, '缺少申报材料', { field: 'files', detail: `请上传：${missing.join('、')}`, extra: { missing } });
    eventDeadline = await deadline(tx, today, settings.reviewDays);
    Object.assign(set, { submitted_at: new Date(), review_due: eventDeadline.date, review_due_provisional: eventDeadline.provisional, ...NO_SUPPLEMENT, deadline_from: today, deadline_workdays: settings.reviewDays, reason: null });
  } else if (action === 'return') {
    eventDeadline = await deadline(tx, today, settings.supplementDays);
    Object.assign(set, { supplement_due: eventDeadline.date, supplement_due_provisional: eventDeadline.provisional, ...NO_REVIEW, deadline_from: today, deadline_workdays: settings.supplementDays, reason });
  } else if (action === 'reject') {
    Object.assign(set, { reason, decided_at: new Date(), decided_by: user.username, ...NO_DEADLINE });
  } else {
    const amount = input.amountFen;
    if (amount === undefined || !Number.isSafeInteger(amount) || amount <= 0) throw Errors.validation('amountFen', '核定金额以分为单位，须为正整数');
    const policy = await loadApplyPolicy(tx, Number(a.policy_id), a.policy_version);
    if (!policy) throw Errors.notFound('政策');
    if (policy.budget !== null) {
      // Approvals of one policy and period queue here, so two reviewers cannot both spend the last of the budget.
      await sql`select pg_advisory_xact_lock(hashtext(${`application-budget:${policy.id}:${a.period}`}))`.execute(tx);
      const remaining = policy.budget - (await approvedTotal(tx, policy.id, a.period));
      if (amount > remaining) {
        throw new AppError('APPLICATION_OVER_BUDGET', 409, '核定金额超出政策剩余预算', { field: 'amountFen', detail: `核定 ${(amount / 100).toFixed(2)} 元，剩余预算 ${(remaining / 100).toFixed(2)} 元`, extra: { remainingFen: remaining } });
      }
    }
    amountFen = amount;
    Object.assign(set, { amount_fen: amount, decided_at: new Date(), decided_by: user.username, ...NO_DEADLINE, reason: null });
    // Approved applications join the policy's disbursement batch for the period (like 免申即享).
    await recordClaim(tx, { policyId: policy.id, version: a.policy_version, period: a.period, uscc: a.uscc, amountFen: amount, applicationId: id }, actorOf(user));
  }

  await tx.updateTable('applications').set(set).where('id', '=', id).execute();
  await addEvent(tx, user, { applicationId: id, action, from: a.status, to, note: reason || null, amountFen, deadline: eventDeadline });
  await appendAudit(tx, actorOf(user), { action: `application.${action}`, target: `application:${id}`, change: { from: a.status, to, amountFen, reason: reason || null, deadline: eventDeadline?.date ?? null, ...(eventDeadline?.provisional ? { deadlineProvisional: true } : {}) } });
  const after = (await findApplication(tx, id))!;
  return {
    id,
    status: after.status,
    statusLabel: STATUS_LABELS[after.status],
    reviewDue: after.review_due,
    reviewDueProvisional: after.review_due_provisional,
    supplementDue: after.supplement_due,
    supplementDueProvisional: after.supplement_due_provisional,
    amountFen: after.amount_fen === null ? null : Number(after.amount_fen),
  };
}
