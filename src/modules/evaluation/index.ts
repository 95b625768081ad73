import type { ModuleManifest } from '../../platform/module.ts';
import { evaluationMigrations } from './migrations.ts';
import { reminderBootstrap, sweepJob, SWEEP_JOB } from './reminders.ts';
import { evaluationRoutes } from './routes.ts';

export { runReminderSweep, scheduleSweep, sendStaffMessages, SWEEP_JOB, KIND_REVIEW, KIND_WINDOW, type SweepResult } from './reminders.ts';
export { evaluateDepartments, evaluatePolicies, type DepartmentEvaluation, type PolicyEvaluation } from './queries.ts';

/** 政策评估 (SPEC P-8) and durable reminders (P-6 second part): window-closing reminders to enterprises, review-deadline reminders to departments. */
export const evaluationModule: ModuleManifest = {
  name: 'evaluation',
  migrations: evaluationMigrations,
  routes: evaluationRoutes,
  jobs: { [SWEEP_JOB]: sweepJob },
  // Not a timer: makes sure today's sweep job row exists; the job reschedules itself day after day.
  workers: (ctx) => reminderBootstrap(ctx.db, ctx.log),
};
