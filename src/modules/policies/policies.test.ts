import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobRunner } from '../../platform/jobs.ts';
import { jobHandlers } from '../../server/start.ts';
import { testApp, type Session, type TestApp } from '../../server/testing.ts';
import { DEMO_ENTERPRISE_USCC } from '../enterprises/index.ts';

let t: TestApp;
const as: Record<string, Session> = {};
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

const base = {
  title: '闵行区关于支持软件企业研发投入的若干措施',
  department: 'kw',
  category: '科技创新',
  mode: 'apply',
  keyPoints: ['研发投入补贴', '最高 100 万元'],
  text: '<p>支持对象：软件和信息技术服务业企业。</p>',
  validFrom: '2026-01-01',
  validTo: '2027-12-31',
  applyFrom: '2026-01-01',
  applyTo: '2027-06-30',
  eligibility: { and: [{ starts_with: [{ var: 'industry' }, 'I65'] }, { '>=': [{ var: 'rdSpending' }, 1_000_000] }] },
  benefit: { amount: { '*': [{ var: 'rdSpending' }, 0.1] }, cap: 100_000_000 },
  materials: ['研发费用专项审计报告'],
  tags: ['科技创新'],
};

async function drainJobs(): Promise<void> {
  await new JobRunner(t.db, jobHandlers(), silent).drain();
}

async function createAndPublish(body: Record<string, unknown>, s = as.kw!): Promise<number> {
  const res = await s.request({ method: 'POST', url: '/api/v1/policies', payload: body });
  expect(res.statusCode, res.body).toBe(201);
  const { id } = res.json() as { id: number };
  expect((await s.request({ method: 'POST', url: `/api/v1/policies/${id}/submit`, payload: {} })).statusCode).toBe(200);
  expect((await s.request({ method: 'POST', url: `/api/v1/policies/${id}/publish`, payload: {} })).statusCode).toBe(200);
  await drainJobs();
  return id;
}

beforeAll(async () => {
  t = await testApp();
  const admin = await t.login('admin');
  as.admin = admin;
  await admin.request({ method: 'POST', url: '/api/v1/users', payload: { username: 'kw1', password: 'Science-2026', role: 'dept', department: 'kw' } });
  as.kw = await t.login('kw1', 'Science-2026');
  for (const u of ['dept', 'enterprise', 'leader', 'street']) as[u] = await t.login(u);
});
afterAll(async () => t?.close());

