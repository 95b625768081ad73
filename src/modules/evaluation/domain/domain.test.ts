import { describe, expect, it } from 'vitest';
import { daysBetween, median } from './figures.ts';
import { nextDay, REVIEW_STAGES, stageFor, sweepTime, WINDOW_STAGES, workdaysLeft } from './reminders.ts';

describe('workdaysLeft / stageFor (F-9 calendar, time is an argument)', () => {
  it('counts working days after today up to the deadline', () => {
    expect(workdaysLeft('2026-11-27', '2026-11-24')).toBe(3); // Wed, Thu, Fri
    expect(workdaysLeft('2026-11-24', '2026-11-24')).toBe(0);
    expect(workdaysLeft('2026-11-30', '2026-11-27')).toBe(1); // over the weekend
    expect(workdaysLeft('2026-11-23', '2026-11-24')).toBe(-1);
    // 国庆 2026: 10-01…10-07 off, make-up workdays 09-20 (Sun) and 10-10 (Sat).
    expect(workdaysLeft('2026-10-09', '2026-09-30')).toBe(2);
  });

  it('falls back to Monday–Friday in a year without holiday data', () => {
    expect(workdaysLeft('2031-01-10', '2031-01-03')).toBe(5); // Fri → next Fri
  });

  it('gives the stage reached: 5 then 1 for windows, 3 then 1 for reviews; nothing too early or after', () => {
    expect(stageFor('2026-12-04', '2026-11-24', WINDOW_STAGES)).toBeNull(); // 8 left
    expect(stageFor('2026-12-04', '2026-11-27', WINDOW_STAGES)).toBe(5); // 5 left
    expect(stageFor('2026-12-04', '2026-12-01', WINDOW_STAGES)).toBe(5); // 3 left
    expect(stageFor('2026-12-04', '2026-12-03', WINDOW_STAGES)).toBe(1);
    expect(stageFor('2026-12-04', '2026-12-04', WINDOW_STAGES)).toBe(1);
    expect(stageFor('2026-12-04', '2026-12-05', WINDOW_STAGES)).toBeNull();
    expect(stageFor('2026-12-04', '2026-11-30', REVIEW_STAGES)).toBeNull(); // 4 left
    expect(stageFor('2026-12-04', '2026-12-01', REVIEW_STAGES)).toBe(3);
    expect(stageFor('2026-12-04', '2026-12-03', REVIEW_STAGES)).toBe(1);
  });

  it('sweeps each day at 08:30 Asia/Shanghai', () => {
    expect(nextDay('2026-12-31')).toBe('2027-01-01');
    expect(sweepTime('2026-11-24').toISOString()).toBe('2026-11-24T00:30:00.000Z');
  });
});

describe('figures', () => {
  it('median of odd and even counts, none → null', () => {
    expect(median([9, 2, 4])).toBe(4);
    expect(median([0, 2, 4, 9])).toBe(3);
    expect(median([1, 2])).toBe(1.5);
    expect(median([])).toBeNull();
  });

  it('days between instants on Asia/Shanghai dates', () => {
    expect(daysBetween('2026-11-23T16:30:00Z', '2026-11-24T15:59:00Z')).toBe(0); // both 2026-11-24 in Shanghai
    expect(daysBetween('2026-11-23T15:59:00Z', '2026-11-23T16:01:00Z')).toBe(1); // midnight in Shanghai
    expect(daysBetween('2026-11-01T00:00:00Z', '2026-11-11T00:00:00Z')).toBe(10);
  });
});
