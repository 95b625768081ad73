import { appendAudit, SYSTEM_ACTOR } from '../../platform/audit.ts';
import type { Db, Executor, Tx } from '../../platform/db/schema.ts';
import { scheduleJob, type JobHandler } from '../../platform/jobs.ts';
import { todayInShanghai } from '../../platform/clock.ts';
import { appliedEnterprises, pendingReviews } from '../applications/index.ts';
import { currentCalendar, type StaffMessage } from '../calendar/index.ts';
import { sendEnterpriseMessages } from '../notifications/index.ts';
import { eligibleEnterprises, openApplyWindows } from '../policies/index.ts';
import { nextDay, REVIEW_STAGES, stageFor, sweepTime, WINDOW_STAGES, workdaysLeft } from './domain/reminders.ts';

/**
 * Durable reminders (SPEC P-6 second part, F-8). One job per day, the
 * "reminder sweep", stored in `jobs` and rescheduling itself for the next
 * day (dedupe key = the day), so nothing waits in an in-memory timer and a
 * restart loses nothing. Each reminder sent is recorded in `reminders_sent`
 * under a unique key: a rerun of the same day (or a retried job) sends nothing twice.
 */
export const SWEEP_JOB = 'evaluation.reminder-sweep';
export const KIND_WINDOW = 'policy.deadline';
export const KIND_REVIEW = 'application.review-due';

export interface SweepResult {
  day: string;
  windowReminders: number;
  reviewReminders: number;
}

/** Messages to departments' staff (部门提醒), in the caller's transaction: reminders here, moved deadlines from the calendar module. */
export async function sendStaffMessages(tx: Executor, messages: readonly StaffMessage[]): Promise<void> {
  for (let i = 0; i < messages.length; i += 1000) await tx.insertInto('staff_messages').values(messages.slice(i, i + 1000)).execute();
}

/** Records the keys not sent before and returns them; in the caller's transaction. */
async function claimKeys(tx: Executor, kind: string, day: string, keys: readonly string[]): Promise<Set<string>> {
  const fresh = new Set<string>();
  for (let i = 0; i < keys.length; i += 1000) {
    const rows = await tx
      .insertInto('reminders_sent')
      .values(keys.slice(i, i + 1000).map((key) => ({ key, kind, sent_on: day })))
      .onConflict((oc) => oc.column('key').doNothing())
      .returning('key')
      .execute();
    for (const r of rows) fresh.add(r.key);
  }
  return fresh;
}

/**
 * The sweep of one day (`today`, Asia/Shanghai), in the caller's transaction:
 * (a) each published 申报 policy whose window closes within 5 (then 1)
 * working days → every eligible enterprise of the published version without a
 * submitted application gets one message; (b) each application waiting for
 * review whose deadline is within 3 (then 1) working days → one message to
 * the reviewing department.
 */
export async function runReminderSweep(tx: Tx, today: string): Promise<SweepResult> {
  // The calendar in effect, with any year loaded at run time (read in this transaction).
  const calendar = await currentCalendar(tx, { fresh: true });
  let windowReminders = 0;
  for (const p of await openApplyWindows(tx, today)) {
    const stage = stageFor(p.applyTo, today, WINDOW_STAGES, calendar);
    if (stage === null) continue;
    const applied = await appliedEnterprises(tx, p.id);
    const targets = (await eligibleEnterprises(tx, p.id, p.version)).filter((u) => !applied.has(u));
    const keyOf = (uscc: string) => `window:${p.id}:${p.applyTo}:${stage}:${uscc}`;
    const fresh = await claimKeys(tx, KIND_WINDOW, today, targets.map(keyOf));
    const left = workdaysLeft(p.applyTo, today, calendar);
    const when = left === 0 ? '今天截止' : `还剩 ${left} 个工作日`;
    const msgs = targets
      .filter((u) => fresh.has(keyOf(u)))
      .map((uscc) => ({ uscc, kind: KIND_WINDOW, title: `申报即将截止：${p.title}`, body: `该政策申报期至 ${p.applyTo} 截止（${when}）。贵企业符合申报条件，尚未提交申报，请及时办理。`, link: `/policies/${p.id}` }));
    await sendEnterpriseMessages(tx, msgs);
    windowReminders += msgs.length;
  }

  let reviewReminders = 0;
  for (const a of await pendingReviews(tx, today)) {
    const stage = stageFor(a.reviewDue, today, REVIEW_STAGES, calendar);
    if (stage === null) continue;
    const key = `review:${a.id}:${a.reviewDue}:${stage}`;
    if (!(await claimKeys(tx, KIND_REVIEW, today, [key])).has(key)) continue;
    const left = workdaysLeft(a.reviewDue, today, calendar);
    const when = left === 0 ? '今天到期' : `还剩 ${left} 个工作日`;
    const provisional = a.reviewDueProvisional ? '，暂定：该年放假安排尚未载入' : '';
    await sendStaffMessages(tx, [{ department: a.department, kind: KIND_REVIEW, title: `审核即将到期：${a.policyTitle}`, body: `${a.enterpriseName} 的申报（编号 ${a.id}）审核期限为 ${a.reviewDue}（${when}${provisional}），请及时审核。`, link: `/applications/${a.id}` }]);
    reviewReminders++;
  }
  // One audit record per sweep that sent anything (the messages themselves are the detail).
  if (windowReminders + reviewReminders > 0) await appendAudit(tx, SYSTEM_ACTOR, { action: 'reminders.sweep', target: `reminders:${today}`, change: { windowReminders, reviewReminders } });
  return { day: today, windowReminders, reviewReminders };
}

/** Schedules the sweep of `day` (idempotent: one job per day). */
export function scheduleSweep(db: Executor, day: string): Promise<number | null> {
  return scheduleJob(db, { name: SWEEP_JOB, payload: { day }, runAt: sweepTime(day), dedupeKey: day });
}

/**
 * The job: sweeps its day — or today, if the job runs late after downtime
 * (missed days are not replayed with stale dates) — then schedules the next day.
 */
export const sweepJob: JobHandler = async (payload, tx) => {
  const { day } = payload as { day: string };
  const clock = todayInShanghai();
  const today = day > clock ? day : clock;
  await runReminderSweep(tx, today);
  await scheduleSweep(tx, nextDay(today));
};

/** Started with the server: makes sure today's sweep job exists (a row, not a timer). */
export function reminderBootstrap(db: Db, log: { warn(obj: unknown, msg: string): void }): { start(): void; stop(): Promise<void> } {
  let pending: Promise<unknown> | null = null;
  return {
    start() {
      pending = scheduleSweep(db, todayInShanghai()).catch((err: unknown) => log.warn({ err }, 'could not schedule the reminder sweep'));
    },
    async stop() {
      await pending;
    },
  };
}
