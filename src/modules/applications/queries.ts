import type { WorkdayCalendar } from '../../core/calendar/index.ts';
import type { AuthUser } from '../../platform/access.ts';
import type { Executor } from '../../platform/db/schema.ts';
import { paymentFor } from '../benefits/index.ts';
import { currentCalendar } from '../calendar/index.ts';
import { enterpriseMask } from '../enterprises/index.ts';
import { approvedTotal, canSeeApplication, loadApplyPolicy, type ApplicationRow } from './commands.ts';
import { isOverdue, workdaysLeft } from './domain/deadlines.ts';
import type { ApplicationForm } from './domain/form.ts';
import { ACTION_LABELS, STATUS_LABELS, isEditable, type ApplicationStatus } from './domain/state.ts';
import { settingsFor } from './settings.ts';

const iso = (d: Date | string | null): string | null => (d === null ? null : new Date(d).toISOString());

export interface ApplicationSummary {
  id: number;
  policyId: number;
  policyVersion: number;
  policyTitle: string;
  department: string;
  uscc: string;
  enterpriseName: string;
  period: string;
  status: ApplicationStatus;
  statusLabel: string;
  amountFen: number | null;
  submittedAt: string | null;
  /** Deadline of the step in progress: the review (submitted) or the supplement (returned). */
  deadline: string | null;
  /** The deadline is provisional (暂定): it runs into a year without calendar data and is recomputed when that year is loaded (F-9). */
  deadlineProvisional: boolean;
  overdue: boolean;
  updatedAt: string;
}

export function toSummary(a: ApplicationRow, today: string): ApplicationSummary {
  const deadline = a.status === 'submitted' ? a.review_due : a.status === 'returned' ? a.supplement_due : null;
  const deadlineProvisional = a.status === 'submitted' ? a.review_due_provisional : a.status === 'returned' ? a.supplement_due_provisional : false;
  return {
    id: Number(a.id),
    policyId: Number(a.policy_id),
    policyVersion: a.policy_version,
    policyTitle: a.policy_title,
    department: a.department,
    uscc: a.uscc,
    enterpriseName: a.enterprise_name,
    period: a.period,
    status: a.status,
    statusLabel: STATUS_LABELS[a.status],
    amountFen: a.amount_fen === null ? null : Number(a.amount_fen),
    submittedAt: iso(a.submitted_at),
    deadline,
    deadlineProvisional: deadline !== null && deadlineProvisional,
    overdue: isOverdue(deadline, today),
    updatedAt: iso(a.updated_at)!,
  };
}

export interface ListFilter {
  status?: ApplicationStatus;
  policyId?: number;
  q?: string;
  page: number;
  pageSize: number;
}

