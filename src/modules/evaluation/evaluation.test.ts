import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobRunner } from '../../platform/jobs.ts';
import { jobHandlers } from '../../server/start.ts';
import { testApp, type Session, type TestApp } from '../../server/testing.ts';
import { approveBatch, computeBatch, payBatch } from '../benefits/index.ts';
import { DEMO_ENTERPRISE_USCC } from '../enterprises/index.ts';
import { nextDay, sweepTime, workdaysLeft } from './domain/reminders.ts';
import { todayInShanghai } from '../../platform/clock.ts';
import { KIND_REVIEW, KIND_WINDOW, reminderBootstrap, runReminderSweep, scheduleSweep, SWEEP_JOB } from './reminders.ts';
import type { DepartmentEvaluation, PolicyEvaluation } from './queries.ts';

// P-8 政策评估 with real data flowing (publish → match → push → batch → pay; application → approval → pay)
// and P-6 durable reminders (sweep job rows, no duplicates, department inbox).
let t: TestApp;
const as: Record<string, Session> = {};
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
const today = todayInShanghai();
const year = today.slice(0, 4);
let three: string[] = []; // the demo enterprise and two others, the only ones eligible for our policies
let autoId = 0;
let applyId = 0;
let rsjId = 0;
let appId = 0;

const deptUser = { id: 0, username: 'dept', displayName: 'dept', role: 'dept' as const, department: 'scjgj', street: null, uscc: null };
const actor = { userId: null, username: 'dept', role: 'dept' };
const drain = () => new JobRunner(t.db, jobHandlers(), silent).drain(1000);
const post = (s: Session, url: string, payload: Record<string, unknown> = {}) => s.request({ method: 'POST', url, payload });

function body(over: Record<string, unknown>): Record<string, unknown> {
  return {
    title: '评估测试政策',
    department: 'scjgj',
    category: '资金补贴',
    mode: 'auto',
    keyPoints: ['测试'],
    text: '<p>测试</p>',
    validFrom: '2026-01-01',
    validTo: '2099-12-31',
    eligibility: { in: [{ var: 'uscc' }, three] },
    benefit: { amount: 50_000, rounding: 'down' },
    materials: [],
    tags: [],
    ...over,
  };
}

async function publish(b: Record<string, unknown>, s: Session): Promise<number> {
  const res = await post(s, '/api/v1/policies', b);
  expect(res.statusCode, res.body).toBe(201);
  const { id } = res.json() as { id: number };
  expect((await post(s, `/api/v1/policies/${id}/submit`)).statusCode).toBe(200);
  expect((await post(s, `/api/v1/policies/${id}/publish`)).statusCode).toBe(200);
  await drain(); // the match job: policy_matches and the eligible pushes
  return id;
}

async function payAll(policyId: number, period: string): Promise<void> {
  const batch = await computeBatch(t.db, actor, deptUser, { policyId, period });
  await approveBatch(t.db, deptUser, batch.id);
  await payBatch(t.db, actor, deptUser, batch.id);
}

const policies = async (s: Session, q = '') => {
  const res = await s.request({ method: 'GET', url: `/api/v1/evaluation/policies${q}` });
  expect(res.statusCode, res.body).toBe(200);
  return (res.json() as { items: PolicyEvaluation[] }).items;
};
const departments = async (s: Session) => ((await s.request({ method: 'GET', url: '/api/v1/evaluation/departments' })).json() as { items: DepartmentEvaluation[] }).items;

