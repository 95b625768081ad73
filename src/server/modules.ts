import type { ModuleManifest } from '../platform/module.ts';
import { applicationsModule } from '../modules/applications/index.ts';
import { auditModule } from '../modules/audit/index.ts';
import { benefitsModule } from '../modules/benefits/index.ts';
import { enterprisesModule } from '../modules/enterprises/index.ts';
import { evaluationModule } from '../modules/evaluation/index.ts';
import { notificationsModule } from '../modules/notifications/index.ts';
import { orgModule } from '../modules/org/index.ts';
import { policiesModule } from '../modules/policies/index.ts';
import { usersModule } from '../modules/users/index.ts';

/** Every module, in dependency order. The only list that knows them all. */
export const MODULES: readonly ModuleManifest[] = [orgModule, usersModule, enterprisesModule, notificationsModule, policiesModule, benefitsModule, applicationsModule, evaluationModule, auditModule];
