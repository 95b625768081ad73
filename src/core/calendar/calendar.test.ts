import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addWorkdays, calendarFromYears, defaultCalendar, isWorkday, workdaysBetween } from './calendar.ts';
import { BUILTIN_HOLIDAY_YEARS, HOLIDAYS_2024 } from './data/index.ts';
import { fromEpochDay, toEpochDay, weekdayOf } from './dates.ts';
import { CalendarError, type HolidayYearData } from './types.ts';

function dates(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = toEpochDay(from); d <= toEpochDay(to); d++) out.push(fromEpochDay(d));
  return out;
}

function calendarErrorCode(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return e instanceof CalendarError ? e.code : 'OTHER';
  }
  return undefined;
}

describe('holiday data (国务院办公厅 notices)', () => {
  it('covers 2023–2026, each year citing its notice', () => {
    expect(defaultCalendar.years).toEqual([2023, 2024, 2025, 2026]);
    expect(defaultCalendar.notices).toEqual({
      2023: '国办发明电〔2022〕16号',
      2024: '国办发明电〔2023〕7号',
      2025: '国办发明电〔2024〕12号',
      2026: '国办发明电〔2025〕7号',
    });
  });

  it('has every make-up workday on a Saturday or Sunday and every period as long as the notice says', () => {
    for (const y of BUILTIN_HOLIDAY_YEARS) {
      for (const m of y.makeupWorkdays) expect([0, 6], `${m.date}`).toContain(weekdayOf(toEpochDay(m.date)));
      for (const p of y.holidays) expect(toEpochDay(p.end) - toEpochDay(p.start) + 1, `${y.year} ${p.name}`).toBe(p.days);
    }
  });

  it('2023: 春节 1/21–27 with 1/28–29 worked; 国庆 9/29–10/6 with 10/7–8 worked', () => {
    for (const d of dates('2023-01-21', '2023-01-27')) expect(isWorkday(d), d).toBe(false);
    for (const d of ['2023-01-28', '2023-01-29', '2023-04-23', '2023-05-06', '2023-06-25', '2023-10-07', '2023-10-08']) expect(isWorkday(d), d).toBe(true);
    for (const d of dates('2023-09-29', '2023-10-06')) expect(isWorkday(d), d).toBe(false);
    expect(isWorkday('2023-01-02')).toBe(false); // 元旦 (Monday)
    expect(isWorkday('2023-04-05')).toBe(false); // 清明
  });

  it('2024: 春节 2/10–17 with 2/4 and 2/18 worked; 除夕 2/9 stays a workday', () => {
    expect(isWorkday('2024-02-04')).toBe(true);
    expect(isWorkday('2024-02-18')).toBe(true);
    expect(isWorkday('2024-02-09')).toBe(true);
    for (const d of dates('2024-02-10', '2024-02-17')) expect(isWorkday(d), d).toBe(false);
    for (const d of ['2024-04-07', '2024-04-28', '2024-05-11', '2024-09-14', '2024-09-29', '2024-10-12']) expect(isWorkday(d), d).toBe(true);
    for (const d of [...dates('2024-05-01', '2024-05-05'), '2024-06-10', ...dates('2024-09-15', '2024-09-17'), ...dates('2024-10-01', '2024-10-07')]) {
      expect(isWorkday(d), d).toBe(false);
    }
  });

  it('2025: new rules — 春节 1/28–2/4, 劳动节 5/1–5, 国庆中秋 10/1–8', () => {
    for (const d of ['2025-01-26', '2025-02-08', '2025-04-27', '2025-09-28', '2025-10-11']) expect(isWorkday(d), d).toBe(true);
    for (const d of ['2025-01-01', ...dates('2025-01-28', '2025-02-04'), ...dates('2025-04-04', '2025-04-06'), ...dates('2025-05-01', '2025-05-05'), ...dates('2025-05-31', '2025-06-02'), ...dates('2025-10-01', '2025-10-08')]) {
      expect(isWorkday(d), d).toBe(false);
    }
    expect(defaultCalendar.dayInfo('2025-01-28')).toEqual({ date: '2025-01-28', kind: 'holiday', workday: false, festival: '春节' });
    expect(defaultCalendar.dayInfo('2025-02-08')).toEqual({ date: '2025-02-08', kind: 'makeup_workday', workday: true, festival: '春节' });
  });

  it('2026: 国办发明电〔2025〕7号', () => {
    for (const d of ['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10']) expect(isWorkday(d), d).toBe(true);
    for (const d of [...dates('2026-01-01', '2026-01-03'), ...dates('2026-02-15', '2026-02-23'), ...dates('2026-04-04', '2026-04-06'), ...dates('2026-05-01', '2026-05-05'), ...dates('2026-06-19', '2026-06-21'), ...dates('2026-09-25', '2026-09-27'), ...dates('2026-10-01', '2026-10-07')]) {
      expect(isWorkday(d), d).toBe(false);
    }
  });

  it('gives the known yearly working-day totals', () => {
    expect(workdaysBetween('2023-01-01', '2023-12-31')).toBe(249);
    expect(workdaysBetween('2024-01-01', '2024-12-31')).toBe(251);
    expect(workdaysBetween('2025-01-01', '2025-12-31')).toBe(248);
    expect(workdaysBetween('2026-01-01', '2026-12-31')).toBe(248);
  });
});

