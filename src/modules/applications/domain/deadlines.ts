import type { WorkdayCalendar } from '../../../core/calendar/index.ts';

/**
 * Step deadlines in working days (F-9 calendar; F-8 deadlines stored with the
 * application). Defaults when a policy has no setting of its own:
 * - the department reviews within 10 working days of submission;
 * - the enterprise supplements within 5 working days of a return.
 * A deadline is the last day on which the step may be taken (inclusive), in
 * Asia/Shanghai: day 1 is the first working day after the step started.
 */
export const DEFAULT_REVIEW_DAYS = 10;
export const DEFAULT_SUPPLEMENT_DAYS = 5;

export function dueDate(calendar: WorkdayCalendar, startDate: string, workdays: number): string {
  return calendar.addWorkdays(startDate, workdays);
}

/** True when `today` is after the deadline. */
export function isOverdue(deadline: string | null, today: string): boolean {
  return deadline !== null && today > deadline;
}

/** Today's date in Asia/Shanghai (UTC+8, no daylight saving). */
export function shanghaiDate(now: Date = new Date()): string {
  return new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}

/** Working days left after today up to the deadline (0 on the day itself, negative when overdue). */
export function workdaysLeft(calendar: WorkdayCalendar, deadline: string, today: string): number {
  if (today <= deadline) return calendar.workdaysBetween(today, deadline) - (calendar.isWorkday(today) ? 1 : 0);
  return -(calendar.workdaysBetween(deadline, today) - (calendar.isWorkday(deadline) ? 1 : 0));
}
