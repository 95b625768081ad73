export { calendarFromYears, defaultCalendar, isWorkday, addWorkdays, workdaysBetween } from './calendar.ts';
export type { WorkdayCalendar, DayInfo } from './calendar.ts';
export { CalendarError } from './types.ts';
export type { HolidayYearData, HolidayPeriod, MakeupWorkday, DayKind, CalendarErrorCode } from './types.ts';
export { BUILTIN_HOLIDAY_YEARS, HOLIDAYS_2023, HOLIDAYS_2024, HOLIDAYS_2025, HOLIDAYS_2026 } from './data/index.ts';
export { isValidDate, toEpochDay, fromEpochDay } from './dates.ts';
export { parseYearFile, parseHolidayCn, parseQifuYear } from './formats.ts';
export type { YearFileFormat, ParsedYearFile, ParseOptions } from './formats.ts';
export type { ProvisionalDate } from './types.ts';