describe('calendar arithmetic', () => {
  it('adds working days across holidays and make-up days', () => {
    expect(addWorkdays('2024-02-08', 1)).toBe('2024-02-09');
    expect(addWorkdays('2024-02-08', 2)).toBe('2024-02-18'); // Sunday, worked
    expect(addWorkdays('2024-02-08', 3)).toBe('2024-02-19');
    expect(addWorkdays('2024-02-19', -2)).toBe('2024-02-09');
    expect(addWorkdays('2024-02-10', 0)).toBe('2024-02-10');
    expect(addWorkdays('2023-09-28', 1)).toBe('2023-10-07');
    expect(addWorkdays('2024-12-31', 1)).toBe('2025-01-02'); // across a year boundary
    expect(defaultCalendar.nextWorkdayOnOrAfter('2025-10-01')).toBe('2025-10-09');
  });

  it('counts working days with both ends inclusive', () => {
    expect(workdaysBetween('2024-02-05', '2024-02-05')).toBe(1);
    expect(workdaysBetween('2024-02-10', '2024-02-17')).toBe(0);
    expect(workdaysBetween('2024-02-04', '2024-02-18')).toBe(7); // 2/4, 2/5–2/9, 2/18
    expect(workdaysBetween('2024-12-30', '2025-01-02')).toBe(3);
  });

  it('addWorkdays and workdaysBetween agree (property)', () => {
    // Margins keep the walk back and forth inside the covered years.
    const first = toEpochDay('2023-02-01');
    const last = toEpochDay('2026-11-30');
    fc.assert(
      fc.property(fc.integer({ min: first, max: last }), fc.integer({ min: 1, max: 20 }), (day, n) => {
        const start = fromEpochDay(day);
        const end = addWorkdays(start, n);
        return workdaysBetween(fromEpochDay(day + 1), end) === n && isWorkday(end) && addWorkdays(end, -n) <= start;
      }),
      { numRuns: 300 },
    );
  });

  it('matches a day-by-day count (property)', () => {
    const first = toEpochDay('2023-01-01');
    const last = toEpochDay('2026-12-31');
    fc.assert(
      fc.property(fc.integer({ min: first, max: last }), fc.integer({ min: 0, max: 400 }), (a, len) => {
        const b = Math.min(a + len, last);
        const naive = dates(fromEpochDay(a), fromEpochDay(b)).filter((d) => isWorkday(d)).length;
        return workdaysBetween(fromEpochDay(a), fromEpochDay(b)) === naive;
      }),
      { numRuns: 100 },
    );
  });
});

describe('errors', () => {
  it('refuses a year without data, naming it', () => {
    expect(() => isWorkday('2027-03-01')).toThrow(/2027年/);
    expect(calendarErrorCode(() => isWorkday('2022-06-01'))).toBe('CALENDAR_YEAR_NOT_COVERED');
    expect(calendarErrorCode(() => addWorkdays('2026-12-30', 5))).toBe('CALENDAR_YEAR_NOT_COVERED');
    expect(calendarErrorCode(() => workdaysBetween('2026-12-01', '2027-01-10'))).toBe('CALENDAR_YEAR_NOT_COVERED');
    try {
      isWorkday('2027-03-01');
    } catch (e) {
      expect((e as CalendarError).year).toBe(2027);
    }
  });

  it('rejects invalid dates and arguments', () => {
    for (const bad of ['2024-02-30', '2024-2-3', '20240203', '2024-13-01', '', '2024-02-03T00:00']) {
      expect(calendarErrorCode(() => isWorkday(bad)), bad).toBe('CALENDAR_INVALID_DATE');
    }
    expect(calendarErrorCode(() => addWorkdays('2024-02-03', 1.5))).toBe('CALENDAR_INVALID_ARGUMENT');
    expect(calendarErrorCode(() => workdaysBetween('2024-02-03', '2024-02-01'))).toBe('CALENDAR_INVALID_RANGE');
  });
});

describe('calendarFromYears (a new year is a data update)', () => {
  const year2027: HolidayYearData = {
    year: 2027,
    notice: '（测试数据）',
    title: 'test',
    holidays: [{ name: '元旦', start: '2027-01-01', end: '2027-01-03', days: 3 }],
    makeupWorkdays: [],
  };

  it('extends coverage with the loaded data only', () => {
    const cal = calendarFromYears([...BUILTIN_HOLIDAY_YEARS, year2027]);
    expect(cal.years).toEqual([2023, 2024, 2025, 2026, 2027]);
    expect(cal.isWorkday('2027-01-01')).toBe(false);
    expect(cal.isWorkday('2027-01-04')).toBe(true);
    const only2024 = calendarFromYears([HOLIDAYS_2024]);
    expect(calendarErrorCode(() => only2024.isWorkday('2025-01-02'))).toBe('CALENDAR_YEAR_NOT_COVERED');
  });

  it('rejects inconsistent data', () => {
    const weekdayMakeup = { ...year2027, makeupWorkdays: [{ date: '2027-01-05', for: '元旦' }] };
    expect(calendarErrorCode(() => calendarFromYears([weekdayMakeup]))).toBe('CALENDAR_DATA_INVALID');
    const wrongDays = { ...year2027, holidays: [{ name: '元旦', start: '2027-01-01', end: '2027-01-03', days: 2 }] };
    expect(calendarErrorCode(() => calendarFromYears([wrongDays]))).toBe('CALENDAR_DATA_INVALID');
    expect(calendarErrorCode(() => calendarFromYears([year2027, year2027]))).toBe('CALENDAR_DATA_INVALID');
  });
});