beforeAll(async () => {
  t = await testApp();
  for (const u of ['admin', 'dept', 'dept2', 'leader', 'enterprise', 'street', 'specialist', 'inspector']) as[u] = await t.login(u);
  await drain();
  const others = await t.db.selectFrom('enterprises').select('uscc').where('uscc', '<>', DEMO_ENTERPRISE_USCC).where('status', 'in', ['存续', '在业']).orderBy('uscc').limit(2).execute();
  three = [DEMO_ENTERPRISE_USCC, ...others.map((o) => o.uscc)];

  // 免申即享: 3 eligible, pushed, paid 500 元 each.
  autoId = await publish(body({ title: '评估测试·免申即享奖励' }), as.dept!);
  await payAll(autoId, year);

  // 申报: 3 eligible; the demo enterprise applies, is approved for 600 元 and paid.
  applyId = await publish(body({ title: '评估测试·申报补贴', mode: 'apply', applyFrom: '2026-01-01', applyTo: '2099-12-31', benefit: null, budget: 1_000_000 }), as.dept!);
  const created = await post(as.enterprise!, `/api/v1/policies/${applyId}/applications`);
  expect(created.statusCode, created.body).toBe(201);
  appId = (created.json() as { id: number }).id;
  const patch = await as.enterprise!.request({ method: 'PATCH', url: `/api/v1/applications/${appId}`, payload: { contactName: '王经理', contactPhone: '13800138000', description: '申请补贴', requestedAmountFen: 60_000 } });
  expect(patch.statusCode, patch.body).toBe(200);
  expect((await post(as.enterprise!, `/api/v1/applications/${appId}/submit`)).statusCode).toBe(200);
  expect((await post(as.dept!, `/api/v1/applications/${appId}/approve`, { amountFen: 60_000 })).statusCode).toBe(200);
  await payAll(applyId, year);

  // Another department's policy: 1 eligible, nothing paid.
  rsjId = await publish(body({ title: '评估测试·人社政策', department: 'rsj', eligibility: { in: [{ var: 'uscc' }, [three[1]]] } }), as.dept2!);
}, 120_000);
afterAll(async () => t?.close());

describe('政策评估 figures (P-8)', () => {
  it('counts the 免申即享 funnel: eligible → notified → approved → paid, amount, median days from publish', async () => {
    const row = (await policies(as.leader!)).find((p) => p.policyId === autoId)!;
    expect(row).toEqual({
      policyId: autoId,
      title: '评估测试·免申即享奖励',
      department: 'scjgj',
      departmentName: '区市场监管局',
      mode: 'auto',
      status: 'published',
      eligible: 3,
      notified: 3,
      applied: null,
      approved: 3,
      paidCount: 3,
      paidFen: 150_000,
      medianDaysToPayment: 0,
    });
  });

  it('counts the 申报 funnel: applied and approved from applications, median days from first submission', async () => {
    const row = (await policies(as.dept!)).find((p) => p.policyId === applyId)!;
    expect(row).toMatchObject({ mode: 'apply', eligible: 3, notified: 3, applied: 1, approved: 1, paidCount: 1, paidFen: 60_000, medianDaysToPayment: 0 });
  });

  it('measures days to payment on Asia/Shanghai dates and takes the median', async () => {
    const pub = await t.db.selectFrom('policy_versions').select('published_at').where('policy_id', '=', autoId).where('version', '=', 1).executeTakeFirstOrThrow();
    const at = (days: number) => new Date(new Date(pub.published_at).getTime() + days * 86_400_000);
    for (const [i, d] of [2, 9, 4].entries()) await t.db.updateTable('benefit_ledger').set({ paid_at: at(d) }).where('policy_id', '=', autoId).where('uscc', '=', three[i]!).execute();
    expect((await policies(as.leader!)).find((p) => p.policyId === autoId)!.medianDaysToPayment).toBe(4);
    // Department median over every payment of the department: 0 (申报), 2, 4, 9 → 3.
    const scjgj = (await departments(as.leader!)).find((d) => d.department === 'scjgj')!;
    expect(scjgj.medianDaysToPayment).toBe(3);
  });

  it('totals per department, every department side by side for the leader', async () => {
    const leader = await departments(as.leader!);
    const admin = await departments(as.admin!);
    expect(admin).toEqual(leader);
    const codes = leader.map((d) => d.department);
    expect(codes).toEqual(expect.arrayContaining(['scjgj', 'rsj']));
    const all = await policies(as.leader!);
    for (const code of ['scjgj', 'rsj']) {
      const mine = all.filter((p) => p.department === code);
      const d = leader.find((x) => x.department === code)!;
      expect(d).toMatchObject({ policies: mine.length, eligible: mine.reduce((s, p) => s + p.eligible, 0), paidFen: mine.reduce((s, p) => s + p.paidFen, 0), applied: mine.reduce((s, p) => s + (p.applied ?? 0), 0) });
    }
    const rsj = all.find((p) => p.policyId === rsjId)!;
    expect(rsj).toMatchObject({ department: 'rsj', eligible: 1, notified: 1, approved: 0, paidCount: 0, paidFen: 0, medianDaysToPayment: null });
    expect(leader.find((d) => d.department === 'scjgj')!.paidFen).toBeGreaterThanOrEqual(210_000);
  });

  it('filters by department for the leader', async () => {
    const rsj = await policies(as.leader!, '?department=rsj');
    expect(rsj.length).toBeGreaterThan(0);
    expect(rsj.every((p) => p.department === 'rsj')).toBe(true);
    expect(rsj.map((p) => p.policyId)).toContain(rsjId);
  });
});

