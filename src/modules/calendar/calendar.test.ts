// 工作日历 in the new year (SPEC F-9, issue 12 item 17): deadlines that run into a
// year without data are provisional (暂定) instead of a 503; an admin loads the
// year (holiday-cn format), it is in effect at once, and one durable job
// recomputes every provisional deadline and tells whoever's deadline moved.
// The clock is pinned to 2026-12-03 10:00 Beijing time, when 2027 was not yet published.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { JobRunner, STDERR_JOB_LOG } from '../../platform/jobs.ts';
import { testApp, type Session, type TestApp } from '../../server/testing.ts';
import { jobHandlers } from '../../server/start.ts';
import { KIND_DEADLINE_MOVED, RECOMPUTE_JOB, currentCalendar, runJobNow } from './index.ts';

const FIXTURE = JSON.parse(fs.readFileSync(new URL('../../../test/fixtures/holiday-cn-2027-synthetic.json', import.meta.url), 'utf8')) as Record<string, unknown> & { days: Array<{ name: string; date: string; isOffDay: boolean }> };
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

let t: TestApp;
const as: Record<string, Session> = {};
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'qifu-calendar-'));
let reviewApp = 0;
let returnedApp = 0;

const code = (res: { json(): unknown }) => (res.json() as { code: string }).code;
const get = (s: Session, url: string) => s.request({ method: 'GET', url });
const post = (s: Session, url: string, payload: unknown = {}) => s.request({ method: 'POST', url, payload: payload as Record<string, unknown> });
const auditActions = async () => (await t.db.selectFrom('audit_log').select('action').orderBy('seq').execute()).map((r) => r.action);
const jobs = async () => t.db.selectFrom('jobs').select(['id', 'status', 'attempts']).where('name', '=', RECOMPUTE_JOB).orderBy('id').execute();

type Detail = {
  status: string;
  reviewDue: string | null;
  reviewDueProvisional: boolean;
  supplementDue: string | null;
  supplementDueProvisional: boolean;
  deadline: string | null;
  deadlineProvisional: boolean;
  timeline: { current: { deadline: string | null; deadlineProvisional: boolean; workdaysLeft: number | null }; events: Array<{ action: string; label: string; deadline: string | null; deadlineProvisional: boolean; note: string | null }> };
};
const detail = async (id: number, s = as.admin!) => (await get(s, `/api/v1/applications/${id}`)).json() as Detail;

async function apply(s: Session, policyId: number): Promise<number> {
  const created = await post(s, `/api/v1/policies/${policyId}/applications`);
  expect(created.statusCode, created.body).toBe(201);
  const id = (created.json() as { id: number }).id;
  expect((await s.request({ method: 'PATCH', url: `/api/v1/applications/${id}`, payload: { contactName: '王经理', contactPhone: '13800138000', description: '年末申报' } })).statusCode).toBe(200);
  return id;
}

