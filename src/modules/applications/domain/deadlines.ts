import type { ProvisionalDate, WorkdayCalendar } from '../../../core/calendar/index.ts';

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

/**
 * The deadline `workdays` working days after `startDate`. Where the count runs
 * into a year without calendar data it goes on Monday–Friday and the result is
 * provisional (暂定, F-9), to be recomputed when that year is loaded.
 */
export function dueDate(calendar: WorkdayCalendar, startDate: string, workdays: number): ProvisionalDate {
  return calendar.addWorkdaysProvisional(startDate, workdays);
}

/** True when `today` is after the deadline. */
export function isOverdue(deadline: string | null, today: string): boolean {
  return deadline !== null && today > deadline;
}

/**
 * Working days left after today up to the deadline (0 on the day itself,
 * negative when overdue); Monday–Friday in a year without data, like the deadline itself.
 */
export function workdaysLeft(calendar: WorkdayCalendar, deadline: string, today: string): number {
  const [from, to] = today <= deadline ? [today, deadline] : [deadline, today];
  const n = calendar.workdaysBetweenProvisional(from, to).workdays - (calendar.isWorkdayProvisional(from).workday ? 1 : 0);
  return today <= deadline ? n : -n;
}
