import type { WorkdayCalendar } from '../../core/calendar/index.ts';
import type { Executor, Tx } from '../../platform/db/schema.ts';

/**
 * Working-day deadlines that other modules store (F-8, F-9). A deadline that
 * ran into a year without calendar data was computed Monday–Friday and stored
 * as provisional (暂定); when a year is loaded, one durable job asks every
 * owner to recompute its provisional deadlines and tells the people whose
 * deadline moved. Owners are handed in by the composition root
 * (src/server/modules.ts), so this module needs no import of theirs.
 */
export interface DeadlineMessage {
  title: string;
  body: string;
  link: string | null;
}

export interface DeadlineChange {
  /** The record whose deadline it is, as in the audit log (application:12). */
  target: string;
  /** What the deadline is, in Chinese (审核期限, 补正期限). */
  label: string;
  from: string;
  to: string;
  /** Still provisional after the recomputation (a later year is still missing). */
  provisional: boolean;
  /** Told when the date moved: the enterprise (inbox) … */
  enterprise?: DeadlineMessage & { uscc: string };
  /** … and the department (staff messages). */
  department?: DeadlineMessage & { department: string };
}

export interface DeadlineOwner {
  /** Module name, for the admin page and the audit record. */
  name: string;
  /** Provisional deadlines still waiting for their year. */
  countProvisional(db: Executor): Promise<number>;
  /** Recomputes every provisional deadline with `calendar`, in `tx` (the job's transaction); returns each one recomputed. */
  recompute(tx: Tx, calendar: WorkdayCalendar): Promise<DeadlineChange[]>;
}

export type StaffMessage = { department: string; kind: string; title: string; body: string; link: string | null };
export type StaffNotifier = (tx: Tx, messages: readonly StaffMessage[]) => Promise<void>;

export interface CalendarDeps {
  deadlines: readonly DeadlineOwner[];
  /** The departments' inbox (the evaluation module's staff messages). */
  notifyDepartments?: StaffNotifier;
}
