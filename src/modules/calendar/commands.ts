import { BUILTIN_HOLIDAY_YEARS, CalendarError, calendarFromYears, parseYearFile, type HolidayYearData, type WorkdayCalendar, type YearFileFormat } from '../../core/calendar/index.ts';
import { appendAudit, SYSTEM_ACTOR, type Actor } from '../../platform/audit.ts';
import { markChanged } from '../../platform/changes.ts';
import type { Db, Executor } from '../../platform/db/schema.ts';
import { AppError } from '../../platform/errors.ts';
import { scheduleJob, STDERR_JOB_LOG, type JobHandler } from '../../platform/jobs.ts';
import { sendEnterpriseMessages } from '../notifications/index.ts';
import type { CalendarDeps, DeadlineChange } from './deadlines.ts';
import { currentCalendar, digestOf, effectiveYears, loadedYears, lockForLoad } from './store.ts';

export const RECOMPUTE_JOB = 'calendar.recompute-provisional-deadlines';
/** Message kind of "your deadline moved" (enterprise inbox and staff messages). */
export const KIND_DEADLINE_MOVED = 'calendar.deadline-moved';

/** A calendar failure as the API reports it; `fieldPrefix` places a file's field inside the request body. */
export function calendarProblem(e: CalendarError, fieldPrefix?: string): AppError {
  const field = e.field === undefined ? fieldPrefix : fieldPrefix ? `${fieldPrefix}.${e.field}` : e.field;
  switch (e.code) {
    case 'CALENDAR_YEAR_NOT_COVERED':
      // A question about a year without data: the asker's problem to fix (load the year), not a server fault.
      return new AppError(e.code, 422, `工作日历缺少${e.year ?? ''}年的节假日安排`, { detail: e.message, extra: { year: e.year } });
    case 'CALENDAR_DATA_INVALID':
      return new AppError(e.code, 400, '节假日数据有误', { detail: e.message, field, extra: e.year === undefined ? undefined : { year: e.year } });
    default:
      return new AppError(e.code, 400, '输入有误', { detail: e.message, field });
  }
}

/** Runs calendar work, turning a CalendarError into its API problem. */
export function answer<T>(work: () => T, fieldPrefix?: string): T {
  try {
    return work();
  } catch (e) {
    if (e instanceof CalendarError) throw calendarProblem(e, fieldPrefix);
    throw e;
  }
}

export interface LoadInput {
  /** The file's JSON: holiday-cn or our own format. */
  file: unknown;
  /** 文号 for a holiday-cn file (it carries only the notice's URL). */
  notice?: string;
  /** Allow replacing a year already covered (built-in or loaded before). */
  replace?: boolean;
}

export interface LoadPlan {
  year: number;
  format: YearFileFormat;
  data: HolidayYearData;
  digest: string;
  /** What the year has now, if anything. */
  existing: { source: 'builtin' | 'loaded'; notice: string; digest: string } | null;
  /** The same data is already in effect: loading changes nothing. */
  unchanged: boolean;
  /** The year is covered already: loading needs `replace`. */
  needsReplace: boolean;
  /** Working days of the year with this data. */
  workdays: number;
  /** Provisional deadlines waiting, all recomputed after the load. */
  provisionalDeadlines: number;
}

function parse(input: LoadInput): { format: YearFileFormat; data: HolidayYearData } {
  try {
    return parseYearFile(input.file, input.notice === undefined ? {} : { notice: input.notice });
  } catch (e) {
    // `notice` is a field of the request itself; everything else is inside the file.
    if (e instanceof CalendarError) throw calendarProblem(e, e.field === 'notice' && input.notice !== undefined ? undefined : 'file');
    throw e;
  }
}

async function plan(db: Executor, deps: CalendarDeps, input: LoadInput): Promise<LoadPlan & { calendar: WorkdayCalendar }> {
  const { format, data } = parse(input);
  const digest = digestOf(data);
  const loaded = await loadedYears(db);
  const mine = loaded.find((r) => r.year === data.year);
  const builtin = BUILTIN_HOLIDAY_YEARS.find((y) => y.year === data.year);
  const existing = mine ? { source: 'loaded' as const, notice: mine.notice, digest: mine.digest } : builtin ? { source: 'builtin' as const, notice: builtin.notice, digest: digestOf(builtin) } : null;
  // The new year with every other year in effect: a date set differently by two notices is refused here.
  let calendar: WorkdayCalendar;
  try {
    calendar = calendarFromYears(effectiveYears([...loaded.filter((r) => r.year !== data.year).map((r) => r.data), data]));
  } catch (e) {
    if (e instanceof CalendarError) throw calendarProblem(new CalendarError('CALENDAR_DATA_INVALID', `与已有年份的数据冲突：${e.message}`, data.year), 'file');
    throw e;
  }
  let provisionalDeadlines = 0;
  for (const owner of deps.deadlines) provisionalDeadlines += await owner.countProvisional(db);
  return {
    year: data.year,
    format,
    data,
    digest,
    existing,
    unchanged: existing?.digest === digest,
    needsReplace: existing !== null,
    workdays: calendar.workdaysBetween(`${data.year}-01-01`, `${data.year}-12-31`),
    provisionalDeadlines,
    calendar,
  };
}

/** What loading the file would do; changes nothing. */
export async function previewYear(db: Executor, deps: CalendarDeps, input: LoadInput): Promise<LoadPlan> {
  const { calendar: _calendar, ...p } = await plan(db, deps, input);
  return p;
}

export interface LoadResult extends LoadPlan {
  /** The recomputation job (null when nothing changed). */
  jobId: number | null;
}

