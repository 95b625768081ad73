import { describe, expect, it } from 'vitest';
import { defaultCalendar } from '../../../core/calendar/index.ts';
import { dueDate, isOverdue, workdaysLeft } from './deadlines.ts';
import { missingMaterials, formProblems, prefillForm } from './form.ts';
import { nextStatus, TRANSITIONS, type ApplicationAction, type ApplicationStatus } from './state.ts';

describe('deadlines in working days (F-9 calendar)', () => {
  it('skips the 国庆 holiday and counts the make-up Saturday: 10 working days from 2026-09-29 is 2026-10-19', () => {
    // 09-30 (1) · 10-01…10-07 国庆 · 10-08 (2) 10-09 (3) 10-10 Sat 调休上班 (4) · 10-12…10-16 (5–9) · 10-19 (10)
    expect(dueDate(defaultCalendar, '2026-09-29', 10)).toEqual({ date: '2026-10-19', provisional: false });
    // Without the holiday the same count would end two weeks earlier.
    expect(dueDate(defaultCalendar, '2026-09-01', 10).date).toBe('2026-09-15');
    // 5 working days of supplement from the last day before the holiday.
    expect(dueDate(defaultCalendar, '2026-09-30', 5).date).toBe('2026-10-13');
  });

  it('runs into a year without data Monday–Friday and says so (暂定) instead of failing (F-9)', () => {
    // Submitted 2026-12-18: 12-21…12-25, 12-28…12-31 (9 working days of 2026), then Friday 2027-01-01 on the Monday–Friday rule.
    expect(dueDate(defaultCalendar, '2026-12-18', 10)).toEqual({ date: '2027-01-01', provisional: true });
    expect(workdaysLeft(defaultCalendar, '2027-01-01', '2026-12-31')).toBe(1);
    expect(workdaysLeft(defaultCalendar, '2027-01-01', '2027-01-05')).toBe(-2);
  });

  it('is overdue only after the deadline day, and counts the working days left', () => {
    expect(isOverdue('2026-10-19', '2026-10-19')).toBe(false);
    expect(isOverdue('2026-10-19', '2026-10-20')).toBe(true);
    expect(isOverdue(null, '2030-01-01')).toBe(false);
    expect(workdaysLeft(defaultCalendar, '2026-10-19', '2026-10-19')).toBe(0);
    expect(workdaysLeft(defaultCalendar, '2026-10-19', '2026-09-29')).toBe(10);
    expect(workdaysLeft(defaultCalendar, '2026-10-19', '2026-10-21')).toBe(-2);
  });
});

describe('state machine table', () => {
  it('allows exactly the documented transitions', () => {
    const all: ApplicationStatus[] = ['draft', 'submitted', 'returned', 'approved', 'rejected'];
    const allowed: string[] = [];
    for (const from of all) for (const a of Object.keys(TRANSITIONS) as ApplicationAction[]) if (nextStatus(from, a)) allowed.push(`${from} -${a}-> ${nextStatus(from, a)}`);
    expect(allowed.sort()).toEqual(
      ['draft -submit-> submitted', 'returned -submit-> submitted', 'submitted -return-> returned', 'submitted -approve-> approved', 'submitted -reject-> rejected', 'returned -reject-> rejected'].sort(),
    );
    expect(nextStatus('approved', 'approve')).toBeNull();
  });
});

describe('form', () => {
  it('prefills registry fields and asks for contact, phone and description', () => {
    const f = prefillForm({ legalRep: '沈立新', industry: 'I6513', employees: 86, revenue: 100 }, '91310112MA1G5B2K7T', '闵欣');
    expect(f).toMatchObject({ enterpriseName: '闵欣', uscc: '91310112MA1G5B2K7T', industry: 'I6513', employees: 86, contactName: '' });
    expect(formProblems(f).map((p) => p.field)).toEqual(['contactName', 'contactPhone', 'description']);
    expect(formProblems({ ...f, contactName: '王', contactPhone: '021-64123456', description: '说明' })).toEqual([]);
    expect(formProblems({ ...f, contactName: '王', contactPhone: '12345', description: '说明' }).map((p) => p.field)).toEqual(['contactPhone']);
    expect(missingMaterials(['营业执照', '申请书'], ['营业执照', null])).toEqual(['申请书']);
  });
});
