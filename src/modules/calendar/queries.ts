import { BUILTIN_HOLIDAY_YEARS, CalendarError, toEpochDay, type HolidayPeriod, type HolidayYearData, type WorkdayCalendar } from '../../core/calendar/index.ts';
import type { Executor } from '../../platform/db/schema.ts';
import { calendarProblem } from './commands.ts';
import { currentCalendar, loadedYears } from './store.ts';

export interface YearSummary {
  year: number;
  /** Shipped with Qifu, or loaded at run time (admin page / `qifu calendar load`). */
  source: 'builtin' | 'loaded';
  format: 'builtin' | 'holiday-cn' | 'qifu';
  notice: string;
  title: string;
  sources: string[];
  holidayPeriods: number;
  holidayDays: number;
  makeupDays: number;
  /** Working days in the year. */
  workdays: number;
  /** A loaded year that replaced the built-in data of the same year. */
  replacesBuiltin: boolean;
  loadedBy: string | null;
  loadedAt: string | null;
}

export interface YearDetail extends YearSummary {
  holidays: HolidayPeriod[];
  /** weekday: 0 = Sunday … 6 = Saturday. */
  makeupWorkdays: Array<{ date: string; for: string; weekday: number }>;
}

function summary(y: HolidayYearData, calendar: WorkdayCalendar, loaded: { format: 'holiday-cn' | 'qifu'; replacesBuiltin: boolean; loadedBy: string; loadedAt: string } | null): YearSummary {
  return {
    year: y.year,
    source: loaded ? 'loaded' : 'builtin',
    format: loaded ? loaded.format : 'builtin',
    notice: y.notice,
    title: y.title,
    sources: [...(y.sources ?? [])],
    holidayPeriods: y.holidays.length,
    holidayDays: y.holidays.reduce((n, h) => n + h.days, 0),
    makeupDays: y.makeupWorkdays.length,
    workdays: calendar.workdaysBetween(`${y.year}-01-01`, `${y.year}-12-31`),
    replacesBuiltin: loaded?.replacesBuiltin ?? false,
    loadedBy: loaded?.loadedBy ?? null,
    loadedAt: loaded?.loadedAt ?? null,
  };
}

async function years(db: Executor): Promise<Array<{ data: HolidayYearData; loaded: Parameters<typeof summary>[2] }>> {
  const loaded = await loadedYears(db);
  const byYear = new Map<number, { data: HolidayYearData; loaded: Parameters<typeof summary>[2] }>(BUILTIN_HOLIDAY_YEARS.map((y) => [y.year, { data: y, loaded: null }]));
  for (const r of loaded) byYear.set(r.year, { data: r.data, loaded: { format: r.format, replacesBuiltin: r.replacesBuiltin, loadedBy: r.loadedBy, loadedAt: r.loadedAt } });
  return [...byYear.values()].sort((a, b) => a.data.year - b.data.year);
}

/** Every covered year with where its data came from. */
export async function listYears(db: Executor): Promise<YearSummary[]> {
  const calendar = await currentCalendar(db);
  return (await years(db)).map((y) => summary(y.data, calendar, y.loaded));
}

/** One covered year's holidays and make-up days; a year without data is CALENDAR_YEAR_NOT_COVERED (422). */
export async function yearDetail(db: Executor, year: number): Promise<YearDetail> {
  const calendar = await currentCalendar(db);
  const y = (await years(db)).find((x) => x.data.year === year);
  if (!y) {
    const covered = calendar.years.map((v) => `${v}年`).join('、') || '无';
    throw calendarProblem(new CalendarError('CALENDAR_YEAR_NOT_COVERED', `工作日历缺少${year}年的节假日安排数据（已有：${covered}）`, year));
  }
  return {
    ...summary(y.data, calendar, y.loaded),
    holidays: [...y.data.holidays],
    makeupWorkdays: y.data.makeupWorkdays.map((m) => ({ date: m.date, for: m.for, weekday: (((toEpochDay(m.date) + 4) % 7) + 7) % 7 })),
  };
}