describe('政策评估 scope', () => {
  it('gives department staff only their own department, 403 for another', async () => {
    const mine = await policies(as.dept!);
    expect(mine.every((p) => p.department === 'scjgj')).toBe(true);
    expect(mine.map((p) => p.policyId)).toEqual(expect.arrayContaining([autoId, applyId]));
    expect(mine.map((p) => p.policyId)).not.toContain(rsjId);
    expect((await policies(as.dept!, '?department=scjgj')).length).toBe(mine.length);
    const other = await as.dept!.request({ method: 'GET', url: '/api/v1/evaluation/policies?department=rsj' });
    expect(other.statusCode).toBe(403);
    expect((other.json() as { code: string }).code).toBe('FORBIDDEN');
    expect((await as.dept!.request({ method: 'GET', url: '/api/v1/evaluation/export.xlsx?department=rsj' })).statusCode).toBe(403);
    expect((await departments(as.dept2!)).map((d) => d.department)).toEqual(['rsj']);
  });

  it('refuses anonymous callers and the other roles', async () => {
    for (const url of ['/api/v1/evaluation/policies', '/api/v1/evaluation/departments', '/api/v1/evaluation/export.xlsx']) {
      expect((await t.app.inject({ method: 'GET', url })).statusCode, url).toBe(401);
      for (const u of ['enterprise', 'street', 'specialist', 'inspector']) expect((await as[u]!.request({ method: 'GET', url })).statusCode, `${u} ${url}`).toBe(403);
    }
  });

  it('rejects a bad filter with a clear error', async () => {
    const res = await as.leader!.request({ method: 'GET', url: `/api/v1/evaluation/policies?department=${'x'.repeat(60)}` });
    expect(res.statusCode).toBe(400);
    expect((res.json() as { code: string }).code).toBe('VALIDATION_FAILED');
  });

  it('exports both tables to Excel with the same figures', async () => {
    const res = await as.leader!.request({ method: 'GET', url: '/api/v1/evaluation/export.xlsx' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/spreadsheetml/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['按部门', '按政策']);
    const rows = wb.getWorksheet('按政策')!.getSheetValues().slice(2) as unknown[][];
    const auto = rows.find((r) => r[1] === autoId)!;
    expect(auto.slice(1)).toEqual([autoId, '评估测试·免申即享奖励', '区市场监管局', '免申即享', 'published', 3, 3, '', 3, 3, 1500, 4]);
    const depts = (wb.getWorksheet('按部门')!.getSheetValues().slice(2) as unknown[][]).map((r) => r[1]);
    expect(depts).toEqual(expect.arrayContaining(['区市场监管局', '区人社局']));
    const mine = await as.dept!.request({ method: 'GET', url: '/api/v1/evaluation/export.xlsx' });
    const wb2 = new ExcelJS.Workbook();
    await wb2.xlsx.load(mine.rawPayload as unknown as ArrayBuffer);
    expect((wb2.getWorksheet('按部门')!.getSheetValues().slice(2) as unknown[][]).map((r) => r[1])).toEqual(['区市场监管局']);
  });
});

/** The latest day before `deadline` on which `left` working days remain (scanning back). */
function dayWithLeft(deadline: string, left: number): string {
  let d = new Date(`${deadline}T00:00:00Z`);
  for (let i = 0; i < 60; i++) {
    const s = d.toISOString().slice(0, 10);
    if (workdaysLeft(deadline, s) === left) return s;
    d = new Date(d.getTime() - 86_400_000);
  }
  throw new Error(`no day with ${left} working days left before ${deadline}`);
}

describe('reminders (P-6): window closing and review deadline', () => {
  let windowId = 0;
  let closes = '';
  let reviewApp = 0;
  const windowMessages = async (uscc?: string) => {
    let q = t.db.selectFrom('messages').select('uscc').where('kind', '=', KIND_WINDOW).where('link', '=', `/policies/${windowId}`);
    if (uscc) q = q.where('uscc', '=', uscc);
    return (await q.execute()).map((r) => r.uscc).sort();
  };
  const reviewMessages = async () => t.db.selectFrom('staff_messages').selectAll().where('kind', '=', KIND_REVIEW).where('link', '=', `/applications/${reviewApp}`).execute();

  beforeAll(async () => {
    closes = nextDay(nextDay(today)); // the window is open now; the sweep days are chosen relative to it
    for (let i = 0; i < 28; i++) closes = nextDay(closes);
    windowId = await publish(body({ title: '评估测试·即将截止', mode: 'apply', applyFrom: '2026-01-01', applyTo: closes, benefit: null }), as.dept!);
    // The demo enterprise submits: it gets no window reminder; its application waits for review.
    reviewApp = (await post(as.enterprise!, `/api/v1/policies/${windowId}/applications`)).json<{ id: number }>().id;
    await as.enterprise!.request({ method: 'PATCH', url: `/api/v1/applications/${reviewApp}`, payload: { contactName: '王经理', contactPhone: '13800138000', description: '申请', requestedAmountFen: 1000 } });
    expect((await post(as.enterprise!, `/api/v1/applications/${reviewApp}/submit`)).statusCode).toBe(200);
  });

  it('reminds eligible enterprises that have not applied, 5 and then 1 working day before the window closes — never twice', async () => {
    const early = dayWithLeft(closes, 8);
    await runInTx(early);
    expect(await windowMessages()).toEqual([]);
    const d3 = dayWithLeft(closes, 3);
    await runInTx(d3);
    const expected = three.slice(1).sort();
    expect(await windowMessages()).toEqual(expected);
    await runInTx(d3);
    await runInTx(dayWithLeft(closes, 2));
    expect(await windowMessages()).toEqual(expected);
    const d1 = dayWithLeft(closes, 1);
    await runInTx(d1);
    await runInTx(closes);
    expect(await windowMessages()).toEqual([...expected, ...expected].sort());
    const [m] = await t.db.selectFrom('messages').selectAll().where('kind', '=', KIND_WINDOW).where('link', '=', `/policies/${windowId}`).where('uscc', '=', three[1]!).orderBy('id').execute();
    expect(m).toMatchObject({ title: '申报即将截止：评估测试·即将截止' });
    expect(m!.body).toContain(`申报期至 ${closes} 截止（还剩 3 个工作日）`);
    expect(await windowMessages(DEMO_ENTERPRISE_USCC)).toEqual([]);
    // Each sweep that sent something leaves one audit record.
    const audits = await t.db.selectFrom('audit_log').select(['actor', 'target']).where('action', '=', 'reminders.sweep').execute();
    expect(audits).toEqual(expect.arrayContaining([{ actor: 'system', target: `reminders:${d3}` }, { actor: 'system', target: `reminders:${d1}` }]));
    expect(audits.filter((a) => a.target === `reminders:${d3}`)).toHaveLength(1);
    // After the window: nothing more.
    await runInTx(nextDay(closes));
    expect((await windowMessages()).length).toBe(4);
  });

  it('reminds the reviewing department 3 and 1 working days before the review deadline, in its own inbox', async () => {
    const due = String((await t.db.selectFrom('applications').select('review_due').where('id', '=', reviewApp).executeTakeFirstOrThrow()).review_due);
    await runInTx(dayWithLeft(due, 4));
    expect(await reviewMessages()).toHaveLength(0);
    await runInTx(dayWithLeft(due, 2));
    await runInTx(dayWithLeft(due, 2));
    const msgs = await reviewMessages();
    expect(msgs).toHaveLength(1);
    expect(msgs[0]).toMatchObject({ department: 'scjgj', title: '审核即将到期：评估测试·即将截止' });
    expect(msgs[0]!.body).toContain(`审核期限为 ${due}（还剩 2 个工作日）`);

    const inbox = await as.dept!.request({ method: 'GET', url: '/api/v1/staff-messages' });
    expect(inbox.statusCode).toBe(200);
    const page = inbox.json() as { total: number; unread: number; items: Array<{ id: number; link: string; read: boolean; department: string }> };
    expect(page.items.find((i) => i.link === `/applications/${reviewApp}`)).toMatchObject({ read: false, department: 'scjgj' });
    expect(page.unread).toBe(page.total);
    const id = msgs[0]!.id;
    const other = (await as.dept2!.request({ method: 'GET', url: '/api/v1/staff-messages' })).json() as { items: Array<{ id: number }> };
    expect(other.items.map((i) => i.id)).not.toContain(Number(id));
    expect((await post(as.dept2!, `/api/v1/staff-messages/${id}/read`)).statusCode).toBe(404);
    expect((await as.dept!.request({ method: 'GET', url: '/api/v1/staff-messages' })).json()).toMatchObject({ unread: page.unread });
    expect((await post(as.dept!, `/api/v1/staff-messages/${id}/read`)).statusCode).toBe(204);
    expect((await as.dept!.request({ method: 'GET', url: '/api/v1/staff-messages' })).json()).toMatchObject({ unread: page.unread - 1 });
    expect((await post(as.dept!, '/api/v1/staff-messages/999999/read')).statusCode).toBe(404);
    const adminInbox = (await as.admin!.request({ method: 'GET', url: '/api/v1/staff-messages?pageSize=100' })).json() as { items: Array<{ id: number }> };
    expect(adminInbox.items.map((i) => i.id)).toContain(Number(id));
    for (const u of ['enterprise', 'leader', 'street']) expect((await as[u]!.request({ method: 'GET', url: '/api/v1/staff-messages' })).statusCode, u).toBe(403);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/staff-messages' })).statusCode).toBe(401);

    // Once reviewed, no more reminders for it.
    await runInTx(dayWithLeft(due, 1));
    expect(await reviewMessages()).toHaveLength(2);
    expect((await post(as.dept!, `/api/v1/applications/${reviewApp}/approve`, { amountFen: 1000 })).statusCode).toBe(200);
    await runInTx(due);
    expect(await reviewMessages()).toHaveLength(2);
  });

  it('is a durable job: one row per day, survives a restart (a new runner), reschedules itself, reruns send nothing twice', async () => {
    const day = nextDay(today);
    expect(await scheduleSweep(t.db, day)).not.toBeNull();
    expect(await scheduleSweep(t.db, day)).toBeNull(); // the second bootstrap of the same day is a no-op
    const rows = await t.db.selectFrom('jobs').selectAll().where('name', '=', SWEEP_JOB).where('dedupe_key', '=', day).execute();
    expect(rows).toHaveLength(1);
    expect(new Date(rows[0]!.run_at).toISOString()).toBe(sweepTime(day).toISOString());
    const before = await t.db.selectFrom('reminders_sent').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    // "Restart": a fresh runner finds the job in the database.
    const outcome = await new JobRunner(t.db, jobHandlers(), silent).runOne(new Date(sweepTime(day).getTime() + 60_000));
    expect(outcome).toBe('done');
    expect((await t.db.selectFrom('jobs').select('status').where('id', '=', rows[0]!.id).executeTakeFirstOrThrow()).status).toBe('done');
    const next = await t.db.selectFrom('jobs').selectAll().where('name', '=', SWEEP_JOB).where('dedupe_key', '=', nextDay(day)).execute();
    expect(next).toHaveLength(1);
    expect(next[0]).toMatchObject({ status: 'pending' });
    expect(new Date(next[0]!.run_at).toISOString()).toBe(sweepTime(nextDay(day)).toISOString());
    // The window and review reminders of this test are not sent again by the job.
    expect((await windowMessages()).length).toBe(4);
    expect(await reviewMessages()).toHaveLength(2);
    const after = await t.db.selectFrom('reminders_sent').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(after.n)).toBeGreaterThanOrEqual(Number(before.n));
    // Scheduling a day already done changes nothing.
    expect(await scheduleSweep(t.db, day)).toBeNull();
  });

  it('bootstraps today\'s job at start-up, once however often the server starts', async () => {
    const todays = () => t.db.selectFrom('jobs').select(['id', 'run_at']).where('name', '=', SWEEP_JOB).where('dedupe_key', '=', today).execute();
    expect(await todays()).toHaveLength(0);
    for (let i = 0; i < 2; i++) {
      const w = reminderBootstrap(t.db, silent);
      w.start();
      await w.stop();
    }
    const rows = await todays();
    expect(rows).toHaveLength(1);
    expect(new Date(rows[0]!.run_at).toISOString()).toBe(sweepTime(today).toISOString());
  });
});

async function runInTx(day: string) {
  return t.db.transaction().execute((tx) => runReminderSweep(tx, day));
}
