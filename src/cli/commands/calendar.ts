import type { Command } from 'commander';
import { CalendarError, defaultCalendar, isValidDate } from '../../core/calendar/index.ts';
import { CliFailure, CliUsageError } from '../program.ts';

function requireDates(dates: string[]): void {
  for (const d of dates) {
    if (!isValidDate(d)) throw new CliUsageError(`invalid date "${d}": expected a real calendar date as YYYY-MM-DD`);
  }
}

/** Runs calendar work, turning a missing year into exit 1 and other bad input into exit 2. */
function run<T>(work: () => T): T {
  try {
    return work();
  } catch (e) {
    if (e instanceof CalendarError) {
      if (e.code === 'CALENDAR_YEAR_NOT_COVERED') throw new CliFailure(e.message);
      throw new CliUsageError(e.message);
    }
    throw e;
  }
}

function print(value: string | object, json: boolean | undefined, text: string): void {
  process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${text}\n`);
}

/** `qifu calendar …`: working days of mainland China (SPEC F-9). */
export function registerCalendarCommands(program: Command): void {
  const cal = program
    .command('calendar')
    .description(`working-day calendar (法定节假日 + 调休), data for ${defaultCalendar.years.join(', ')}`);

  cal
    .command('is-workday')
    .description('one line per date: "DATE true|false"')
    .argument('<dates...>', 'dates as YYYY-MM-DD')
    .option('--json', 'print a JSON array of {date, workday, kind, festival?}')
    .action((dates: string[], opts: { json?: boolean }) => {
      requireDates(dates);
      const infos = run(() => dates.map((d) => defaultCalendar.dayInfo(d)));
      print(infos, opts.json, infos.map((i) => `${i.date} ${i.workday}`).join('\n'));
    });

  cal
    .command('add-workdays')
    .description('the date N working days after DATE (before it when N is negative; DATE itself when N is 0)')
    .argument('<date>', 'start date, YYYY-MM-DD')
    .argument('<n>', 'number of working days (integer)')
    .option('--json', 'print {date, n, result}')
    .action((date: string, n: string, opts: { json?: boolean }) => {
      requireDates([date]);
      if (!/^[+-]?\d+$/.test(n) || !Number.isSafeInteger(Number(n))) throw new CliUsageError(`N must be an integer, got "${n}"`);
      const count = Number(n);
      const result = run(() => defaultCalendar.addWorkdays(date, count));
      print({ date, n: count, result }, opts.json, result);
    });

  cal
    .command('workdays')
    .description('number of working days from FROM to TO, both ends inclusive')
    .argument('<from>', 'first date, YYYY-MM-DD')
    .argument('<to>', 'last date, YYYY-MM-DD (not before FROM)')
    .option('--json', 'print {from, to, workdays}')
    .action((from: string, to: string, opts: { json?: boolean }) => {
      requireDates([from, to]);
      if (from > to) throw new CliUsageError(`FROM ${from} is after TO ${to}`);
      const workdays = run(() => defaultCalendar.workdaysBetween(from, to));
      print({ from, to, workdays }, opts.json, String(workdays));
    });

  cal
    .command('years')
    .description('years with holiday data and the State Council notice for each')
    .option('--json', 'print [{year, notice}]')
    .action((opts: { json?: boolean }) => {
      const rows = defaultCalendar.years.map((year) => ({ year, notice: defaultCalendar.notices[year] ?? '' }));
      print(rows, opts.json, rows.map((r) => `${r.year} ${r.notice}`).join('\n'));
    });
}
