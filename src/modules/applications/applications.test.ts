import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultCalendar } from '../../core/calendar/index.ts';
import { testApp, type Session, type TestApp } from '../../server/testing.ts';
import { approveBatch, computeBatch, payBatch } from '../benefits/index.ts';
import { DEMO_ENTERPRISE_USCC } from '../enterprises/index.ts';
import { todayInShanghai } from '../../platform/clock.ts';

let t: TestApp;
const as: Record<string, Session> = {};
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'qifu-apps-'));
const today = todayInShanghai();
let otherUscc = '';

const PDF = Buffer.from('%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n');
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8ffff3f0005fe02fea7d6a4f50000000049454e44ae426082', 'hex');
function exe(): Buffer {
  const b = Buffer.alloc(512);
  b.write('MZ');
  b.writeUInt32LE(0x80, 0x3c);
  b.write('PE\0\0', 0x80, 'binary');
  return b;
}
async function xlsx(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.addWorksheet('申请书').addRow(['申请事项', '知识产权质押融资贴息']);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

const policyBase = {
  title: '闵行区知识产权质押融资贴息（申报测试）',
  department: 'scjgj',
  category: '融资支持',
  mode: 'apply',
  keyPoints: ['贴息'],
  text: '<p>申报测试政策</p>',
  validFrom: '2026-01-01',
  validTo: '2027-12-31',
  applyFrom: '2026-01-01',
  applyTo: '2027-12-31',
  eligibility: true,
  materials: ['营业执照', '申请书'],
  budget: 100_000,
  tags: [],
};

async function publish(body: Record<string, unknown>, s = as.dept!): Promise<number> {
  const res = await s.request({ method: 'POST', url: '/api/v1/policies', payload: body });
  expect(res.statusCode, res.body).toBe(201);
  const { id } = res.json() as { id: number };
  expect((await s.request({ method: 'POST', url: `/api/v1/policies/${id}/submit`, payload: {} })).statusCode).toBe(200);
  expect((await s.request({ method: 'POST', url: `/api/v1/policies/${id}/publish`, payload: {} })).statusCode).toBe(200);
  return id;
}

function multipart(filename: string, content: Buffer): { payload: Buffer; headers: Record<string, string> } {
  const boundary = '----qifu' + Math.random().toString(16).slice(2);
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return { payload: Buffer.concat([head, content, tail]), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}
function upload(s: Session, id: number, filename: string, content: Buffer, material?: string) {
  const m = multipart(filename, content);
  const q = material ? `?material=${encodeURIComponent(material)}` : '';
  return s.request({ method: 'POST', url: `/api/v1/applications/${id}/files${q}`, payload: m.payload, headers: m.headers });
}
const post = (s: Session, url: string, payload: unknown = {}, key?: string) => s.request({ method: 'POST', url, payload: payload as Record<string, unknown>, headers: key ? { 'idempotency-key': key } : {} });
const code = (res: { json(): unknown }) => (res.json() as { code: string }).code;
const filesOnDisk = (): string[] => (fs.existsSync(path.join(dataDir, 'files')) ? fs.readdirSync(path.join(dataDir, 'files'), { recursive: true }).map(String).filter((f) => f.length > 64) : []);
async function appRow(id: number) {
  return t.db.selectFrom('applications').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}
async function eventCount(id: number): Promise<number> {
  return (await t.db.selectFrom('application_events').select('id').where('application_id', '=', id).execute()).length;
}

type Detail = {
  id: number;
  status: string;
  form: Record<string, unknown>;
  materials: string[];
  reviewDue: string | null;
  supplementDue: string | null;
  amountFen: number | null;
  policyVersion: number;
  files: Array<{ id: number; sha256: string; material: string | null }>;
  budget: { remainingFen: number | null } | null;
  timeline: { current: { key: string; deadline: string | null }; steps: Array<{ key: string; state: string; deadline: string | null; note: string | null }>; events: Array<{ action: string; actor: string; note: string | null; deadline: string | null }> };
};

let policyId = 0;
let appId = 0;

beforeAll(async () => {
  t = await testApp({ dataDir });
  for (const u of ['admin', 'dept', 'dept2', 'enterprise', 'leader', 'street', 'specialist']) as[u] = await t.login(u);
  const other = await t.db.selectFrom('enterprises').select('uscc').where('uscc', '<>', DEMO_ENTERPRISE_USCC).orderBy('uscc').limit(1).executeTakeFirstOrThrow();
  otherUscc = other.uscc;
  const res = await as.admin!.request({ method: 'POST', url: '/api/v1/users', payload: { username: 'ent2', password: 'Ent2-Apply-2026', role: 'enterprise', uscc: otherUscc } });
  expect(res.statusCode, res.body).toBe(201);
  as.ent2 = await t.login('ent2', 'Ent2-Apply-2026');
  policyId = await publish(policyBase);
});
afterAll(async () => {
  await t?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('applying (P-7)', () => {
  it('accepts applications only for published apply-mode policies inside their window', async () => {
    const auto = await publish({ ...policyBase, title: '免申即享测试', mode: 'auto' });
    expect(code(await post(as.enterprise!, `/api/v1/policies/${auto}/applications`))).toBe('POLICY_NOT_APPLICABLE');
    const closed = await publish({ ...policyBase, title: '申报期已过测试', applyFrom: '2026-01-01', applyTo: '2026-01-31' });
    const r = await post(as.enterprise!, `/api/v1/policies/${closed}/applications`);
    expect(r.statusCode).toBe(409);
    expect(code(r)).toBe('APPLICATION_WINDOW_CLOSED');
    const draft = (await as.dept!.request({ method: 'POST', url: '/api/v1/policies', payload: { ...policyBase, title: '未发布测试' } })).json() as { id: number };
    expect((await post(as.enterprise!, `/api/v1/policies/${draft.id}/applications`)).statusCode).toBe(404);
    expect((await as.enterprise!.request({ method: 'GET', url: `/api/v1/policies/${draft.id}/application-settings` })).statusCode).toBe(404);
    expect((await as.dept2!.request({ method: 'GET', url: `/api/v1/policies/${draft.id}/application-settings` })).statusCode).toBe(404);
    expect((await as.enterprise!.request({ method: 'GET', url: `/api/v1/policies/${policyId}/application-settings` })).json()).toMatchObject({ reviewDays: 10, supplementDays: 5, allowedTypes: ['pdf', 'png', 'jpg', 'docx', 'xlsx'], maxFileBytes: 10 * 1024 * 1024, custom: false });
    expect((await post(as.dept!, `/api/v1/policies/${policyId}/applications`)).statusCode).toBe(403);
    expect(await t.db.selectFrom('applications').select('id').execute()).toEqual([]);
  });

  it('opens a draft prefilled from the enterprise record, naming the policy version; one live application per period', async () => {
    const res = await post(as.enterprise!, `/api/v1/policies/${policyId}/applications`);
    expect(res.statusCode, res.body).toBe(201);
    const d = res.json() as Detail;
    appId = d.id;
    expect(d.status).toBe('draft');
    expect(d.policyVersion).toBe(1);
    expect(d.form).toMatchObject({ enterpriseName: '上海闵欣智能科技有限公司', uscc: DEMO_ENTERPRISE_USCC, industry: 'I6513', employees: 86, legalRep: '沈立新' });
    expect(d.materials).toEqual(['营业执照', '申请书']);
    expect(d.timeline.current.key).toBe('draft');
    const again = await post(as.enterprise!, `/api/v1/policies/${policyId}/applications`);
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'APPLICATION_EXISTS', applicationId: appId });
    expect((await appRow(appId)).period).toBe(today.slice(0, 4));
  });

  it('refuses to submit an incomplete application, changing nothing', async () => {
    const r = await post(as.enterprise!, `/api/v1/applications/${appId}/submit`);
    expect(r.statusCode).toBe(400);
    expect(code(r)).toBe('APPLICATION_INCOMPLETE');
    const p = await as.enterprise!.request({ method: 'PATCH', url: `/api/v1/applications/${appId}`, payload: { contactName: '王经理', contactPhone: '13800138000', description: '申请知识产权质押贷款贴息', requestedAmountFen: 80_000 } });
    expect(p.statusCode, p.body).toBe(200);
    expect((p.json() as Detail).form).toMatchObject({ contactName: '王经理', requestedAmountFen: 80_000, enterpriseName: '上海闵欣智能科技有限公司' });
    expect((await as.enterprise!.request({ method: 'PATCH', url: `/api/v1/applications/${appId}`, payload: { enterpriseName: '改名' } })).statusCode).toBe(400);
    const cleared = await as.enterprise!.request({ method: 'PATCH', url: `/api/v1/applications/${appId}`, payload: { requestedAmountFen: null } });
    expect((cleared.json() as Detail).form.requestedAmountFen).toBeNull();
    const m = await post(as.enterprise!, `/api/v1/applications/${appId}/submit`);
    expect(m.json()).toMatchObject({ code: 'APPLICATION_MATERIALS_MISSING', missing: ['营业执照', '申请书'] });
    expect((await appRow(appId)).status).toBe('draft');
  });

  it('stores uploads by content hash, checked by magic bytes — a lying file is refused and nothing is stored', async () => {
    const ok = await upload(as.enterprise!, appId, '营业执照.pdf', PDF, '营业执照');
    expect(ok.statusCode, ok.body).toBe(201);
    const f = ok.json() as { id: number; sha256: string; ext: string };
    expect(f.ext).toBe('pdf');
    expect(fs.existsSync(path.join(dataDir, 'files', f.sha256.slice(0, 2), f.sha256))).toBe(true);
    const before = filesOnDisk();
    const rowsBefore = (await t.db.selectFrom('application_files').select('id').execute()).length;
    const lying = await upload(as.enterprise!, appId, '申请书.pdf', PNG, '申请书');
    expect(lying.statusCode).toBe(415);
    expect(code(lying)).toBe('FILE_TYPE_MISMATCH');
    const renamedExe = await upload(as.enterprise!, appId, '申请书.pdf', exe(), '申请书');
    expect(renamedExe.statusCode).toBe(415);
    expect(code(renamedExe)).toBe('FILE_TYPE_NOT_ALLOWED');
    expect(code(await upload(as.enterprise!, appId, 'x.pdf', PDF, '不存在的材料'))).toBe('VALIDATION_FAILED');
    expect(filesOnDisk()).toEqual(before);
    expect((await t.db.selectFrom('application_files').select('id').execute()).length).toBe(rowsBefore);
    // Same bytes again: a second record, one stored copy.
    const dup = await upload(as.enterprise!, appId, '营业执照副本.pdf', PDF, '营业执照');
    expect((dup.json() as { sha256: string }).sha256).toBe(f.sha256);
    expect(filesOnDisk()).toEqual(before);
    await as.enterprise!.request({ method: 'DELETE', url: `/api/v1/applications/${appId}/files/${(dup.json() as { id: number }).id}` });
    const x = await upload(as.enterprise!, appId, '申请书.xlsx', await xlsx(), '申请书');
    expect(x.statusCode, x.body).toBe(201);
    expect((x.json() as { ext: string }).ext).toBe('xlsx');
  });

  it('enforces the per-policy size limit with 413 and lets only the enterprise and the reviewers read files', async () => {
    const s = await as.dept!.request({ method: 'PUT', url: `/api/v1/policies/${policyId}/application-settings`, payload: { reviewDays: 10, supplementDays: 5, allowedTypes: ['pdf', 'xlsx'], maxFileBytes: 2048 } });
    expect(s.statusCode, s.body).toBe(200);
    expect((await as.dept2!.request({ method: 'PUT', url: `/api/v1/policies/${policyId}/application-settings`, payload: { reviewDays: 1, supplementDays: 1, allowedTypes: ['pdf'], maxFileBytes: 2048 } })).statusCode).toBe(403);
    const big = Buffer.concat([PDF, Buffer.alloc(4096, 0x20)]);
    const r = await upload(as.enterprise!, appId, '大文件.pdf', big, '营业执照');
    expect(r.statusCode).toBe(413);
    expect(code(r)).toBe('FILE_TOO_LARGE');
    expect(code(await upload(as.enterprise!, appId, 'scan.png', PNG, '营业执照'))).toBe('FILE_TYPE_NOT_ALLOWED');
    const d = (await as.enterprise!.request({ method: 'GET', url: `/api/v1/applications/${appId}` })).json() as Detail;
    const fileId = d.files[0]!.id;
    const got = await as.enterprise!.request({ method: 'GET', url: `/api/v1/applications/${appId}/files/${fileId}` });
    expect(got.statusCode).toBe(200);
    expect(got.headers['content-type']).toBe('application/pdf');
    expect(got.rawPayload.equals(PDF)).toBe(true);
    expect((await as.dept!.request({ method: 'GET', url: `/api/v1/applications/${appId}/files/${fileId}` })).statusCode).toBe(200);
    expect((await as.dept2!.request({ method: 'GET', url: `/api/v1/applications/${appId}/files/${fileId}` })).statusCode).toBe(404);
    expect((await as.ent2!.request({ method: 'GET', url: `/api/v1/applications/${appId}/files/${fileId}` })).statusCode).toBe(404);
    expect((await as.street!.request({ method: 'GET', url: `/api/v1/applications/${appId}/files/${fileId}` })).statusCode).toBe(403);
    const reset = await as.dept!.request({ method: 'PUT', url: `/api/v1/policies/${policyId}/application-settings`, payload: { reviewDays: 10, supplementDays: 5, allowedTypes: ['pdf', 'png', 'jpg', 'docx', 'xlsx'], maxFileBytes: 10 * 1024 * 1024 } });
    expect(reset.json()).toMatchObject({ maxFileBytes: 10 * 1024 * 1024, custom: true });
  });

  it('submits once per idempotency key; the review deadline is 10 working days on the calendar', async () => {
    const r = await post(as.enterprise!, `/api/v1/applications/${appId}/submit`, {}, 'submit-1');
    expect(r.statusCode, r.body).toBe(200);
    const due = defaultCalendar.addWorkdaysProvisional(today, 10).date;
    expect(r.json()).toMatchObject({ status: 'submitted', reviewDue: due });
    const events = await eventCount(appId);
    const retry = await post(as.enterprise!, `/api/v1/applications/${appId}/submit`, {}, 'submit-1');
    expect(retry.statusCode).toBe(200);
    expect(retry.headers['idempotency-replayed']).toBe('true');
    expect(retry.json()).toEqual(r.json());
    expect(await eventCount(appId)).toBe(events);
    // Without the key the duplicate is a clear conflict.
    expect(code(await post(as.enterprise!, `/api/v1/applications/${appId}/submit`))).toBe('APPLICATION_BAD_TRANSITION');
    expect((await as.enterprise!.request({ method: 'PATCH', url: `/api/v1/applications/${appId}`, payload: { description: '改' } })).statusCode).toBe(409);
    const d = (await as.enterprise!.request({ method: 'GET', url: `/api/v1/applications/${appId}` })).json() as Detail;
    expect(d.timeline.current).toMatchObject({ key: 'review', deadline: due });
  });

  it('scopes applications: own enterprise, own department, admin and leader (read-only)', async () => {
    const list = async (s: Session) => (await s.request({ method: 'GET', url: '/api/v1/applications' })).json() as { total: number; items: Array<{ id: number }> };
    expect((await list(as.enterprise!)).items.map((i) => i.id)).toContain(appId);
    expect((await list(as.dept!)).items.map((i) => i.id)).toContain(appId);
    expect((await list(as.admin!)).items.map((i) => i.id)).toContain(appId);
    expect((await list(as.leader!)).items.map((i) => i.id)).toContain(appId);
    expect((await list(as.dept2!)).total).toBe(0);
    expect((await list(as.ent2!)).total).toBe(0);
    expect((await as.street!.request({ method: 'GET', url: '/api/v1/applications' })).statusCode).toBe(403);
    expect((await as.specialist!.request({ method: 'GET', url: `/api/v1/applications/${appId}` })).statusCode).toBe(403);
    expect((await as.dept2!.request({ method: 'GET', url: `/api/v1/applications/${appId}` })).statusCode).toBe(404);
    expect((await as.ent2!.request({ method: 'GET', url: `/api/v1/applications/${appId}` })).statusCode).toBe(404);
    expect((await as.leader!.request({ method: 'GET', url: `/api/v1/applications/${appId}` })).statusCode).toBe(200);
    expect((await post(as.leader!, `/api/v1/applications/${appId}/approve`, { amountFen: 1 })).statusCode).toBe(403);
    expect((await post(as.dept2!, `/api/v1/applications/${appId}/approve`, { amountFen: 1 })).statusCode).toBe(404);
    expect((await post(as.enterprise!, `/api/v1/applications/${appId}/approve`, { amountFen: 1 })).statusCode).toBe(403);
    expect((await appRow(appId)).status).toBe('submitted');
    // 一企一页: the 申报记录 section shows the application to those who may see it.
    const section = async (s: Session) => ((await s.request({ method: 'GET', url: `/api/v1/enterprises/${DEMO_ENTERPRISE_USCC}/page` })).json() as { sections: Array<{ key: string; items: Array<{ link: string }> }> }).sections.find((x) => x.key === 'applications');
    expect((await section(as.enterprise!))?.items.map((i) => i.link)).toContain(`/applications/${appId}`);
    expect((await section(as.dept!))?.items.map((i) => i.link)).toContain(`/applications/${appId}`);
    expect(await section(as.dept2!)).toBeUndefined();
  });

  it('refuses a malformed Idempotency-Key before doing anything', async () => {
    const r = await post(as.dept!, `/api/v1/applications/${appId}/return`, { reason: '补' }, 'bad key with spaces');
    expect(r.statusCode).toBe(400);
    expect(code(r)).toBe('IDEMPOTENCY_KEY_INVALID');
    expect((await appRow(appId)).status).toBe('submitted');
  });

  it('returns for supplement with a reason and a 5-working-day deadline; the enterprise supplements and resubmits', async () => {
    expect((await post(as.dept!, `/api/v1/applications/${appId}/return`, { reason: '   ' })).statusCode).toBe(400);
    const r = await post(as.dept!, `/api/v1/applications/${appId}/return`, { reason: '请补充盖章的申请书' }, 'return-1');
    expect(r.statusCode, r.body).toBe(200);
    const due = defaultCalendar.addWorkdaysProvisional(today, 5).date;
    expect(r.json()).toMatchObject({ status: 'returned', supplementDue: due });
    const d = (await as.enterprise!.request({ method: 'GET', url: `/api/v1/applications/${appId}` })).json() as Detail;
    expect(d.timeline.current).toMatchObject({ key: 'returned', deadline: due });
    expect(d.timeline.steps.find((s) => s.key === 'returned')?.note).toBe('请补充盖章的申请书');
    // A late supplement is refused.
    await t.db.updateTable('applications').set({ supplement_due: '2026-01-05' }).where('id', '=', appId).execute();
    expect(code(await post(as.enterprise!, `/api/v1/applications/${appId}/submit`))).toBe('APPLICATION_DEADLINE_PASSED');
    expect((await appRow(appId)).status).toBe('returned');
    await t.db.updateTable('applications').set({ supplement_due: due }).where('id', '=', appId).execute();
    expect((await as.enterprise!.request({ method: 'PATCH', url: `/api/v1/applications/${appId}`, payload: { description: '已补充盖章申请书' } })).statusCode).toBe(200);
    expect((await upload(as.enterprise!, appId, '申请书盖章.pdf', Buffer.concat([PDF, Buffer.from('% stamped\n')]), '申请书')).statusCode).toBe(201);
    const again = await post(as.enterprise!, `/api/v1/applications/${appId}/submit`, {}, 'submit-2');
    expect(again.json()).toMatchObject({ status: 'submitted', reviewDue: defaultCalendar.addWorkdaysProvisional(today, 10).date });
  });

  it('refuses a review after its deadline (admin excepted), an amount over the budget, and a bad amount — changing nothing', async () => {
    const due = (await appRow(appId)).review_due;
    await t.db.updateTable('applications').set({ review_due: '2026-01-05' }).where('id', '=', appId).execute();
    const late = await post(as.dept!, `/api/v1/applications/${appId}/approve`, { amountFen: 50_000 });
    expect(late.statusCode).toBe(409);
    expect(late.json()).toMatchObject({ code: 'APPLICATION_DEADLINE_PASSED', deadline: '2026-01-05' });
    expect(code(await post(as.dept!, `/api/v1/applications/${appId}/return`, { reason: '再补' }))).toBe('APPLICATION_DEADLINE_PASSED');
    await t.db.updateTable('applications').set({ review_due: due }).where('id', '=', appId).execute();
    const over = await post(as.dept!, `/api/v1/applications/${appId}/approve`, { amountFen: 100_001 });
    expect(over.statusCode).toBe(409);
    expect(over.json()).toMatchObject({ code: 'APPLICATION_OVER_BUDGET', remainingFen: 100_000 });
    expect((await post(as.dept!, `/api/v1/applications/${appId}/approve`, { amountFen: 0 })).statusCode).toBe(400);
    expect((await post(as.dept!, `/api/v1/applications/${appId}/approve`, { amountFen: 1.5 })).statusCode).toBe(400);
    const row = await appRow(appId);
    expect(row.status).toBe('submitted');
    expect(row.amount_fen).toBeNull();
    expect(await t.db.selectFrom('benefit_claims').select('id').execute()).toEqual([]);
  });

  it('approves once: a double click with the same key replays, a changed body is 422, another approval is 409', async () => {
    const first = await post(as.dept!, `/api/v1/applications/${appId}/approve`, { amountFen: 60_000 }, 'approve-1');
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({ status: 'approved', amountFen: 60_000 });
    const replay = await post(as.dept!, `/api/v1/applications/${appId}/approve`, { amountFen: 60_000 }, 'approve-1');
    expect(replay.statusCode).toBe(200);
    expect(replay.headers['idempotency-replayed']).toBe('true');
    const reused = await post(as.dept!, `/api/v1/applications/${appId}/approve`, { amountFen: 70_000 }, 'approve-1');
    expect(reused.statusCode).toBe(422);
    expect(code(reused)).toBe('IDEMPOTENCY_KEY_REUSED');
    const second = await post(as.dept!, `/api/v1/applications/${appId}/approve`, { amountFen: 60_000 }, 'approve-2');
    expect(second.statusCode).toBe(409);
    expect(code(second)).toBe('APPLICATION_BAD_TRANSITION');
    // RFC 9457: `status` is the HTTP status number; the application's own state is a separate member (issue 12 item 12).
    expect(second.json()).toMatchObject({ status: 409, state: 'approved' });
    expect((await appRow(appId)).amount_fen).toBe(60_000);
    const claims = await t.db.selectFrom('benefit_claims').selectAll().execute();
    expect(claims).toHaveLength(1);
    expect(claims[0]).toMatchObject({ policy_id: policyId, uscc: DEMO_ENTERPRISE_USCC, period: today.slice(0, 4) });
    expect(Number(claims[0]!.amount_fen)).toBe(60_000);
    expect(Number(claims[0]!.application_id)).toBe(appId);
    const approveEvents = (await t.db.selectFrom('application_events').select('action').where('application_id', '=', appId).where('action', '=', 'approve').execute()).length;
    expect(approveEvents).toBe(1);
    const audit = (await t.db.selectFrom('audit_log').select('action').where('target', '=', `application:${appId}`).execute()).map((r) => r.action);
    expect(audit).toEqual(expect.arrayContaining(['application.create', 'application.update', 'application.file.add', 'application.submit', 'application.return', 'application.approve']));
  });

  it('counts approved amounts against the budget for the next application; admin may review after the deadline', async () => {
    const created = await post(as.ent2!, `/api/v1/policies/${policyId}/applications`);
    expect(created.statusCode, created.body).toBe(201);
    const id = (created.json() as Detail).id;
    await as.ent2!.request({ method: 'PATCH', url: `/api/v1/applications/${id}`, payload: { contactName: '李', contactPhone: '021-64123456', description: '申请' } });
    await upload(as.ent2!, id, 'a.pdf', PDF, '营业执照');
    await upload(as.ent2!, id, 'b.xlsx', await xlsx(), '申请书');
    expect((await post(as.ent2!, `/api/v1/applications/${id}/submit`)).statusCode).toBe(200);
    const over = await post(as.dept!, `/api/v1/applications/${id}/approve`, { amountFen: 40_001 });
    expect(over.json()).toMatchObject({ code: 'APPLICATION_OVER_BUDGET', remainingFen: 40_000 });
    await t.db.updateTable('applications').set({ review_due: '2026-01-05' }).where('id', '=', id).execute();
    expect(code(await post(as.dept!, `/api/v1/applications/${id}/reject`, { reason: '不符合条件' }))).toBe('APPLICATION_DEADLINE_PASSED');
    const rej = await post(as.admin!, `/api/v1/applications/${id}/reject`, { reason: '不符合条件（逾期由管理员处理）' });
    expect(rej.json()).toMatchObject({ status: 'rejected' });
    // A rejected application does not block a new one in the same period.
    expect((await post(as.ent2!, `/api/v1/policies/${policyId}/applications`)).statusCode).toBe(201);
  });

  it('shows 已通过 then 已兑付 once the disbursement batch pays the claim', async () => {
    let d = (await as.enterprise!.request({ method: 'GET', url: `/api/v1/applications/${appId}` })).json() as Detail;
    expect(d.timeline.steps.find((s) => s.key === 'decided')).toMatchObject({ state: 'finish' });
    expect(d.timeline.current.key).toBe('paid');
    expect(d.timeline.steps.find((s) => s.key === 'paid')?.state).toBe('process');
    const deptUser = { id: 0, username: 'dept', displayName: 'dept', role: 'dept' as const, department: 'scjgj', street: null, uscc: null };
    const actor = { userId: null, username: 'dept', role: 'dept' };
    const batch = await computeBatch(t.db, actor, deptUser, { policyId, period: today.slice(0, 4) });
    await approveBatch(t.db, deptUser, batch.id);
    await payBatch(t.db, actor, deptUser, batch.id);
    d = (await as.enterprise!.request({ method: 'GET', url: `/api/v1/applications/${appId}` })).json() as Detail;
    expect(d.timeline.steps.find((s) => s.key === 'paid')).toMatchObject({ state: 'finish' });
    expect(d.timeline.steps.find((s) => s.key === 'paid')?.note).toContain('600.00');
  });
});
