/** Strict 'YYYY-MM-DD' handling on epoch days (UTC arithmetic, no time zone, no clock). */
import { CalendarError } from './types.ts';

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MS_PER_DAY = 86_400_000;

/** Days since 1970-01-01 for a valid 'YYYY-MM-DD'; throws CalendarError otherwise. */
export function toEpochDay(date: string): number {
  const m = typeof date === 'string' ? DATE_RE.exec(date) : null;
  if (m) {
    const y = Number(m[1]);
    const mo = Number(m[2]);
    const d = Number(m[3]);
    const ms = Date.UTC(y, mo - 1, d);
    const back = new Date(ms);
    if (y >= 1 && back.getUTCFullYear() === y && back.getUTCMonth() === mo - 1 && back.getUTCDate() === d) {
      return ms / MS_PER_DAY;
    }
  }
  throw new CalendarError('CALENDAR_INVALID_DATE', `日期“${String(date)}”无效，应为YYYY-MM-DD格式的有效日期`);
}

/** 'YYYY-MM-DD' for an epoch day. */
export function fromEpochDay(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

/** True for a string that is a valid 'YYYY-MM-DD' calendar date. */
export function isValidDate(date: string): boolean {
  try {
    toEpochDay(date);
    return true;
  } catch {
    return false;
  }
}

/** 0 = Sunday … 6 = Saturday. */
export function weekdayOf(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

export function yearOf(day: number): number {
  return new Date(day * MS_PER_DAY).getUTCFullYear();
}
