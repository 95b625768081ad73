import { sql, type ColumnType, type Generated, type Kysely } from 'kysely';
import type { HolidayYearData, YearFileFormat } from '../../core/calendar/index.ts';
import type { MigrationSet } from '../../platform/migrations.ts';

/**
 * A year's holiday schedule loaded at run time (F-9). The working calendar of
 * every process is the built-in years (src/core/calendar/data) plus these rows;
 * a row for a built-in year replaces it (loaded with replace = true).
 */
export interface CalendarYearsTable {
  year: number;
  format: YearFileFormat;
  /** The year as HolidayYearData, after parsing and checking. */
  data: ColumnType<HolidayYearData, string, string>;
  /** The file as it was loaded (provenance). */
  original: ColumnType<unknown, string, string>;
  /** SM3 of the canonical JSON of `data`: the calendar's fingerprint and the audit digest. */
  digest: string;
  notice: string;
  replaces_builtin: boolean;
  loaded_by: string;
  loaded_at: Generated<Date>;
}

declare module '../../platform/db/schema.ts' {
  interface Database {
    calendar_years: CalendarYearsTable;
  }
}

export const calendarMigrations: MigrationSet = {
  '0450_calendar_years': {
    async up(db: Kysely<unknown>) {
      await sql`
        create table calendar_years (
          year integer primary key check (year between 1949 and 9999),
          format text not null check (format in ('holiday-cn','qifu')),
          data jsonb not null,
          original jsonb not null,
          digest text not null,
          notice text not null,
          replaces_builtin boolean not null default false,
          loaded_by text not null,
          loaded_at timestamptz not null default now()
        );
      `.execute(db);
    },
  },
};
