import type { Command } from 'commander';
import { registerCalendarCommands } from './calendar.ts';
import { registerIndustryCommands } from './industry.ts';
import { registerUsccCommands } from './uscc.ts';
import { registerPlatformCommands } from './platform.ts';
import { registerAuditCommands } from './audit.ts';
import { registerEnterpriseCommands } from './enterprises.ts';
import { registerRulesCommands } from './rules.ts';
import { registerBenchCommands } from './bench.ts';
import { registerBenefitCommands } from './benefits.ts';
import { registerPolicyCommands } from './policies.ts';
import { registerReminderCommands } from './reminders.ts';

/** Every command group registers itself here; one file per group under src/cli/commands. */
export function registerCommands(program: Command): void {
  registerPlatformCommands(program);
  registerAuditCommands(program);
  registerEnterpriseCommands(program);
  registerUsccCommands(program);
  registerCalendarCommands(program);
  registerIndustryCommands(program);
  registerRulesCommands(program);
  registerBenchCommands(program);
  registerPolicyCommands(program);
  registerBenefitCommands(program);
  registerReminderCommands(program);
}
