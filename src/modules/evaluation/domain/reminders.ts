import { defaultCalendar, type WorkdayCalendar } from '../../../core/calendar/index.ts';

/**
 * Reminder planning (P-6 second part), pure: time is an argument.
 * A reminder is due at a "stage": the largest lead (in working days) that the
 * remaining working days have reached. Window reminders go out 5 and 1
 * working days before the application window closes; review reminders 3 and
 * 1 working days before the review deadline. A sweep that missed a day sends
 * the stage reached now, never a stage already passed in the same run.
 */
export const WINDOW_STAGES = [5, 1] as const;
export const REVIEW_STAGES = [3, 1] as const;

/**
 * Working days after `today` up to and including `deadline` (0 on the day
 * itself). A year without holiday data counts Monday–Friday, as provisional
 * deadlines do (F-9), rather than failing the sweep.
 */
export function workdaysLeft(deadline: string, today: string, calendar: WorkdayCalendar = defaultCalendar): number {
  if (deadline < today) return -1;
  return calendar.workdaysBetweenProvisional(today, deadline).workdays - (calendar.isWorkdayProvisional(today).workday ? 1 : 0);
}

/** The stage due for a deadline on `today`, or null (too early or past). */
export function stageFor(deadline: string, today: string, stages: readonly number[], calendar: WorkdayCalendar = defaultCalendar): number | null {
  const left = workdaysLeft(deadline, today, calendar);
  if (left < 0) return null;
  let due: number | null = null;
  for (const s of stages) if (left <= s) due = due === null ? s : Math.min(due, s);
  return due;
}

/** The day after `day` (YYYY-MM-DD). */
export function nextDay(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/** The sweep of a day runs at 08:30 Asia/Shanghai (00:30 UTC). */
export function sweepTime(day: string): Date {
  return new Date(`${day}T00:30:00Z`);
}
