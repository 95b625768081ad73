import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { BUILTIN_HOLIDAY_YEARS, CalendarError, defaultCalendar, isValidDate, parseYearFile, type WorkdayCalendar } from '../../core/calendar/index.ts';
import { loadConfig } from '../../platform/config.ts';
import { AppError } from '../../platform/errors.ts';
import { cliActor, readStdin, withDatabase } from '../context.ts';
import { CliFailure, CliUsageError } from '../program.ts';

// The calendar module loads inside the actions that need a database, so plain questions start fast.
const calendarModule = () => import('../../modules/calendar/index.ts');

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

function failure(err: unknown): never {
  if (err instanceof AppError) throw new CliFailure(`${err.title}${err.message && err.message !== err.title ? `: ${err.message}` : ''}${err.field ? ` (${err.field})` : ''}`);
  throw err;
}

function print(value: unknown, json: boolean | undefined, text: string): void {
  process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${text}\n`);
}

interface SourceOptions {
  builtin?: boolean;
  db?: boolean;
}

/**
 * Whether a question reads the years loaded into the database: always on native
 * PostgreSQL (DATABASE_URL); on PGlite only with --db, since the embedded
 * database must not be opened by a second process while the server runs. A
 * question never creates a database.
 */
function useDatabase(opts: SourceOptions): boolean {
  if (opts.builtin) return false;
  const config = loadConfig();
  if (config.databaseUrl) return true;
  if (!opts.db) return false;
  if (!fs.existsSync(path.join(path.resolve(config.dataDir), 'PG_VERSION'))) throw new CliFailure(`--db: no database in ${config.dataDir}`);
  return true;
}

/** The calendar the server uses (built-in + loaded years) or the built-in years only (see useDatabase). */
async function withCalendar<T>(opts: SourceOptions, work: (cal: WorkdayCalendar) => T): Promise<T> {
  if (!useDatabase(opts)) {
    try {
      return work(defaultCalendar);
    } catch (e) {
      // Say where the answer came from when a year is missing: it may be loaded in the database.
      if (e instanceof CliFailure && !opts.builtin) throw new CliFailure(`${e.message} (built-in years only: add --db to include the years loaded into the PGlite database, with the server stopped)`);
      throw e;
    }
  }
  const { currentCalendar } = await calendarModule();
  return withDatabase(async (h) => work(await currentCalendar(h.db)));
}

const BUILTIN_OPTION = ['--builtin', 'answer from the built-in years only, without opening the database'] as const;
const DB_OPTION = ['--db', 'PGlite: include the years loaded into the database (stop the server first); always on with DATABASE_URL'] as const;

/** `qifu calendar …`: working days of mainland China (SPEC F-9). */
export function registerCalendarCommands(program: Command): void {
  const cal = program
    .command('calendar')
    .description(`working-day calendar (法定节假日 + 调休): built-in ${BUILTIN_HOLIDAY_YEARS.map((y) => y.year).join(', ')}, plus years loaded with "calendar load"`);

  cal
    .command('is-workday')
    .description('one line per date: "DATE true|false"')
    .argument('<dates...>', 'dates as YYYY-MM-DD')
    .option('--json', 'print a JSON array of {date, workday, kind, festival?}')
    .option(...BUILTIN_OPTION)
    .option(...DB_OPTION)
    .action(async (dates: string[], opts: { json?: boolean } & SourceOptions) => {
      requireDates(dates);
      const infos = await withCalendar(opts, (c) => run(() => dates.map((d) => c.dayInfo(d))));
      print(infos, opts.json, infos.map((i) => `${i.date} ${i.workday}`).join('\n'));
    });

  cal
    .command('add-workdays')
    .description('the date N working days after DATE (before it when N is negative; DATE itself when N is 0)')
    .argument('<date>', 'start date, YYYY-MM-DD')
    .argument('<n>', 'number of working days (integer)')
    .option('--json', 'print {date, n, result}')
    .option(...BUILTIN_OPTION)
    .option(...DB_OPTION)
    .action(async (date: string, n: string, opts: { json?: boolean } & SourceOptions) => {
      requireDates([date]);
      if (!/^[+-]?\d+$/.test(n) || !Number.isSafeInteger(Number(n))) throw new CliUsageError(`N must be an integer, got "${n}"`);
      const count = Number(n);
      const result = await withCalendar(opts, (c) => run(() => c.addWorkdays(date, count)));
      print({ date, n: count, result }, opts.json, result);
    });

  cal
    .command('workdays')
    .description('number of working days from FROM to TO, both ends inclusive')
    .argument('<from>', 'first date, YYYY-MM-DD')
    .argument('<to>', 'last date, YYYY-MM-DD (not before FROM)')
    .option('--json', 'print {from, to, workdays}')
    .option(...BUILTIN_OPTION)
    .option(...DB_OPTION)
    .action(async (from: string, to: string, opts: { json?: boolean } & SourceOptions) => {
      requireDates([from, to]);
      if (from > to) throw new CliUsageError(`FROM ${from} is after TO ${to}`);
      const workdays = await withCalendar(opts, (c) => run(() => c.workdaysBetween(from, to)));
      print({ from, to, workdays }, opts.json, String(workdays));
    });

  cal
    .command('years')
    .description('years with holiday data: "YEAR SOURCE NOTICE" (source builtin or loaded)')
    .option('--json', 'print [{year, source, notice, …}]')
    .option(...BUILTIN_OPTION)
    .option(...DB_OPTION)
    .action(async (opts: { json?: boolean } & SourceOptions) => {
      let rows: Array<{ year: number; source: string; notice: string; loadedBy?: string | null; loadedAt?: string | null }>;
      if (!useDatabase(opts)) rows = BUILTIN_HOLIDAY_YEARS.map((y) => ({ year: y.year, source: 'builtin', notice: y.notice }));
      else {
        const { listYears } = await calendarModule();
        rows = await withDatabase((h) => listYears(h.db));
      }
      print(rows, opts.json, rows.map((r) => `${r.year} ${r.source} ${r.notice}${r.loadedBy ? ` (${r.loadedBy}, ${r.loadedAt})` : ''}`).join('\n'));
    });

  cal
    .command('show')
    .description("one year's holiday periods and make-up workdays")
    .argument('<year>', 'a year, e.g. 2027')
    .option('--json', 'print the year with its holidays and makeupWorkdays')
    .option(...BUILTIN_OPTION)
    .option(...DB_OPTION)
    .action(async (year: string, opts: { json?: boolean } & SourceOptions) => {
      if (!/^\d{4}$/.test(year)) throw new CliUsageError(`YEAR must be four digits, got "${year}"`);
      let d: { year: number; source: string; notice: string; workdays: number; holidays: ReadonlyArray<{ name: string; start: string; end: string; days: number }>; makeupWorkdays: ReadonlyArray<{ date: string; for: string }> };
      if (useDatabase(opts)) {
        const { yearDetail } = await calendarModule();
        d = await withDatabase((h) => yearDetail(h.db, Number(year))).catch(failure);
      } else {
        const y = BUILTIN_HOLIDAY_YEARS.find((b) => b.year === Number(year));
        const workdays = run(() => defaultCalendar.workdaysBetween(`${year}-01-01`, `${year}-12-31`));
        d = { ...y!, source: 'builtin', workdays };
      }
      const lines = [`${d.year} ${d.source} ${d.notice} — ${d.workdays} working days`, ...d.holidays.map((h) => `  放假 ${h.start}…${h.end} ${h.name} (${h.days} 天)`), ...d.makeupWorkdays.map((m) => `  上班 ${m.date} (${m.for})`)];
      print(d, opts.json, lines.join('\n'));
    });

  cal
    .command('status')
    .description('provisional (暂定) deadlines waiting for a year to be loaded, and recomputation jobs not yet done')
    .option('--json', 'print {provisionalDeadlines, owners, pendingJobs, failedJobs}')
    .action(async (opts: { json?: boolean }) => {
      const { provisionalStatus } = await calendarModule();
      const { calendarDeps } = await import('../../server/modules.ts');
      const s = await withDatabase((h) => provisionalStatus(h.db, calendarDeps));
      print(s, opts.json, `${s.provisionalDeadlines} provisional deadlines waiting (${s.owners.map((o) => `${o.name} ${o.count}`).join(', ')}); ${s.pendingJobs} recomputation jobs pending, ${s.failedJobs} failed`);
    });

  cal
    .command('load')
    .description("load a year's holiday schedule (holiday-cn JSON or Qifu's own format) into the database; it is in effect at once, and every provisional deadline is recomputed")
    .argument('<file>', "the year's JSON file, or - for standard input")
    .option('--replace', 'replace a year that is already covered (built-in or loaded before)')
    .option('--notice <文号>', 'the notice number, e.g. 国办发明电〔2026〕N号 (a holiday-cn file carries only its URL)')
    .option('--dry-run', 'check the file and show what would change, without changing anything')
    .option('--json', 'print the result as JSON')
    .action(async (file: string, opts: { replace?: boolean; notice?: string; dryRun?: boolean; json?: boolean }) => {
      let text: string;
      try {
        text = file === '-' ? await readStdin() : fs.readFileSync(file, 'utf8');
      } catch (e) {
        throw new CliFailure(`cannot read ${file}: ${(e as Error).message}`);
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch (e) {
        throw new CliFailure(`${file} is not JSON: ${(e as Error).message}`);
      }
      const input = { file: parsed, replace: !!opts.replace, ...(opts.notice === undefined ? {} : { notice: opts.notice }) };
      // A bad file fails before the database is opened (loadYear checks it again, with the other years).
      try {
        parseYearFile(parsed, opts.notice === undefined ? {} : { notice: opts.notice });
      } catch (e) {
        if (e instanceof CalendarError) throw new CliFailure(`节假日数据有误: ${e.message}${e.field ? ` (${e.field === 'notice' && opts.notice !== undefined ? '--notice' : `file.${e.field}`})` : ''}`);
        throw e;
      }
      const { loadYear, previewYear, provisionalStatus, runJobNow, RECOMPUTE_JOB } = await calendarModule();
      const { calendarDeps } = await import('../../server/modules.ts');
      await withDatabase(async (h) => {
        if (opts.dryRun) {
          const p = await previewYear(h.db, calendarDeps, input).catch(failure);
          const what = p.unchanged ? 'no change (the same data is in effect)' : p.needsReplace ? `would replace the ${p.existing!.source} data (${p.existing!.notice})${opts.replace ? '' : ' — needs --replace'}` : 'would add it';
          print(p, opts.json, `${p.year} (${p.format}, ${p.data.holidays.length} holiday periods, ${p.data.makeupWorkdays.length} make-up workdays, ${p.workdays} working days): ${what}; ${p.provisionalDeadlines} provisional deadlines would be recomputed`);
          return;
        }
        const r = await loadYear(h.db, calendarDeps, cliActor(), input).catch(failure);
        let ranHere = false;
        if (r.jobId !== null) {
          // Recompute now; if a running server has already claimed the job, it does it.
          const { jobHandlers } = await import('../../server/start.ts');
          ranHere = await runJobNow(h.db, r.jobId, jobHandlers().get(RECOMPUTE_JOB)!);
        }
        const after = await provisionalStatus(h.db, calendarDeps);
        const summary = `${r.data.holidays.length} holiday periods, ${r.data.makeupWorkdays.length} make-up workdays, ${r.workdays} working days`;
        const text = r.unchanged
          ? `${r.year}: no change (the same data is in effect)`
          : `loaded ${r.year} (${r.format}, ${summary})${r.existing ? `, replacing the ${r.existing.source} data` : ''}; provisional deadlines: ${r.provisionalDeadlines} before, ${after.provisionalDeadlines} still provisional${ranHere ? '' : ` (recomputation job ${r.jobId} left to the running server)`}`;
        print({ ...r, recomputedHere: ranHere, provisionalAfter: after.provisionalDeadlines }, opts.json, text);
      });
    });
}
