/**
 * Working-day calendar of mainland China (F-9): weekends, statutory holidays
 * (法定节假日) and make-up workdays (调休上班) from the State Council notices,
 * one data file per year. A date in a year without data is an explicit
 * CALENDAR_YEAR_NOT_COVERED error naming the year — never a guess.
 */
import { BUILTIN_HOLIDAY_YEARS } from './data/index.ts';
import { fromEpochDay, toEpochDay, weekdayOf, yearOf } from './dates.ts';
import { CalendarError, type DayKind, type HolidayYearData, type ProvisionalDate } from './types.ts';

export interface DayInfo {
  readonly date: string;
  readonly kind: DayKind;
  readonly workday: boolean;
  /** Festival name for a holiday or a make-up workday. */
  readonly festival?: string;
}

export interface WorkdayCalendar {
  /** Years with data, ascending. */
  readonly years: readonly number[];
  /** Notice numbers by year. */
  readonly notices: Readonly<Record<number, string>>;
  isWorkday(date: string): boolean;
  dayInfo(date: string): DayInfo;
  /**
   * The n-th working day after `date` (n > 0), before it (n < 0), or `date`
   * itself (n = 0). `date` need not be a working day.
   */
  addWorkdays(date: string, n: number): string;
  /** Working days in [from, to], both ends inclusive; from must not be after to. */
  workdaysBetween(from: string, to: string): number;
  /** The first working day on or after `date`. */
  nextWorkdayOnOrAfter(date: string): string;
  /** Whether `year` has data. */
  covers(year: number): boolean;
  /**
   * For deadlines only (F-9): addWorkdays, except that a day in a year without
   * data counts as a working day when it is Monday–Friday; `provisional` tells
   * whether the count crossed such a day. Explicit questions use addWorkdays.
   */
  addWorkdaysProvisional(date: string, n: number): ProvisionalDate;
  /** workdaysBetween with the same Monday–Friday stand-in for years without data. */
  workdaysBetweenProvisional(from: string, to: string): { workdays: number; provisional: boolean };
  /** isWorkday with the same Monday–Friday stand-in for years without data. */
  isWorkdayProvisional(date: string): { workday: boolean; provisional: boolean };
}

/**
 * How far into the neighbouring years a year's notice may reach: 元旦 periods
 * start in late December (2018-12-30 for 2019) and make-up days fall there
 * (2018-12-29); holiday-cn lists them in the file of the notice's year.
 */
const NEIGHBOUR_DAYS = 7;

interface Marks {
  readonly holiday: Map<number, string>;
  readonly makeup: Map<number, string>;
}

function invalid(year: number, message: string): never {
  throw new CalendarError('CALENDAR_DATA_INVALID', `${year}年节假日数据有误：${message}`, year);
}

function loadYears(data: readonly HolidayYearData[]): { years: number[]; marks: Marks; notices: Record<number, string> } {
  const holiday = new Map<number, string>();
  const makeup = new Map<number, string>();
  const notices: Record<number, string> = {};
  const years: number[] = [];
  for (const y of data) {
    if (!Number.isInteger(y.year) || y.year < 1949 || y.year > 9999) {
      throw new CalendarError('CALENDAR_DATA_INVALID', `节假日数据的年份“${String(y.year)}”无效`);
    }
    if (years.includes(y.year)) invalid(y.year, '同一年份的数据出现了两次');
    years.push(y.year);
    notices[y.year] = y.notice;
    for (const p of y.holidays) {
      const start = toEpochDay(p.start);
      const end = toEpochDay(p.end);
      if (end < start) invalid(y.year, `${p.name}的结束日期早于开始日期`);
      if (end - start + 1 !== p.days) invalid(y.year, `${p.name}${p.start}至${p.end}共${end - start + 1}天，与通知所写${p.days}天不符`);
      if (yearOf(start) !== y.year && yearOf(end) !== y.year) invalid(y.year, `${p.name}不在${y.year}年内`);
      for (let d = start; d <= end; d++) {
        if (holiday.has(d)) invalid(y.year, `${fromEpochDay(d)}重复列为假日`);
        holiday.set(d, p.name);
      }
    }
    for (const m of y.makeupWorkdays) {
      const d = toEpochDay(m.date);
      const wd = weekdayOf(d);
      if (wd !== 0 && wd !== 6) invalid(y.year, `调休上班日${m.date}不是周六或周日`);
      if (d < toEpochDay(`${y.year}-01-01`) - NEIGHBOUR_DAYS || d > toEpochDay(`${y.year}-12-31`) + NEIGHBOUR_DAYS) invalid(y.year, `调休上班日${m.date}不在${y.year}年内`);
      if (makeup.has(d)) invalid(y.year, `调休上班日${m.date}重复`);
      makeup.set(d, m.for);
    }
  }
  for (const [d] of makeup) {
    if (holiday.has(d)) throw new CalendarError('CALENDAR_DATA_INVALID', `节假日数据有误：${fromEpochDay(d)}既是假日又是调休上班日`);
  }
  years.sort((a, b) => a - b);
  return { years, marks: { holiday, makeup }, notices };
}