/**
 * Loads one year (F-9): checked like the built-in years and against them,
 * stored, audited, and one durable job scheduled in the same transaction to
 * recompute every provisional deadline. A covered year is replaced only with
 * `replace`; loading the data already in effect changes nothing.
 */
export async function loadYear(db: Db, deps: CalendarDeps, actor: Actor, input: LoadInput): Promise<LoadResult> {
  const result = await db.transaction().execute(async (tx): Promise<LoadResult> => {
    await lockForLoad(tx);
    const { calendar: _calendar, ...p } = await plan(tx, deps, input);
    if (p.unchanged) return { ...p, jobId: null };
    if (p.needsReplace && !input.replace) {
      throw new AppError('CALENDAR_YEAR_EXISTS', 409, `${p.year}年已有节假日数据`, {
        detail: `${p.year}年已有${p.existing!.source === 'builtin' ? '内置' : '导入'}数据（${p.existing!.notice}）；确需替换时请选择“替换”（CLI：--replace）`,
        field: 'replace',
        extra: { year: p.year, source: p.existing!.source },
      });
    }
    const values = { format: p.format, data: JSON.stringify(p.data), original: JSON.stringify(input.file), digest: p.digest, notice: p.data.notice, replaces_builtin: BUILTIN_HOLIDAY_YEARS.some((y) => y.year === p.year), loaded_by: actor.username, loaded_at: new Date() };
    await tx.insertInto('calendar_years').values({ year: p.year, ...values }).onConflict((oc) => oc.column('year').doUpdateSet(values)).execute();
    const seq = await appendAudit(tx, actor, {
      action: 'calendar.load',
      target: `calendar:${p.year}`,
      change: { year: p.year, format: p.format, digest: p.digest, notice: p.data.notice, replaced: p.existing, holidays: p.data.holidays, makeupWorkdays: p.data.makeupWorkdays, sources: p.data.sources ?? [] },
    });
    const jobId = await scheduleJob(tx, { name: RECOMPUTE_JOB, payload: { year: p.year, digest: p.digest }, dedupeKey: `audit:${seq}` });
    return { ...p, jobId };
  });
  if (result.jobId !== null) markChanged('calendar');
  return result;
}

/**
 * The recomputation job: every provisional deadline of every owner, with the
 * calendar now in effect, in the job's transaction (exactly once: a crash
 * rolls it back whole; a second run finds nothing provisional left to move).
 * Whoever's deadline moved is told; one audit record lists every change.
 */
export function recomputeJob(deps: CalendarDeps): JobHandler {
  return async (payload, tx) => {
    const { year } = payload as { year: number };
    const calendar = await currentCalendar(tx, { fresh: true });
    const changes: Array<DeadlineChange & { owner: string }> = [];
    for (const owner of deps.deadlines) for (const c of await owner.recompute(tx, calendar)) changes.push({ ...c, owner: owner.name });
    const moved = changes.filter((c) => c.from !== c.to);
    await sendEnterpriseMessages(
      tx,
      moved.flatMap((c) => (c.enterprise ? [{ uscc: c.enterprise.uscc, kind: KIND_DEADLINE_MOVED, title: c.enterprise.title, body: c.enterprise.body, link: c.enterprise.link }] : [])),
    );
    const staff = moved.flatMap((c) => (c.department ? [{ department: c.department.department, kind: KIND_DEADLINE_MOVED, title: c.department.title, body: c.department.body, link: c.department.link }] : []));
    if (staff.length && deps.notifyDepartments) await deps.notifyDepartments(tx, staff);
    await appendAudit(tx, SYSTEM_ACTOR, {
      action: 'calendar.recompute',
      target: `calendar:${year}`,
      change: {
        years: calendar.years,
        recomputed: changes.length,
        moved: moved.length,
        stillProvisional: changes.filter((c) => c.provisional).length,
        changes: changes.map((c) => ({ owner: c.owner, target: c.target, label: c.label, from: c.from, to: c.to, provisional: c.provisional })),
      },
    });
  };
}

/**
 * Runs one scheduled job now, in this process, as the job runner would (the
 * handler in the transaction that marks the job done). Used by the CLI after
 * a load; if a running server claimed the job first, it is skipped here.
 */
export async function runJobNow(db: Db, jobId: number, handler: JobHandler): Promise<boolean> {
  return db.transaction().execute(async (tx) => {
    const job = await tx.selectFrom('jobs').select(['id', 'name', 'payload', 'attempts']).where('id', '=', jobId).where('status', '=', 'pending').forUpdate().skipLocked().executeTakeFirst();
    if (!job) return false;
    await handler(job.payload, tx, { id: Number(job.id), name: job.name, attempts: job.attempts, log: STDERR_JOB_LOG });
    await tx.updateTable('jobs').set({ status: 'done', done_at: new Date(), attempts: job.attempts + 1 }).where('id', '=', jobId).execute();
    return true;
  });
}

/** Provisional deadlines waiting, per owner, and recomputation jobs not yet done. */
export async function provisionalStatus(db: Executor, deps: CalendarDeps): Promise<{ provisionalDeadlines: number; owners: Array<{ name: string; count: number }>; pendingJobs: number; failedJobs: number }> {
  const owners: Array<{ name: string; count: number }> = [];
  for (const o of deps.deadlines) owners.push({ name: o.name, count: await o.countProvisional(db) });
  const jobs = await db.selectFrom('jobs').select(['status']).select((eb) => eb.fn.countAll<number>().as('n')).where('name', '=', RECOMPUTE_JOB).where('status', 'in', ['pending', 'failed']).groupBy('status').execute();
  const count = (s: string) => Number(jobs.find((j) => j.status === s)?.n ?? 0);
  return { provisionalDeadlines: owners.reduce((a, o) => a + o.count, 0), owners, pendingJobs: count('pending'), failedJobs: count('failed') };
}