describe('policy records and lifecycle (P-1, P-2)', () => {
  it('rejects invalid rules with the JSON path, unknown attributes, bad dates and oversized text — writing nothing', async () => {
    const count = async () => Number((await t.db.selectFrom('policies').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    const before = await count();
    const cases: Array<[Record<string, unknown>, string, string]> = [
      [{ ...base, eligibility: { and: [{ '>=': [{ var: 'employees' }, 10] }, { '<=': [{ var: 'staffCount' }, 300] }] } }, 'eligibility', '/and/1'],
      [{ ...base, eligibility: { frobnicate: [1, 2] } }, 'eligibility', 'frobnicate'],
      [{ ...base, eligibility: { '>=': [{ var: 'employees' }, '十'] } }, 'eligibility', '/>='],
      [{ ...base, benefit: { amount: { '*': [{ var: 'nope' }, 2] } } }, 'benefit', '/amount'],
      [{ ...base, validTo: '2027-02-30' }, 'validTo', ''],
      [{ ...base, validFrom: '2027-01-01', validTo: '2026-01-01' }, 'validTo', ''],
    ];
    for (const [body, field, path] of cases) {
      const res = await as.kw!.request({ method: 'POST', url: '/api/v1/policies', payload: body });
      expect(res.statusCode, JSON.stringify(body.eligibility)).toBe(400);
      const p = res.json() as { field: string; detail: string };
      expect(p.field).toBe(field);
      if (path) expect(p.detail).toContain(path);
    }
    expect((await as.kw!.request({ method: 'POST', url: '/api/v1/policies', payload: { ...base, text: 'x'.repeat(100_001) } })).statusCode).toBe(400);
    expect((await as.kw!.request({ method: 'POST', url: '/api/v1/policies', payload: { ...base, department: 'rsj' } })).statusCode).toBe(403);
    expect((await as.street!.request({ method: 'POST', url: '/api/v1/policies', payload: base })).statusCode).toBe(403);
    expect(await count()).toBe(before);
  });

  it('sanitizes rich text: scripts, handlers and javascript: URLs are removed', async () => {
    const xss = '<p onclick="alert(1)">申报<script>alert(2)</script><img src=x onerror=alert(3)><a href="javascript:alert(4)">链接</a><a href="https://www.shmh.gov.cn">官网</a></p>';
    const res = await as.kw!.request({ method: 'POST', url: '/api/v1/policies', payload: { ...base, title: '<b>标题</b>', text: xss } });
    const { id } = res.json() as { id: number };
    const p = (await as.kw!.request({ method: 'GET', url: `/api/v1/policies/${id}` })).json() as { title: string; content: { text: string } };
    expect(p.content.text).not.toMatch(/script|onclick|onerror|javascript:|<img/i);
    expect(p.content.text).toContain('https://www.shmh.gov.cn');
    expect(p.title).toBe('<b>标题</b>'); // plain text fields are stored as typed and rendered as text
  });

  it('walks draft → review → published, freezes an immutable version, and refuses illegal steps', async () => {
    const created = (await as.kw!.request({ method: 'POST', url: '/api/v1/policies', payload: base })).json() as { id: number };
    const id = created.id;
    expect((await as.kw!.request({ method: 'POST', url: `/api/v1/policies/${id}/publish`, payload: {} })).statusCode).toBe(409);
    expect((await as.kw!.request({ method: 'POST', url: `/api/v1/policies/${id}/submit`, payload: {} })).statusCode).toBe(200);
    expect((await as.kw!.request({ method: 'PATCH', url: `/api/v1/policies/${id}`, payload: base })).statusCode).toBe(409);
    expect((await as.kw!.request({ method: 'POST', url: `/api/v1/policies/${id}/return`, payload: {} })).statusCode).toBe(400);
    expect((await as.dept!.request({ method: 'POST', url: `/api/v1/policies/${id}/publish`, payload: {} })).statusCode).toBe(404);
    const pub = await as.kw!.request({ method: 'POST', url: `/api/v1/policies/${id}/publish`, payload: {} });
    expect(pub.json()).toMatchObject({ status: 'published', version: 1 });
    const detail = (await t.app.inject({ method: 'GET', url: `/api/v1/policies/${id}` })).json() as { status: string; versions: Array<{ version: number; contentHash: string }> };
    expect(detail.status).toBe('published');
    expect(detail.versions).toHaveLength(1);
    expect(detail.versions[0]!.contentHash).toMatch(/^[0-9a-f]{64}$/);
    await expect(sql`update policy_versions set content_hash = 'x' where policy_id = ${id}`.execute(t.db)).rejects.toThrow(/immutable/);
    await expect(sql`delete from policy_versions where policy_id = ${id}`.execute(t.db)).rejects.toThrow(/immutable/);
    expect((await as.kw!.request({ method: 'POST', url: `/api/v1/policies/${id}/withdraw`, payload: {} })).json()).toMatchObject({ status: 'withdrawn' });
  });

  it('shows drafts only to their department (404 elsewhere) and published policies to the public', async () => {
    const draft = (await as.kw!.request({ method: 'POST', url: '/api/v1/policies', payload: { ...base, title: '内部草稿政策' } })).json() as { id: number };
    expect((await as.kw!.request({ method: 'GET', url: `/api/v1/policies/${draft.id}` })).statusCode).toBe(200);
    expect((await as.dept!.request({ method: 'GET', url: `/api/v1/policies/${draft.id}` })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: `/api/v1/policies/${draft.id}` })).statusCode).toBe(404);
    expect((await as.leader!.request({ method: 'GET', url: `/api/v1/policies/${draft.id}` })).statusCode).toBe(200);
    const pub = (await t.app.inject({ method: 'GET', url: '/api/v1/policies?pageSize=100' })).json() as { items: Array<{ status: string; title: string }> };
    expect(pub.items.every((p) => p.status === 'published' || p.status === 'expired')).toBe(true);
    expect(pub.items.some((p) => p.title === '内部草稿政策')).toBe(false);
  });

  it('expires a policy automatically through the durable job at the end of its validity', async () => {
    const id = await createAndPublish({ ...base, title: '即将到期的政策', validFrom: '2025-01-01', validTo: '2025-12-31', applyFrom: '2025-01-01', applyTo: '2025-12-31' });
    const p = (await as.kw!.request({ method: 'GET', url: `/api/v1/policies/${id}` })).json() as { status: string };
    expect(p.status).toBe('expired');
    const cleanup = (await as.leader!.request({ method: 'GET', url: '/api/v1/policies/cleanup' })).json() as { items: Array<{ id: number }> };
    expect(cleanup.items.map((i) => i.id)).toContain(id);
  });
});

