import { sql } from 'kysely';
import { BUILTIN_HOLIDAY_YEARS, calendarFromYears, defaultCalendar, type HolidayYearData, type WorkdayCalendar, type YearFileFormat } from '../../core/calendar/index.ts';
import { canonicalJson, sm3 } from '../../core/crypto/sm.ts';
import { changeCounter } from '../../platform/changes.ts';
import type { Executor, Tx } from '../../platform/db/schema.ts';

/**
 * The working calendar of this process: built-in years plus the rows of
 * `calendar_years`. Built once per set of loaded years (keyed by their
 * digests, so two databases in one process never share a wrong calendar).
 * A load in this process bumps the 'calendar' change counter and is seen at
 * once; a load in another process is seen within MAX_STALE_MS (display) or
 * at once where a deadline is stored (`calendarForDeadlines` reads the table
 * in the writer's transaction).
 */
const MAX_STALE_MS = 1000;
const built = new Map<string, WorkdayCalendar>([['', defaultCalendar]]);
const checked = new WeakMap<object, { fingerprint: string; at: number; counter: number }>();

/** Advisory lock between loading a year (exclusive) and storing a deadline (shared): see calendarForDeadlines. */
const LOCK = sql`hashtext('qifu.calendar')`;

export function digestOf(data: HolidayYearData): string {
  return sm3(canonicalJson(data));
}

function fingerprintOf(rows: ReadonlyArray<{ year: number; digest: string }>): string {
  return rows
    .map((r) => `${r.year}:${r.digest}`)
    .sort()
    .join(',');
}

/** Built-in years, each replaced by a loaded one for the same year, plus the other loaded years. */
export function effectiveYears(loaded: readonly HolidayYearData[]): HolidayYearData[] {
  const byYear = new Map<number, HolidayYearData>(BUILTIN_HOLIDAY_YEARS.map((y) => [y.year, y]));
  for (const y of loaded) byYear.set(y.year, y);
  return [...byYear.values()].sort((a, b) => a.year - b.year);
}

async function readFingerprint(db: Executor): Promise<string> {
  return fingerprintOf(await db.selectFrom('calendar_years').select(['year', 'digest']).execute());
}

async function build(db: Executor): Promise<{ fingerprint: string; calendar: WorkdayCalendar }> {
  const rows = await db.selectFrom('calendar_years').select(['year', 'digest', 'data']).execute();
  // The fingerprint of exactly the rows read: a load in between cannot file this calendar under another set.
  const fingerprint = fingerprintOf(rows);
  let calendar = built.get(fingerprint);
  if (!calendar) {
    calendar = calendarFromYears(effectiveYears(rows.map((r) => r.data)));
    if (built.size > 16) built.clear();
    built.set(fingerprint, calendar);
  }
  return { fingerprint, calendar };
}

/**
 * The calendar now in effect. `fresh` reads the table's fingerprint even if it
 * was checked a moment ago (use it inside a transaction that stores a result).
 */
export async function currentCalendar(db: Executor, opts: { fresh?: boolean } = {}): Promise<WorkdayCalendar> {
  const counter = changeCounter('calendar');
  const seen = checked.get(db);
  if (!opts.fresh && seen && seen.counter === counter && Date.now() - seen.at < MAX_STALE_MS) {
    const cal = built.get(seen.fingerprint);
    if (cal) return cal;
  }
  let fingerprint = await readFingerprint(db);
  let calendar = built.get(fingerprint);
  if (!calendar) ({ fingerprint, calendar } = await build(db));
  checked.set(db, { fingerprint, at: Date.now(), counter });
  return calendar;
}

/**
 * The calendar for a deadline about to be stored, inside the writer's
 * transaction. The shared lock waits for a year being loaded to commit, and
 * holds a load back until this transaction commits: so a deadline stored as
 * provisional is always committed before the recomputation job that the load
 * schedules can look for it (or it is computed with the new year already).
 */
export async function calendarForDeadlines(tx: Tx): Promise<WorkdayCalendar> {
  await sql`select pg_advisory_xact_lock_shared(${LOCK})`.execute(tx);
  return currentCalendar(tx, { fresh: true });
}

/** Taken by a load, exclusive (see calendarForDeadlines). */
export async function lockForLoad(tx: Tx): Promise<void> {
  await sql`select pg_advisory_xact_lock(${LOCK})`.execute(tx);
}

export interface LoadedYearRow {
  year: number;
  format: YearFileFormat;
  data: HolidayYearData;
  digest: string;
  notice: string;
  replacesBuiltin: boolean;
  loadedBy: string;
  loadedAt: string;
}

export async function loadedYears(db: Executor): Promise<LoadedYearRow[]> {
  const rows = await db.selectFrom('calendar_years').select(['year', 'format', 'data', 'digest', 'notice', 'replaces_builtin', 'loaded_by', 'loaded_at']).orderBy('year').execute();
  return rows.map((r) => ({ year: r.year, format: r.format, data: r.data, digest: r.digest, notice: r.notice, replacesBuiltin: r.replaces_builtin, loadedBy: r.loaded_by, loadedAt: new Date(r.loaded_at).toISOString() }));
}
