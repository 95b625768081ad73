/** One year's schedule as published by the State Council General Office. */
export interface HolidayPeriod {
  /** Festival name as in the notice, e.g. 春节. */
  readonly name: string;
  /** First day off, YYYY-MM-DD. */
  readonly start: string;
  /** Last day off (inclusive), YYYY-MM-DD. */
  readonly end: string;
  /** "共N天" from the notice; checked against start..end when the data is loaded. */
  readonly days: number;
}

export interface MakeupWorkday {
  /** A Saturday or Sunday that is worked (调休上班), YYYY-MM-DD. */
  readonly date: string;
  /** The festival it compensates. */
  readonly for: string;
}

export interface HolidayYearData {
  readonly year: number;
  /** Notice number, e.g. 国办发明电〔2022〕16号. */
  readonly notice: string;
  readonly title: string;
  /** Date the notice was issued, where recorded. */
  readonly issued?: string;
  readonly holidays: readonly HolidayPeriod[];
  readonly makeupWorkdays: readonly MakeupWorkday[];
  /** Where the data came from: URLs of the notice (holiday-cn `papers`), when known. */
  readonly sources?: readonly string[];
}

/** A date computed with Monday–Friday standing in for a year without data (F-9: shown as 暂定). */
export interface ProvisionalDate {
  readonly date: string;
  /** True when the count crossed a day of a year the calendar has no data for. */
  readonly provisional: boolean;
}

export type DayKind = 'workday' | 'weekend' | 'holiday' | 'makeup_workday';

export type CalendarErrorCode =
  | 'CALENDAR_INVALID_DATE'
  | 'CALENDAR_YEAR_NOT_COVERED'
  | 'CALENDAR_INVALID_ARGUMENT'
  | 'CALENDAR_INVALID_RANGE'
  | 'CALENDAR_DATA_INVALID';

/**
 * Every calendar failure; `code` is stable, `message` is Chinese; `year` names
 * the missing year; `field` the place in a year file that is wrong (e.g. `days[3].date`).
 */
export class CalendarError extends Error {
  override readonly name = 'CalendarError';
  constructor(
    readonly code: CalendarErrorCode,
    message: string,
    readonly year?: number,
    readonly field?: string,
  ) {
    super(message);
  }
}