describe('matching and 政策体检 (P-4)', () => {
  it('matches a published policy across all enterprises, per version', async () => {
    const id = await createAndPublish({ ...base, title: '软件企业研发补贴（匹配测试）' });
    const m = (await as.kw!.request({ method: 'GET', url: `/api/v1/policies/${id}/matches?pageSize=200` })).json() as { version: number; counts: { eligible: number }; items: string[]; total: number };
    expect(m.version).toBe(1);
    expect(m.counts.eligible).toBe(m.total);
    expect(m.items).toContain(DEMO_ENTERPRISE_USCC);
    expect((await as.enterprise!.request({ method: 'GET', url: `/api/v1/policies/${id}/matches` })).statusCode).toBe(403);
  });

  it('gives an enterprise its checkup with explanations, and only its own', async () => {
    await createAndPublish({ ...base, title: '大型软件企业奖励（差一点）', eligibility: { and: [{ starts_with: [{ var: 'industry' }, 'I65'] }, { '>=': [{ var: 'employees' }, 100] }] } });
    const res = await as.enterprise!.request({ method: 'GET', url: `/api/v1/enterprises/${DEMO_ENTERPRISE_USCC}/policy-checkup` });
    expect(res.statusCode).toBe(200);
    const c = res.json() as { eligible: Array<{ policyId: number; version: number; title: string; explanation: { status: string } }>; nearMiss: Array<{ title: string; explanation: { nearMisses: Array<{ changes: Array<{ text: string }> }> } }>; unknown: unknown[] };
    expect(c.eligible.some((e) => e.title === '软件企业研发补贴（匹配测试）' && e.version === 1 && e.explanation.status === 'true')).toBe(true);
    const near = c.nearMiss.find((n) => n.title === '大型软件企业奖励（差一点）');
    expect(near?.explanation.nearMisses[0]?.changes[0]?.text).toMatch(/employees|从业人数/);
    expect(Array.isArray(c.unknown)).toBe(true);
    const other = (await as.admin!.request({ method: 'GET', url: '/api/v1/enterprises?street=310112102&pageSize=1' })).json() as { items: Array<{ uscc: string }> };
    expect((await as.enterprise!.request({ method: 'GET', url: `/api/v1/enterprises/${other.items[0]!.uscc}/policy-checkup` })).statusCode).toBe(403);
  });

  it('试算: validates a draft rule and counts today’s matches', async () => {
    const ok = (await as.kw!.request({ method: 'POST', url: '/api/v1/policies/try', payload: { eligibility: { '>=': [{ var: 'employees' }, 50] }, uscc: DEMO_ENTERPRISE_USCC } })).json() as { matched: number; unknown: number; explanation: { status: string } };
    // The same counts as SQL over the registry: eligible for sure, and unknown where the attribute is missing.
    const counts = (await sql<{ yes: number; missing: number }>`select count(*) filter (where employees >= 50) as yes, count(*) filter (where employees is null) as missing from enterprises`.execute(t.db)).rows[0]!;
    expect(ok.matched).toBe(Number(counts.yes));
    expect(ok.unknown).toBe(Number(counts.missing));
    expect(ok.matched).toBeGreaterThan(0);
    expect(ok.explanation.status).toBe('true');
    const bad = await as.kw!.request({ method: 'POST', url: '/api/v1/policies/try', payload: { eligibility: { '>=': [{ var: 'employeez' }, 50] } } });
    expect(bad.statusCode).toBe(400);
    expect((bad.json() as { code: string }).code).toBe('RULE_INVALID');
  });
});

describe('policy search (P-3)', () => {
  it('finds 政策性融资担保贷款贴息 for 融资担保, ranks it, highlights it, and survives hostile queries', async () => {
    const search = async (q: string) => (await t.app.inject({ method: 'GET', url: `/api/v1/policies?q=${encodeURIComponent(q)}&pageSize=10` })).json() as { total: number; searchMode: string; items: Array<{ title: string; highlight?: Array<{ text: string; hit: boolean }> }> };
    const r = await search('融资担保');
    expect(r.total).toBeGreaterThan(0);
    expect(r.items[0]!.title).toMatch(/融资担保/);
    expect(r.items[0]!.highlight?.some((h) => h.hit && /融资|担保/.test(h.text))).toBe(true);
    for (const q of ["'; drop table policies; --", '融资 & | ! ( ) : *', '<script>alert(1)</script>', '%_\\']) {
      const res = await t.app.inject({ method: 'GET', url: `/api/v1/policies?q=${encodeURIComponent(q)}` });
      expect(res.statusCode, q).toBe(200);
    }
    expect((await search('融资担宝')).total).toBeGreaterThan(0);
  });
});
