import { api } from '../../api/client';

// The /api/v1/calendar contract (SPEC F-9, docs/standards.md “工作日历”).

export interface HolidayPeriod {
  name: string;
  start: string;
  end: string;
  days: number;
}

export interface YearSummary {
  year: number;
  source: 'builtin' | 'loaded';
  format: 'builtin' | 'holiday-cn' | 'qifu';
  notice: string;
  title: string;
  sources: string[];
  holidayPeriods: number;
  holidayDays: number;
  makeupDays: number;
  workdays: number;
  replacesBuiltin: boolean;
  loadedBy: string | null;
  loadedAt: string | null;
}

export interface YearDetail extends YearSummary {
  holidays: HolidayPeriod[];
  /** weekday: 0 = Sunday … 6 = Saturday. */
  makeupWorkdays: Array<{ date: string; for: string; weekday: number }>;
}

export interface CalendarStatus {
  provisionalDeadlines: number;
  owners: Array<{ name: string; count: number }>;
  pendingJobs: number;
  failedJobs: number;
}

export interface LoadInput {
  file: unknown;
  notice?: string;
  replace?: boolean;
}

export interface LoadPlan {
  year: number;
  format: 'holiday-cn' | 'qifu';
  data: { year: number; notice: string; title: string; holidays: HolidayPeriod[]; makeupWorkdays: Array<{ date: string; for: string }>; sources?: string[] };
  digest: string;
  existing: { source: 'builtin' | 'loaded'; notice: string; digest: string } | null;
  unchanged: boolean;
  needsReplace: boolean;
  workdays: number;
  provisionalDeadlines: number;
}

export interface LoadResult extends LoadPlan {
  jobId: number | null;
}

export const calendarKeys = {
  all: ['calendar'] as const,
  years: ['calendar', 'years'] as const,
  year: (year: number) => ['calendar', 'year', year] as const,
  status: ['calendar', 'status'] as const,
};

export function listYears(): Promise<{ items: YearSummary[] }> {
  return api.get('/api/v1/calendar/years');
}

export function fetchYear(year: number): Promise<YearDetail> {
  return api.get(`/api/v1/calendar/years/${year}`);
}

export function fetchStatus(): Promise<CalendarStatus> {
  return api.get('/api/v1/calendar/status');
}

export function previewYear(input: LoadInput): Promise<LoadPlan> {
  return api.post('/api/v1/calendar/years/preview', input);
}

export function loadYear(input: LoadInput): Promise<LoadResult> {
  return api.post('/api/v1/calendar/years', input);
}
