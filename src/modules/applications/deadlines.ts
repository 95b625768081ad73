import type { WorkdayCalendar } from '../../core/calendar/index.ts';
import type { Executor, Tx } from '../../platform/db/schema.ts';
import type { DeadlineChange, DeadlineOwner } from '../calendar/index.ts';
import { dueDate } from './domain/deadlines.ts';

const LABEL = { review: '审核期限', supplement: '补正期限' } as const;

/**
 * The applications' provisional deadlines (F-9) for the calendar module's
 * recomputation job: the review deadline of a submitted application, the
 * supplement deadline of a returned one, each counted again from its stored
 * start day and number of working days. A recomputed deadline is written to
 * the timeline; the caller tells the enterprise (both) and the reviewing
 * department (review) when the date moved.
 */
export const applicationDeadlines: DeadlineOwner = {
  name: 'applications',

  async countProvisional(db: Executor): Promise<number> {
    const r = await db
      .selectFrom('applications')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where((eb) => eb.or([eb.and([eb('status', '=', 'submitted'), eb('review_due_provisional', '=', true)]), eb.and([eb('status', '=', 'returned'), eb('supplement_due_provisional', '=', true)])]))
      .executeTakeFirstOrThrow();
    return Number(r.n);
  },

  async recompute(tx: Tx, calendar: WorkdayCalendar): Promise<DeadlineChange[]> {
    const rows = await tx
      .selectFrom('applications')
      .select(['id', 'status', 'policy_title', 'department', 'uscc', 'enterprise_name', 'review_due', 'supplement_due', 'review_due_provisional', 'supplement_due_provisional', 'deadline_from', 'deadline_workdays'])
      .where((eb) => eb.or([eb('review_due_provisional', '=', true), eb('supplement_due_provisional', '=', true)]))
      .orderBy('id')
      .forUpdate()
      .execute();
    const changes: DeadlineChange[] = [];
    for (const a of rows) {
      const id = Number(a.id);
      const kind = a.status === 'submitted' && a.review_due_provisional ? 'review' : a.status === 'returned' && a.supplement_due_provisional ? 'supplement' : null;
      const from = kind === 'review' ? a.review_due : kind === 'supplement' ? a.supplement_due : null;
      if (!kind || !from || !a.deadline_from || !a.deadline_workdays) {
        // A flag left over without a live deadline: nothing to recompute.
        await tx.updateTable('applications').set({ review_due_provisional: false, supplement_due_provisional: false }).where('id', '=', id).execute();
        continue;
      }
      const due = dueDate(calendar, a.deadline_from, a.deadline_workdays);
      const label = LABEL[kind];
      if (due.date !== from || !due.provisional) {
        await tx
          .updateTable('applications')
          .set(kind === 'review' ? { review_due: due.date, review_due_provisional: due.provisional } : { supplement_due: due.date, supplement_due_provisional: due.provisional })
          .where('id', '=', id)
          .execute();
        const still = due.provisional ? '（仍为暂定）' : '';
        await tx
          .insertInto('application_events')
          .values({ application_id: id, action: 'recompute', from_status: a.status, to_status: a.status, actor: 'system', actor_name: '系统', role: 'system', note: `工作日历更新：${label}由 ${from}（暂定）调整为 ${due.date}${still}`, deadline: due.date, deadline_provisional: due.provisional })
          .execute();
      }
      const change = `${label}由 ${from}（暂定）调整为 ${due.date}${due.provisional ? '（仍为暂定）' : ''}`;
      const link = `/applications/${id}`;
      changes.push({
        target: `application:${id}`,
        label,
        from,
        to: due.date,
        provisional: due.provisional,
        enterprise: { uscc: a.uscc, title: `办理期限调整：${a.policy_title}`, body: `工作日历载入了新的节假日安排，您的申报（编号 ${id}）${change}。${kind === 'supplement' ? '请在期限内完成补正。' : ''}`, link },
        ...(kind === 'review' ? { department: { department: a.department, title: `审核期限调整：${a.policy_title}`, body: `工作日历载入了新的节假日安排，${a.enterprise_name} 的申报（编号 ${id}）${change}。`, link } } : {}),
      });
    }
    return changes;
  },
};
