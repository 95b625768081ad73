import type { Command } from 'commander';
import { isValidDate } from '../../core/calendar/index.ts';
import { todayInShanghai } from '../../platform/clock.ts';
import { out, withDatabase } from '../context.ts';
import { CliUsageError } from '../program.ts';

/** `qifu reminders sweep`: runs the reminder sweep of a day now (P-6; normally the daily durable job does it). */
export function registerReminderCommands(program: Command): void {
  program
    .command('reminders')
    .description('reminders (申报截止、审核到期提醒)')
    .command('sweep')
    .description('send the reminders due on a day (Asia/Shanghai; default today) — reminders already sent are never sent again')
    .option('--date <YYYY-MM-DD>', 'the day to sweep for')
    .option('--json', 'print JSON: {"day","windowReminders","reviewReminders"}')
    .action(async (opts: { date?: string; json?: boolean }) => {
      const { runReminderSweep } = await import('../../modules/evaluation/index.ts');
      const day = opts.date ?? todayInShanghai();
      if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || !isValidDate(day)) throw new CliUsageError(`--date must be a date like 2026-12-01, got "${day}"`);
      await withDatabase(async (h) => {
        const r = await h.db.transaction().execute((tx) => runReminderSweep(tx, day));
        if (opts.json) out(JSON.stringify(r));
        else out(`${r.day}: ${r.windowReminders} window reminders to enterprises, ${r.reviewReminders} review reminders to departments`);
      });
    });
}