/** Builds a calendar from year data (e.g. the built-in years plus a newly published one). */
export function calendarFromYears(data: readonly HolidayYearData[]): WorkdayCalendar {
  const { years, marks, notices } = loadYears(data);
  const covered = new Set(years);
  const coveredText = years.length === 0 ? '无' : years.map((y) => `${y}年`).join('、');

  const requireCovered = (day: number): void => {
    const y = yearOf(day);
    if (!covered.has(y)) {
      throw new CalendarError(
        'CALENDAR_YEAR_NOT_COVERED',
        `工作日历缺少${y}年的节假日安排数据（已有：${coveredText}），无法判断${fromEpochDay(day)}是否为工作日`,
        y,
      );
    }
  };

  const kindOf = (day: number): DayKind => {
    requireCovered(day);
    if (marks.holiday.has(day)) return 'holiday';
    if (marks.makeup.has(day)) return 'makeup_workday';
    const wd = weekdayOf(day);
    return wd === 0 || wd === 6 ? 'weekend' : 'workday';
  };
  const isWorkdayDay = (day: number): boolean => {
    const k = kindOf(day);
    return k === 'workday' || k === 'makeup_workday';
  };

  // Prefix sums of working days per covered year, so counting a range is O(years).
  const prefix = new Map<number, { first: number; sums: Int32Array }>();
  for (const y of years) {
    const first = toEpochDay(`${y}-01-01`);
    const last = toEpochDay(`${y}-12-31`);
    const sums = new Int32Array(last - first + 2);
    for (let d = first; d <= last; d++) sums[d - first + 1] = (sums[d - first] as number) + (isWorkdayDay(d) ? 1 : 0);
    prefix.set(y, { first, sums });
  }
  const countUpTo = (day: number): number => {
    // Working days from Jan 1 of day's year up to and including day.
    const p = prefix.get(yearOf(day));
    if (!p) return 0;
    return p.sums[day - p.first + 1] as number;
  };

  const weekday = (day: number): boolean => {
    const wd = weekdayOf(day);
    return wd !== 0 && wd !== 6;
  };
  /** Working day, or Monday–Friday in a year without data (flagged through `uncovered`). */
  const provisionalWorkday = (day: number, uncovered: { hit: boolean }): boolean => {
    if (covered.has(yearOf(day))) return isWorkdayDay(day);
    uncovered.hit = true;
    return weekday(day);
  };
  const weekdaysIn = (a: number, b: number): number => {
    // Monday–Friday in [a, b]: whole weeks, then the remainder day by day.
    const len = b - a + 1;
    if (len <= 0) return 0;
    let n = Math.floor(len / 7) * 5;
    for (let d = a + Math.floor(len / 7) * 7; d <= b; d++) if (weekday(d)) n++;
    return n;
  };

  const checkInteger = (n: number): void => {
    if (!Number.isSafeInteger(n)) throw new CalendarError('CALENDAR_INVALID_ARGUMENT', `工作日天数“${String(n)}”必须是整数`);
  };

  return {
    years,
    notices,
    isWorkday(date) {
      return isWorkdayDay(toEpochDay(date));
    },
    dayInfo(date) {
      const day = toEpochDay(date);
      const kind = kindOf(day);
      const festival = marks.holiday.get(day) ?? marks.makeup.get(day);
      return festival === undefined
        ? { date, kind, workday: kind === 'workday' }
        : { date, kind, workday: kind === 'makeup_workday', festival };
    },
    addWorkdays(date, n) {
      let day = toEpochDay(date);
      checkInteger(n);
      requireCovered(day);
      const step = n < 0 ? -1 : 1;
      let left = Math.abs(n);
      while (left > 0) {
        day += step;
        if (isWorkdayDay(day)) left--;
      }
      return fromEpochDay(day);
    },
    workdaysBetween(from, to) {
      const a = toEpochDay(from);
      const b = toEpochDay(to);
      if (a > b) throw new CalendarError('CALENDAR_INVALID_RANGE', `起始日期${from}晚于结束日期${to}`);
      for (let y = yearOf(a); y <= yearOf(b); y++) requireCovered(toEpochDay(`${String(y).padStart(4, '0')}-01-01`));
      let total = 0;
      for (let y = yearOf(a); y <= yearOf(b); y++) {
        const p = prefix.get(y) as { first: number; sums: Int32Array };
        const lo = Math.max(a, p.first);
        const hi = Math.min(b, p.first + p.sums.length - 2);
        total += countUpTo(hi) - (lo > p.first ? countUpTo(lo - 1) : 0);
      }
      return total;
    },
    nextWorkdayOnOrAfter(date) {
      let day = toEpochDay(date);
      while (!isWorkdayDay(day)) day++;
      return fromEpochDay(day);
    },
    covers(year) {
      return covered.has(year);
    },
    addWorkdaysProvisional(date, n) {
      let day = toEpochDay(date);
      checkInteger(n);
      const uncovered = { hit: false };
      const step = n < 0 ? -1 : 1;
      let left = Math.abs(n);
      while (left > 0) {
        day += step;
        if (provisionalWorkday(day, uncovered)) left--;
      }
      return { date: fromEpochDay(day), provisional: uncovered.hit };
    },
    workdaysBetweenProvisional(from, to) {
      const a = toEpochDay(from);
      const b = toEpochDay(to);
      if (a > b) throw new CalendarError('CALENDAR_INVALID_RANGE', `起始日期${from}晚于结束日期${to}`);
      let workdays = 0;
      let provisional = false;
      for (let y = yearOf(a); y <= yearOf(b); y++) {
        const first = toEpochDay(`${String(y).padStart(4, '0')}-01-01`);
        const last = toEpochDay(`${String(y).padStart(4, '0')}-12-31`);
        const lo = Math.max(a, first);
        const hi = Math.min(b, last);
        if (covered.has(y)) workdays += countUpTo(hi) - (lo > first ? countUpTo(lo - 1) : 0);
        else {
          provisional = true;
          workdays += weekdaysIn(lo, hi);
        }
      }
      return { workdays, provisional };
    },
    isWorkdayProvisional(date) {
      const uncovered = { hit: false };
      const workday = provisionalWorkday(toEpochDay(date), uncovered);
      return { workday, provisional: uncovered.hit };
    },
  };
}

/** The calendar with every built-in year (2023–2026). */
export const defaultCalendar: WorkdayCalendar = calendarFromYears(BUILTIN_HOLIDAY_YEARS);

/** isWorkday on the default calendar. */
export function isWorkday(date: string): boolean {
  return defaultCalendar.isWorkday(date);
}

/** addWorkdays on the default calendar. */
export function addWorkdays(date: string, n: number): string {
  return defaultCalendar.addWorkdays(date, n);
}

/** workdaysBetween (both ends inclusive) on the default calendar. */
export function workdaysBetween(from: string, to: string): number {
  return defaultCalendar.workdaysBetween(from, to);
}
