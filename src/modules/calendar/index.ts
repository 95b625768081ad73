import type { ModuleManifest } from '../../platform/module.ts';
import { RECOMPUTE_JOB, recomputeJob } from './commands.ts';
import type { CalendarDeps } from './deadlines.ts';
import { calendarMigrations } from './migrations.ts';
import { calendarRoutes } from './routes.ts';

export { calendarForDeadlines, currentCalendar } from './store.ts';
export { KIND_DEADLINE_MOVED, loadYear, previewYear, provisionalStatus, RECOMPUTE_JOB, runJobNow, type LoadInput, type LoadPlan, type LoadResult } from './commands.ts';
export { listYears, yearDetail, type YearDetail, type YearSummary } from './queries.ts';
export type { CalendarDeps, DeadlineChange, DeadlineMessage, DeadlineOwner, StaffMessage, StaffNotifier } from './deadlines.ts';

/**
 * 工作日历 (SPEC F-9): the built-in years plus years loaded at run time (admin
 * page, `qifu calendar load`), stored in `calendar_years`, in effect at once in
 * every process; loading a year recomputes every provisional (暂定) deadline
 * of the owners handed in by the composition root, in one durable job.
 */
export function createCalendarModule(deps: CalendarDeps): ModuleManifest {
  return {
    name: 'calendar',
    migrations: calendarMigrations,
    routes: calendarRoutes(deps),
    jobs: { [RECOMPUTE_JOB]: recomputeJob(deps) },
  };
}