/** Applications in the caller's scope: own (enterprise), own department's policies (dept), all (admin, leader). */
export async function listApplications(db: Executor, user: AuthUser, f: ListFilter, today: string): Promise<{ items: ApplicationSummary[]; total: number }> {
  let q = db.selectFrom('applications');
  if (user.role === 'enterprise') q = q.where('uscc', '=', user.uscc ?? '');
  else if (user.role === 'dept') q = q.where('department', '=', user.department ?? '');
  else if (user.role !== 'admin' && user.role !== 'leader') return { items: [], total: 0 };
  if (f.status) q = q.where('status', '=', f.status);
  if (f.policyId) q = q.where('policy_id', '=', f.policyId);
  if (f.q?.trim()) {
    const like = `%${f.q.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    q = q.where((eb) => eb.or([eb('enterprise_name', 'like', like), eb('policy_title', 'like', like), eb('uscc', '=', f.q!.trim().toUpperCase())]));
  }
  const { total } = await q.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  const rows = await q.selectAll().orderBy('updated_at', 'desc').orderBy('id', 'desc').limit(f.pageSize).offset((f.page - 1) * f.pageSize).execute();
  return { total: Number(total), items: rows.map((r) => toSummary(r, today)) };
}

export type StepState = 'finish' | 'process' | 'wait' | 'error';

export interface TimelineStep {
  key: 'draft' | 'submitted' | 'returned' | 'review' | 'decided' | 'paid';
  title: string;
  state: StepState;
  at: string | null;
  by: string | null;
  deadline: string | null;
  deadlineProvisional: boolean;
  /** Working days left to the deadline (negative when overdue); null when not applicable. */
  workdaysLeft: number | null;
  note: string | null;
}

export interface TimelineEvent {
  action: string;
  label: string;
  from: string | null;
  to: string;
  actor: string;
  actorName: string;
  role: string;
  at: string;
  note: string | null;
  amountFen: number | null;
  deadline: string | null;
  deadlineProvisional: boolean;
}

function left(calendar: WorkdayCalendar, deadline: string | null, today: string): number | null {
  return deadline ? workdaysLeft(calendar, deadline, today) : null;
}

/**
 * The application with its timeline: every event (who, when, note, deadline)
 * and the steps for a progress display — the current one marked `process`
 * with its deadline, 已兑付 read from the benefits ledger.
 */
export async function applicationDetail(db: Executor, user: AuthUser, a: ApplicationRow, today: string) {
  const id = Number(a.id);
  const calendar = await currentCalendar(db);
  const events = (await db.selectFrom('application_events').selectAll().where('application_id', '=', id).orderBy('id').execute()).map(
    (e): TimelineEvent => ({ action: e.action, label: ACTION_LABELS[e.action as keyof typeof ACTION_LABELS] ?? e.action, from: e.from_status, to: e.to_status, actor: e.actor, actorName: e.actor_name, role: e.role, at: iso(e.at)!, note: e.note, amountFen: e.amount_fen === null ? null : Number(e.amount_fen), deadline: e.deadline, deadlineProvisional: e.deadline_provisional }),
  );
  const last = (action: string) => [...events].reverse().find((e) => e.action === action);
  const payment = a.status === 'approved' ? await paymentFor(db, { policyId: Number(a.policy_id), period: a.period, uscc: a.uscc }) : null;
  const created = last('create');
  const submitted = last('submit');
  const returned = last('return');
  const decided = a.status === 'approved' ? last('approve') : a.status === 'rejected' ? last('reject') : undefined;
  const s = a.status;

  const steps: TimelineStep[] = [
    { key: 'draft', title: '填报', state: s === 'draft' ? 'process' : 'finish', at: created?.at ?? null, by: created?.actorName ?? null, deadline: null, deadlineProvisional: false, workdaysLeft: null, note: null },
    { key: 'submitted', title: '提交申报', state: submitted ? 'finish' : 'wait', at: submitted?.at ?? null, by: submitted?.actorName ?? null, deadline: null, deadlineProvisional: false, workdaysLeft: null, note: null },
  ];
  if (returned || s === 'returned') {
    steps.push({ key: 'returned', title: '退回补正', state: s === 'returned' ? 'process' : 'finish', at: returned?.at ?? null, by: returned?.actorName ?? null, deadline: s === 'returned' ? a.supplement_due : null, deadlineProvisional: s === 'returned' && a.supplement_due_provisional, workdaysLeft: s === 'returned' ? left(calendar, a.supplement_due, today) : null, note: returned?.note ?? null });
  }
  steps.push({ key: 'review', title: '部门审核', state: s === 'submitted' ? 'process' : s === 'approved' || s === 'rejected' ? 'finish' : 'wait', at: null, by: null, deadline: s === 'submitted' ? a.review_due : null, deadlineProvisional: s === 'submitted' && a.review_due_provisional, workdaysLeft: s === 'submitted' ? left(calendar, a.review_due, today) : null, note: null });
  steps.push({ key: 'decided', title: s === 'rejected' ? '未通过' : '已通过', state: s === 'approved' ? 'finish' : s === 'rejected' ? 'error' : 'wait', at: decided?.at ?? null, by: decided?.actorName ?? null, deadline: null, deadlineProvisional: false, workdaysLeft: null, note: decided?.note ?? null });
  if (s !== 'rejected') {
    steps.push({ key: 'paid', title: '已兑付', state: payment ? 'finish' : s === 'approved' ? 'process' : 'wait', at: payment?.paidAt ?? null, by: null, deadline: null, deadlineProvisional: false, workdaysLeft: null, note: payment ? `兑付 ${(payment.amountFen / 100).toFixed(2)} 元（批次 ${payment.batchId}）` : s === 'approved' ? '已纳入兑付批次，待拨付' : null });
  }
  const currentIndex = steps.findIndex((st) => st.state === 'process' || st.state === 'error');
  const current = currentIndex >= 0 ? steps[currentIndex]! : steps[steps.length - 1]!;

  const [files, policy, settings] = await Promise.all([
    db.selectFrom('application_files').selectAll().where('application_id', '=', id).orderBy('id').execute(),
    loadApplyPolicy(db, Number(a.policy_id), a.policy_version),
    settingsFor(db, Number(a.policy_id)),
  ]);
  const reviewer = user.role === 'admin' || user.role === 'leader' || user.role === 'dept';
  let budget: { budgetFen: number | null; approvedFen: number; remainingFen: number | null } | null = null;
  if (reviewer && policy) {
    const approved = await approvedTotal(db, policy.id, a.period);
    budget = { budgetFen: policy.budget, approvedFen: approved, remainingFen: policy.budget === null ? null : policy.budget - approved };
  }
  return {
    ...toSummary(a, today),
    // The form keeps what the enterprise applied with (法定代表人 included); reviewers and leaders see it masked (SPEC §11).
    form: enterpriseMask(user, a.uscc, a.form as unknown as ApplicationForm & Record<string, unknown>).values as ApplicationForm,
    reason: a.reason,
    reviewDue: a.review_due,
    reviewDueProvisional: a.review_due_provisional,
    supplementDue: a.supplement_due,
    supplementDueProvisional: a.supplement_due_provisional,
    decidedAt: iso(a.decided_at),
    createdAt: iso(a.created_at),
    editable: user.role === 'enterprise' && user.uscc === a.uscc && isEditable(s),
    reviewable: (user.role === 'admin' || (user.role === 'dept' && user.department === a.department)) && (s === 'submitted' || s === 'returned'),
    materials: policy?.materials ?? [],
    upload: { allowedTypes: settings.allowedTypes, maxFileBytes: settings.maxFileBytes },
    files: files.map((f) => ({ id: Number(f.id), material: f.material, filename: f.filename, ext: f.ext, mime: f.mime, size: Number(f.size), sha256: f.hash, uploadedBy: f.uploaded_by, uploadedAt: iso(f.uploaded_at)! })),
    budget,
    payment,
    timeline: { current: { key: current.key, title: current.title, deadline: current.deadline, deadlineProvisional: current.deadlineProvisional, workdaysLeft: current.workdaysLeft }, steps, events },
  };
}

export { canSeeApplication };
