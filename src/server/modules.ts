import type { ModuleManifest } from '../platform/module.ts';
import { applicationDeadlines, applicationsModule } from '../modules/applications/index.ts';
import { auditModule } from '../modules/audit/index.ts';
import { benefitsModule } from '../modules/benefits/index.ts';
import { createCalendarModule, type CalendarDeps } from '../modules/calendar/index.ts';
import { enterprisesModule } from '../modules/enterprises/index.ts';
import { evaluationModule, sendStaffMessages } from '../modules/evaluation/index.ts';
import { notificationsModule } from '../modules/notifications/index.ts';
import { orgModule } from '../modules/org/index.ts';
import { policiesModule } from '../modules/policies/index.ts';
import { usersModule } from '../modules/users/index.ts';

/**
 * 工作日历 (F-9) with the deadlines it recomputes when a year is loaded and
 * the departments' inbox it tells: handed in here, so the calendar module
 * stays below the modules that compute deadlines with it.
 */
export const calendarDeps: CalendarDeps = { deadlines: [applicationDeadlines], notifyDepartments: sendStaffMessages };
const calendarModule = createCalendarModule(calendarDeps);

/** Every module, in dependency order. The only list that knows them all. */
export const MODULES: readonly ModuleManifest[] = [orgModule, usersModule, enterprisesModule, notificationsModule, calendarModule, policiesModule, benefitsModule, applicationsModule, evaluationModule, auditModule];