beforeAll(async () => {
  // Pinned wall clock (Date only; timers stay real): 2026-12-03 10:00 in Shanghai.
  vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-12-03T02:00:00Z'), shouldAdvanceTime: true });
  t = await testApp({ dataDir });
  for (const u of ['admin', 'dept', 'enterprise', 'leader']) as[u] = await t.login(u);
  const other = await t.db.selectFrom('enterprises').select('uscc').where('uscc', '<>', '91310112MA1G5B2K7T').orderBy('uscc').limit(1).executeTakeFirstOrThrow();
  expect((await post(as.admin!, '/api/v1/users', { username: 'ent2', password: 'Ent2-Calendar-2026', role: 'enterprise', uscc: other.uscc })).statusCode).toBe(201);
  as.ent2 = await t.login('ent2', 'Ent2-Calendar-2026');
  const policy = { title: '年末申报测试政策', department: 'scjgj', category: '资金补贴', mode: 'apply', keyPoints: ['测试'], text: '<p>测试</p>', validFrom: '2026-01-01', validTo: '2027-12-31', applyFrom: '2026-01-01', applyTo: '2027-12-31', eligibility: true, materials: [], budget: null, tags: [] };
  const created = await post(as.dept!, '/api/v1/policies', policy);
  expect(created.statusCode, created.body).toBe(201);
  const policyId = (created.json() as { id: number }).id;
  expect((await post(as.dept!, `/api/v1/policies/${policyId}/submit`)).statusCode).toBe(200);
  expect((await post(as.dept!, `/api/v1/policies/${policyId}/publish`)).statusCode).toBe(200);
  const settings = await as.dept!.request({ method: 'PUT', url: `/api/v1/policies/${policyId}/application-settings`, payload: { reviewDays: 30, supplementDays: 25, allowedTypes: ['pdf'], maxFileBytes: 1024 * 1024 } });
  expect(settings.statusCode, settings.body).toBe(200);
  reviewApp = await apply(as.enterprise!, policyId);
  returnedApp = await apply(as.ent2!, policyId);
}, 120_000);
afterAll(async () => {
  await t?.close();
  vi.useRealTimers();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('deadlines that run into a year without data (F-9)', () => {
  it('are computed Monday–Friday and marked provisional, not refused with 503', async () => {
    const r = await post(as.enterprise!, `/api/v1/applications/${reviewApp}/submit`);
    expect(r.statusCode, r.body).toBe(200);
    // 30 working days from 2026-12-03: 20 left in December, then Monday–Friday in January 2027.
    expect(r.json()).toMatchObject({ status: 'submitted', reviewDue: '2027-01-14', reviewDueProvisional: true, supplementDue: null, supplementDueProvisional: false });
    const d = await detail(reviewApp, as.enterprise!);
    expect(d).toMatchObject({ deadline: '2027-01-14', deadlineProvisional: true, reviewDueProvisional: true });
    expect(d.timeline.current).toMatchObject({ deadline: '2027-01-14', deadlineProvisional: true, workdaysLeft: 30 });
    expect(d.timeline.events.find((e) => e.action === 'submit')).toMatchObject({ deadline: '2027-01-14', deadlineProvisional: true });
    const list = (await get(as.dept!, '/api/v1/applications')).json() as { items: Array<{ id: number; deadline: string; deadlineProvisional: boolean }> };
    expect(list.items.find((i) => i.id === reviewApp)).toMatchObject({ deadline: '2027-01-14', deadlineProvisional: true });

    // The supplement deadline of a returned application, likewise.
    expect((await post(as.ent2!, `/api/v1/applications/${returnedApp}/submit`)).statusCode).toBe(200);
    const ret = await post(as.dept!, `/api/v1/applications/${returnedApp}/return`, { reason: '请补充材料' });
    expect(ret.json()).toMatchObject({ status: 'returned', supplementDue: '2027-01-07', supplementDueProvisional: true, reviewDue: null, reviewDueProvisional: false });
  });

  it('explicit questions about an uncovered year are a 422 naming the year; bad input a 400', async () => {
    const q = await get(as.enterprise!, '/api/v1/calendar/days/2031-03-03');
    expect(q.statusCode).toBe(422);
    expect(q.json()).toMatchObject({ code: 'CALENDAR_YEAR_NOT_COVERED', year: 2031, status: 422 });
    expect((q.json() as { detail: string }).detail).toContain('2031年');
    expect((await get(as.enterprise!, '/api/v1/calendar/add-workdays?date=2026-12-30&n=5')).json()).toMatchObject({ code: 'CALENDAR_YEAR_NOT_COVERED', year: 2027 });
    expect((await get(as.enterprise!, '/api/v1/calendar/workdays?from=2026-12-01&to=2027-01-10')).statusCode).toBe(422);
    expect((await get(as.enterprise!, '/api/v1/calendar/years/2027')).json()).toMatchObject({ code: 'CALENDAR_YEAR_NOT_COVERED', year: 2027 });
    expect((await get(as.enterprise!, '/api/v1/calendar/days/2026-10-01')).json()).toEqual({ date: '2026-10-01', kind: 'holiday', workday: false, festival: '国庆节' });
    expect((await get(as.enterprise!, '/api/v1/calendar/add-workdays?date=2026-09-29&n=10')).json()).toEqual({ date: '2026-09-29', n: 10, result: '2026-10-19' });
    const bad = await get(as.enterprise!, '/api/v1/calendar/days/2026-02-30');
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'CALENDAR_INVALID_DATE', field: 'date' });
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/calendar/years' })).statusCode).toBe(401);
  });

  it('the admin sees the covered years and the provisional deadlines waiting; others may not load', async () => {
    const years = (await get(as.leader!, '/api/v1/calendar/years')).json() as { items: Array<{ year: number; source: string; notice: string; workdays: number }> };
    expect(years.items.map((y) => [y.year, y.source])).toEqual([
      [2023, 'builtin'],
      [2024, 'builtin'],
      [2025, 'builtin'],
      [2026, 'builtin'],
    ]);
    expect(years.items.find((y) => y.year === 2026)).toMatchObject({ notice: '国办发明电〔2025〕7号', workdays: 248 });
    expect((await get(as.admin!, '/api/v1/calendar/status')).json()).toMatchObject({ provisionalDeadlines: 2, owners: [{ name: 'applications', count: 2 }], pendingJobs: 0 });
    expect((await get(as.dept!, '/api/v1/calendar/status')).statusCode).toBe(403);
    expect((await post(as.dept!, '/api/v1/calendar/years', { file: FIXTURE })).statusCode).toBe(403);
    expect((await post(as.dept!, '/api/v1/calendar/years/preview', { file: FIXTURE })).statusCode).toBe(403);
  });

  it('refuses a bad file with a 400 naming the problem, changing nothing', async () => {
    const before = await auditActions();
    const cases: Array<[unknown, string, RegExp]> = [
      [{ year: 2027, papers: [], days: [] }, 'file.days', /尚未发布/],
      [{ ...FIXTURE, days: FIXTURE.days.map((d, i) => (i === 4 ? { ...d, date: '2027-02-30' } : d)) }, 'file.days[4].date', /2027-02-30/],
      [{ ...FIXTURE, days: [...FIXTURE.days, { name: '元旦（测试）', date: '2027-01-05', isOffDay: false }] }, 'file', /不是周六或周日/],
      [{ year: 2027, holidays: [{ name: '元旦', start: '2027-01-01', end: '2027-01-03', days: '3' }], makeupWorkdays: [], notice: 'x', title: 'y' }, 'file.holidays[0].days', /整数/],
      [[1, 2, 3], 'file', /JSON对象|无法识别/],
    ];
    for (const [file, field, detail] of cases) {
      const r = await post(as.admin!, '/api/v1/calendar/years', { file });
      expect(r.statusCode, r.body).toBe(400);
      expect(r.json()).toMatchObject({ code: 'CALENDAR_DATA_INVALID', field });
      expect((r.json() as { detail: string }).detail).toMatch(detail);
    }
    // A built-in year is not replaced by accident.
    const y2026 = (await get(as.admin!, '/api/v1/calendar/years/2026')).json() as { year: number; notice: string; title: string; holidays: unknown[]; makeupWorkdays: Array<{ date: string; for: string }> };
    const own = { year: 2026, notice: y2026.notice, title: y2026.title, holidays: y2026.holidays, makeupWorkdays: y2026.makeupWorkdays.map((m) => ({ date: m.date, for: m.for })) };
    expect((await post(as.admin!, '/api/v1/calendar/years', { file: own })).json()).toMatchObject({ unchanged: true, jobId: null }); // the same data as built in
    const changed = { ...own, notice: '国办发明电〔2025〕7号（更正）' };
    const refused = await post(as.admin!, '/api/v1/calendar/years', { file: changed });
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ code: 'CALENDAR_YEAR_EXISTS', year: 2026, source: 'builtin', field: 'replace' });
    expect(await auditActions()).toEqual(before);
    expect(await t.db.selectFrom('calendar_years').select('year').execute()).toEqual([]);
    expect(await jobs()).toEqual([]);
  });

  it('previews a holiday-cn file without changing anything', async () => {
    const before = await auditActions();
    const p = await post(as.admin!, '/api/v1/calendar/years/preview', { file: FIXTURE, notice: '测试文号' });
    expect(p.statusCode, p.body).toBe(200);
    expect(p.json()).toMatchObject({ year: 2027, format: 'holiday-cn', existing: null, needsReplace: false, unchanged: false, provisionalDeadlines: 2, data: { notice: '测试文号', holidays: expect.arrayContaining([{ name: '元旦（测试）', start: '2027-01-01', end: '2027-01-03', days: 3 }]) } });
    expect((p.json() as { workdays: number }).workdays).toBeGreaterThan(240);
    expect(await auditActions()).toEqual(before);
    expect(await t.db.selectFrom('calendar_years').select('year').execute()).toEqual([]);
  });

  it('loads the year: audited, in effect at once, one durable job recomputes every provisional deadline and tells whoever it moved for', async () => {
    const r = await post(as.admin!, '/api/v1/calendar/years', { file: FIXTURE });
    expect(r.statusCode, r.body).toBe(201);
    const { jobId } = r.json() as { jobId: number };
    expect(jobId).toBeGreaterThan(0);
    const audit = await t.db.selectFrom('audit_log').select(['action', 'target', 'actor']).where('action', '=', 'calendar.load').execute();
    expect(audit).toEqual([{ action: 'calendar.load', target: 'calendar:2027', actor: expect.stringMatching(/^admin#/) }]);
    // In effect at once for questions …
    expect((await get(as.enterprise!, '/api/v1/calendar/days/2027-01-01')).json()).toMatchObject({ workday: false, kind: 'holiday', festival: '元旦（测试）' });
    const years = (await get(as.admin!, '/api/v1/calendar/years')).json() as { items: Array<{ year: number; source: string; format: string; loadedBy: string | null }> };
    expect(years.items.at(-1)).toMatchObject({ year: 2027, source: 'loaded', format: 'holiday-cn', loadedBy: 'admin' });
    // … while the stored deadlines wait for the job (a row in jobs: it survives a restart).
    expect((await detail(reviewApp)).reviewDueProvisional).toBe(true);
    expect((await get(as.admin!, '/api/v1/calendar/status')).json()).toMatchObject({ provisionalDeadlines: 2, pendingJobs: 1 });

    await new JobRunner(t.db, jobHandlers(), silent).drain();
    expect(await jobs()).toEqual([{ id: jobId, status: 'done', attempts: 1 }]);

    // 1 January 2027 is a holiday in the loaded schedule: both deadlines move one day and are final.
    const review = await detail(reviewApp, as.enterprise!);
    expect(review).toMatchObject({ reviewDue: '2027-01-15', reviewDueProvisional: false, deadlineProvisional: false });
    expect(review.timeline.current).toMatchObject({ deadline: '2027-01-15', deadlineProvisional: false });
    expect(review.timeline.events.at(-1)).toMatchObject({ action: 'recompute', label: '期限重算', deadline: '2027-01-15', deadlineProvisional: false });
    expect(review.timeline.events.at(-1)!.note).toContain('审核期限由 2027-01-14（暂定）调整为 2027-01-15');
    expect(await detail(returnedApp)).toMatchObject({ supplementDue: '2027-01-08', supplementDueProvisional: false });

    // The enterprises are told in their inbox, the reviewing department in its staff messages.
    const inbox = await t.db.selectFrom('messages').select(['uscc', 'title', 'body', 'link']).where('kind', '=', KIND_DEADLINE_MOVED).orderBy('id').execute();
    expect(inbox.map((m) => m.link)).toEqual([`/applications/${reviewApp}`, `/applications/${returnedApp}`]);
    expect(inbox[0]!.body).toContain('2027-01-15');
    expect(inbox[1]!.body).toContain('补正期限由 2027-01-07（暂定）调整为 2027-01-08');
    const staff = await t.db.selectFrom('staff_messages').select(['department', 'body', 'link']).where('kind', '=', KIND_DEADLINE_MOVED).execute();
    expect(staff).toEqual([{ department: 'scjgj', body: expect.stringContaining('审核期限由 2027-01-14（暂定）调整为 2027-01-15'), link: `/applications/${reviewApp}` }]);
    const recompute = await t.db.selectFrom('audit_log').select(['actor', 'target']).where('action', '=', 'calendar.recompute').execute();
    expect(recompute).toEqual([{ actor: 'system', target: 'calendar:2027' }]);
    expect((await get(as.admin!, '/api/v1/calendar/status')).json()).toMatchObject({ provisionalDeadlines: 0, pendingJobs: 0 });
  });

  it('is idempotent: running the recomputation again or loading the same file changes nothing and tells no one twice', async () => {
    const handler = jobHandlers().get(RECOMPUTE_JOB)!;
    await t.db.transaction().execute((tx) => handler({ year: 2027 }, tx, { id: 0, name: RECOMPUTE_JOB, attempts: 0, log: STDERR_JOB_LOG }));
    expect(await t.db.selectFrom('messages').select('id').where('kind', '=', KIND_DEADLINE_MOVED).execute()).toHaveLength(2);
    expect(await t.db.selectFrom('application_events').select('id').where('action', '=', 'recompute').execute()).toHaveLength(2);
    const again = await post(as.admin!, '/api/v1/calendar/years', { file: FIXTURE });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ unchanged: true, jobId: null });
    expect(await jobs()).toHaveLength(1);
    // Different data for a loaded year needs replace.
    const other = { ...FIXTURE, days: FIXTURE.days.filter((d) => d.date !== '2027-10-09') };
    expect(code(await post(as.admin!, '/api/v1/calendar/years', { file: other }))).toBe('CALENDAR_YEAR_EXISTS');
    const replaced = await post(as.admin!, '/api/v1/calendar/years', { file: other, replace: true, notice: '测试文号（更正）' });
    expect(replaced.statusCode, replaced.body).toBe(201);
    expect(replaced.json()).toMatchObject({ existing: { source: 'loaded' }, data: { notice: '测试文号（更正）' } });
    expect((await get(as.admin!, '/api/v1/calendar/days/2027-10-09')).json()).toMatchObject({ workday: false, kind: 'weekend' });
  });

  it('another process’s load is seen: at once where a deadline is stored, within a second for display', async () => {
    const display = await currentCalendar(t.db);
    expect(display.covers(2028)).toBe(false);
    // Written as another process would: no change counter bumped in this one.
    const y2028 = { year: 2028, notice: '测试', title: '测试', holidays: [{ name: '元旦（测试）', start: '2028-01-01', end: '2028-01-03', days: 3 }], makeupWorkdays: [] };
    await t.db.insertInto('calendar_years').values({ year: 2028, format: 'qifu', data: JSON.stringify(y2028), original: JSON.stringify(y2028), digest: 'other-process', notice: '测试', replaces_builtin: false, loaded_by: 'cli:ops' }).execute();
    expect((await currentCalendar(t.db, { fresh: true })).covers(2028)).toBe(true);
    vi.setSystemTime(Date.now() + 1500);
    expect((await currentCalendar(t.db)).covers(2028)).toBe(true);
    await t.db.deleteFrom('calendar_years').where('year', '=', 2028).execute();
  });

  it('runs a recomputation job now in this process unless the runner has it (CLI)', async () => {
    const handler = jobHandlers().get(RECOMPUTE_JOB)!;
    const { id } = await t.db.insertInto('jobs').values({ name: RECOMPUTE_JOB, payload: JSON.stringify({ year: 2027 }), run_at: new Date(), dedupe_key: 'test-now' }).returning('id').executeTakeFirstOrThrow();
    expect(await runJobNow(t.db, Number(id), handler)).toBe(true);
    expect(await runJobNow(t.db, Number(id), handler)).toBe(false);
    expect((await t.db.selectFrom('jobs').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status).toBe('done');
  });
});
