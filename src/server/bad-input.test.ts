import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ENTERPRISE_USCC } from '../modules/enterprises/index.ts';
import { testApp, type Session, type TestApp } from './testing.ts';

// SPEC §10 / F-5, issue 12 items 10, 11 and 13: bad input gets a 4xx problem naming the field,
// never a 5xx, and changes nothing (no audit record, no row).
let t: TestApp;
const as: Record<string, Session> = {};
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'qifu-bad-input-'));
let applyPolicy = 0;
let draftApp = 0;

const JSON_HEADERS = { 'content-type': 'application/json' };
const auditCount = async () => Number((await t.db.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
const policyCount = async () => Number((await t.db.selectFrom('policies').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

const policy = {
  title: '坏输入测试政策',
  department: 'scjgj',
  category: '其他',
  mode: 'apply',
  keyPoints: [],
  text: '',
  validFrom: '2026-01-01',
  validTo: '2099-12-31',
  applyFrom: '2026-01-01',
  applyTo: '2099-12-31',
  eligibility: true,
  materials: [],
  tags: [],
};

interface Problem {
  type: string;
  title: string;
  status: number;
  code: string;
  field?: string;
  detail?: string;
}

/** Asserts a 4xx problem+json whose `status` is the HTTP status, and returns it. */
function problem(res: { statusCode: number; headers: Record<string, unknown>; body: string }, status: number): Problem {
  expect(res.statusCode, res.body).toBe(status);
  expect(String(res.headers['content-type'])).toMatch(/^application\/problem\+json/);
  const p = JSON.parse(res.body) as Problem;
  expect(p.status).toBe(status);
  return p;
}

/** Sends a write that must be refused; checks the problem and that nothing was audited. */
async function refused(s: Session, opts: Parameters<Session['request']>[0], status: number, expected: Partial<Problem>): Promise<Problem> {
  const before = await auditCount();
  const p = problem(await s.request(opts), status);
  expect(p, JSON.stringify(p)).toMatchObject(expected);
  expect(await auditCount()).toBe(before);
  return p;
}

function multipart(filename: string, content: Buffer): { payload: Buffer; headers: Record<string, string>; boundary: string } {
  const boundary = '----qifu' + Math.random().toString(16).slice(2);
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return { payload: Buffer.concat([head, content, tail]), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` }, boundary };
}

const PDF = Buffer.from('%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n');
const CSV = Buffer.from(`统一社会信用代码,企业名称\n${DEMO_ENTERPRISE_USCC},上海闵欣智能科技有限公司\n`);

beforeAll(async () => {
  t = await testApp({ dataDir });
  for (const u of ['admin', 'dept', 'enterprise']) as[u] = await t.login(u);
  const created = await as.dept!.request({ method: 'POST', url: '/api/v1/policies', payload: policy });
  expect(created.statusCode, created.body).toBe(201);
  applyPolicy = (created.json() as { id: number }).id;
  for (const step of ['submit', 'publish']) expect((await as.dept!.request({ method: 'POST', url: `/api/v1/policies/${applyPolicy}/${step}`, payload: {} })).statusCode).toBe(200);
  const app = await as.enterprise!.request({ method: 'POST', url: `/api/v1/policies/${applyPolicy}/applications` });
  expect(app.statusCode, app.body).toBe(201);
  draftApp = (app.json() as { id: number }).id;
});
afterAll(async () => {
  await t?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('NUL bytes and invalid UTF-8 (item 10)', () => {
  it('refuses NUL in a query parameter, naming it', async () => {
    const p = problem(await as.admin!.request({ method: 'GET', url: '/api/v1/enterprises?q=a%00b' }), 400);
    expect(p).toMatchObject({ code: 'NUL_BYTE', field: 'q' });
    problem(await t.app.inject({ method: 'GET', url: '/api/v1/policies?q=%00' }), 400);
    // Percent-escapes that are not UTF-8: the query parser would keep "%FF" literally.
    expect(problem(await as.admin!.request({ method: 'GET', url: '/api/v1/enterprises?page=1&q=%FF%FE' }), 400)).toMatchObject({ code: 'INVALID_UTF8', field: 'q' });
    expect((await as.admin!.request({ method: 'GET', url: `/api/v1/enterprises?q=${encodeURIComponent('闵欣')}` })).statusCode).toBe(200);
    problem(await as.admin!.request({ method: 'GET', url: '/api/v1/audit?actor=%00' }), 400);
    // … and in a path parameter.
    expect(problem(await as.dept!.request({ method: 'POST', url: '/api/v1/policies/1%00/submit', payload: {} }), 400)).toMatchObject({ code: 'NUL_BYTE', field: 'id' });
    expect(problem(await as.admin!.request({ method: 'PATCH', url: `/api/v1/enterprises/${DEMO_ENTERPRISE_USCC.slice(0, 17)}%00`, payload: {} }), 400)).toMatchObject({ code: 'NUL_BYTE', field: 'uscc' });
  });

  it('refuses NUL in body fields at any depth, in keys, and inside rules', async () => {
    const before = await policyCount();
    await refused(as.dept!, { method: 'POST', url: '/api/v1/policies', payload: { ...policy, title: 'a\u0000b' } }, 400, { code: 'NUL_BYTE', field: 'title' });
    await refused(as.dept!, { method: 'POST', url: '/api/v1/policies', payload: { ...policy, contact: { owner: '\u0000' } } }, 400, { code: 'NUL_BYTE', field: 'contact.owner' });
    await refused(as.dept!, { method: 'POST', url: '/api/v1/policies', payload: { ...policy, keyPoints: ['ok', 'x\u0000'] } }, 400, { code: 'NUL_BYTE', field: 'keyPoints.1' });
    await refused(as.dept!, { method: 'POST', url: '/api/v1/policies', payload: { ...policy, eligibility: { '==': [{ var: 'name' }, '\u0000'] } } }, 400, { code: 'NUL_BYTE', field: 'eligibility.==.1' });
    const key = await refused(as.admin!, { method: 'PATCH', url: `/api/v1/enterprises/${DEMO_ENTERPRISE_USCC}`, payload: { ['addr\u0000ess']: 'x' } }, 400, { code: 'NUL_BYTE' });
    expect(key.field).toBe('addr\\u0000ess');
    await refused(as.admin!, { method: 'PATCH', url: `/api/v1/enterprises/${DEMO_ENTERPRISE_USCC}`, payload: { address: '上海\u0000' } }, 400, { code: 'NUL_BYTE', field: 'address' });
    await refused(as.admin!, { method: 'POST', url: '/api/v1/users', payload: { username: 'nul_user', password: 'Qifu-Str0ng-Pass!', role: 'leader', displayName: '\u0000' } }, 400, { code: 'NUL_BYTE', field: 'displayName' });
    await refused(as.dept!, { method: 'POST', url: `/api/v1/policies/${applyPolicy}/withdraw`, payload: { note: '\u0000' } }, 400, { code: 'NUL_BYTE', field: 'note' });
    expect(await policyCount()).toBe(before);
  });

  it('refuses bytes that are not UTF-8 in a JSON body, and lone surrogates that JSON allows', async () => {
    const before = await policyCount();
    const raw = Buffer.concat([Buffer.from('{"title":"坏'), Buffer.from([0xff, 0xfe]), Buffer.from(`","department":"scjgj","category":"其他","mode":"apply","eligibility":true}`)]);
    await refused(as.dept!, { method: 'POST', url: '/api/v1/policies', headers: JSON_HEADERS, payload: raw }, 400, { code: 'INVALID_UTF8' });
    // "\ud800" is valid JSON text; PostgreSQL text would silently hold U+FFFD instead.
    await refused(as.admin!, { method: 'PATCH', url: `/api/v1/enterprises/${DEMO_ENTERPRISE_USCC}`, headers: JSON_HEADERS, payload: '{"address":"上海\\ud800路"}' }, 400, { code: 'INVALID_UTF8', field: 'address' });
    await refused(as.dept!, { method: 'POST', url: '/api/v1/policies', headers: JSON_HEADERS, payload: JSON.stringify({ ...policy, title: 'x' }).replace('"x"', '"\\udc00x"') }, 400, { code: 'INVALID_UTF8', field: 'title' });
    // A surrogate pair (an emoji) is fine.
    const emoji = await as.admin!.request({ method: 'PATCH', url: `/api/v1/enterprises/${DEMO_ENTERPRISE_USCC}`, headers: JSON_HEADERS, payload: '{"address":"上海\\ud83d\\ude00路 1 号"}' });
    expect(emoji.statusCode, emoji.body).toBe(200);
    expect((emoji.json() as { address: string }).address).toBe('上海😀路 1 号');
    expect(await policyCount()).toBe(before);
  });

  it('refuses a number JSON can only give as Infinity (1e400) instead of storing null', async () => {
    const body = JSON.stringify({ ...policy, eligibility: { '>=': [{ var: 'employees' }, 12345] } }).replace('12345', '1e400');
    await refused(as.dept!, { method: 'POST', url: '/api/v1/policies', headers: JSON_HEADERS, payload: body }, 400, { code: 'NUMBER_OUT_OF_RANGE', field: 'eligibility.>=.1' });
  });

  it('refuses an upload whose file name holds NUL or bytes that are not UTF-8', async () => {
    for (const [name, code] of [
      ['a\u0000.csv', 'NUL_BYTE'],
      [Buffer.concat([Buffer.from('企业'), Buffer.from([0xff]), Buffer.from('.csv')]).toString('latin1'), 'INVALID_UTF8'],
    ] as const) {
      const m = multipart('NAME', CSV);
      // Raw bytes of the file name as a client would put them in the part header.
      const payload = Buffer.from(m.payload.toString('latin1').replace('NAME', name), 'latin1');
      await refused(as.admin!, { method: 'POST', url: '/api/v1/enterprises/import', payload, headers: m.headers }, 400, { code, field: 'file' });
      const f = multipart('NAME', PDF);
      const filePayload = Buffer.from(f.payload.toString('latin1').replace('NAME', name.replace('.csv', '.pdf')), 'latin1');
      await refused(as.enterprise!, { method: 'POST', url: `/api/v1/applications/${draftApp}/files`, payload: filePayload, headers: f.headers }, 400, { code, field: 'file' });
    }
    expect(await t.db.selectFrom('enterprise_imports').select('id').execute()).toHaveLength(0);
    expect(await t.db.selectFrom('application_files').select('id').execute()).toHaveLength(0);
  });
});

describe('URLs the router cannot take (found by the fuzz test, item 16)', () => {
  it('answers a path parameter over the router’s length limit with 414 and an undecodable one with 400, as problems', async () => {
    const long = encodeURIComponent('𠮷'.repeat(300));
    expect(problem(await as.enterprise!.request({ method: 'POST', url: `/api/v1/applications/${long}/files`, payload: {} }), 414).code).toBe('URI_TOO_LONG');
    expect(problem(await as.admin!.request({ method: 'GET', url: `/api/v1/enterprises/${long}` }), 414).code).toBe('URI_TOO_LONG');
    expect(problem(await as.enterprise!.request({ method: 'DELETE', url: `/api/v1/applications/${draftApp}/files/%` }), 400).code).toBe('BAD_URL');
  });
});

describe('deep nesting and truncated multipart bodies (item 11)', () => {
  const deepFormula = (n: number) => '{"+":['.repeat(n) + '{"var":"employees"}' + ',1]}'.repeat(n);

  it('refuses a benefit formula nested 10,000 deep, naming the field', async () => {
    const body = `{"title":"深","department":"scjgj","category":"其他","mode":"auto","eligibility":true,"benefit":{"amount":${deepFormula(10_000)}}}`;
    await refused(as.dept!, { method: 'POST', url: '/api/v1/policies', headers: JSON_HEADERS, payload: body }, 400, { code: 'INPUT_TOO_DEEP', field: 'benefit.amount' });
    const tryBody = `{"benefit":{"amount":${deepFormula(10_000)}},"uscc":"${DEMO_ENTERPRISE_USCC}"}`;
    await refused(as.dept!, { method: 'POST', url: '/api/v1/policies/try-benefit', headers: JSON_HEADERS, payload: tryBody }, 400, { code: 'INPUT_TOO_DEEP', field: 'benefit.amount' });
  });

  it('refuses a formula too deep for the rule validator but within the edge limit as an invalid formula', async () => {
    const body = `{"title":"深","department":"scjgj","category":"其他","mode":"auto","eligibility":true,"benefit":{"amount":${deepFormula(80)}}}`;
    const p = await refused(as.dept!, { method: 'POST', url: '/api/v1/policies', headers: JSON_HEADERS, payload: body }, 400, { code: 'RULE_INVALID', field: 'benefit' });
    expect(p.detail).toContain('deeper than 64');
  });

  it('refuses deep nesting anywhere in a body, even 400,000 levels', async () => {
    await refused(as.admin!, { method: 'PATCH', url: `/api/v1/enterprises/${DEMO_ENTERPRISE_USCC}`, headers: JSON_HEADERS, payload: `{"address":${'['.repeat(300)}${']'.repeat(300)}}` }, 400, { code: 'INPUT_TOO_DEEP', field: 'address' });
    await refused(as.dept!, { method: 'POST', url: '/api/v1/policies/try', headers: JSON_HEADERS, payload: `{"eligibility":${'{"a":'.repeat(1000)}1${'}'.repeat(1000)}}` }, 400, { code: 'INPUT_TOO_DEEP', field: 'eligibility.a' });
    await refused(as.dept!, { method: 'POST', url: '/api/v1/policies/try', headers: JSON_HEADERS, payload: `{"eligibility":${'['.repeat(400_000)}${']'.repeat(400_000)}}` }, 400, { code: 'INPUT_TOO_DEEP' });
  });

  it('answers 400 to a multipart body cut off in the middle, on both upload routes', async () => {
    const imp = multipart('enterprises.csv', CSV);
    const cut = imp.payload.subarray(0, imp.payload.length - 30);
    await refused(as.admin!, { method: 'POST', url: '/api/v1/enterprises/import', payload: cut, headers: imp.headers }, 400, { code: 'MULTIPART_MALFORMED', field: 'file' });
    const headerOnly = Buffer.from(`--${imp.boundary}\r\nContent-Disposition: form-data; name="file"; filename="e.csv"\r\nContent-Ty`);
    await refused(as.admin!, { method: 'POST', url: '/api/v1/enterprises/import', payload: headerOnly, headers: imp.headers }, 400, { code: 'MULTIPART_MALFORMED' });
    const up = multipart('licence.pdf', PDF);
    await refused(as.enterprise!, { method: 'POST', url: `/api/v1/applications/${draftApp}/files`, payload: up.payload.subarray(0, up.payload.length - 30), headers: up.headers }, 400, { code: 'MULTIPART_MALFORMED', field: 'file' });
    expect(await t.db.selectFrom('enterprise_imports').select('id').execute()).toHaveLength(0);
    expect(await t.db.selectFrom('application_files').select('id').execute()).toHaveLength(0);
    // The same bodies whole are accepted.
    expect((await as.admin!.request({ method: 'POST', url: '/api/v1/enterprises/import', payload: imp.payload, headers: imp.headers })).statusCode).toBe(200);
    expect((await as.enterprise!.request({ method: 'POST', url: `/api/v1/applications/${draftApp}/files`, payload: up.payload, headers: up.headers })).statusCode).toBe(201);
  });
});

describe('JSON bodies are not coerced (item 13)', () => {
  const ent = `/api/v1/enterprises/${DEMO_ENTERPRISE_USCC}`;

  it('refuses wrong JSON types for enterprise attributes instead of converting them', async () => {
    const current = (await as.admin!.request({ method: 'GET', url: ent })).json() as Record<string, unknown>;
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ employees: [1, 2] }, 'employees'],
      [{ employees: '12' }, 'employees'],
      [{ employees: true }, 'employees'],
      [{ name: { a: 1 } }, 'name'],
      [{ name: ['上海', '公司'] }, 'name'],
      [{ revenue: '0x10' }, 'revenue'],
      [{ revenue: 'Infinity' }, 'revenue'],
      [{ tags: '专精特新' }, 'tags'],
      [{ tags: [1, 2] }, 'tags'],
      [{ established: 20200101 }, 'established'],
    ];
    for (const [body, field] of cases) {
      const p = await refused(as.admin!, { method: 'PATCH', url: ent, payload: body }, 400, { code: 'ENTERPRISE_INVALID' });
      expect(p.field, JSON.stringify(body)).toBe(field);
    }
    expect((await as.admin!.request({ method: 'GET', url: ent })).json()).toEqual(current);
    // The right types still work, and null still clears.
    expect((await as.admin!.request({ method: 'PATCH', url: ent, payload: { employees: 88, tags: ['专精特新'], address: null } })).statusCode).toBe(200);
  });

  it('refuses wrong JSON types in schema-checked bodies (budgets, caps, amounts, ids)', async () => {
    const before = await policyCount();
    const auto = { ...policy, mode: 'auto', benefit: { amount: 1000 } };
    const cases: Array<[string, Record<string, unknown>, string]> = [
      ['/api/v1/policies', { ...policy, budget: true }, 'budget'],
      ['/api/v1/policies', { ...policy, budget: '0x10' }, 'budget'],
      ['/api/v1/policies', { ...policy, budget: 'Infinity' }, 'budget'],
      ['/api/v1/policies', { ...policy, budget: [100] }, 'budget'],
      ['/api/v1/policies', { ...auto, benefit: { amount: 1000, cap: true } }, 'benefit.cap'],
      ['/api/v1/policies', { ...policy, title: 123 }, 'title'],
      ['/api/v1/policies', { ...policy, keyPoints: 'one' }, 'keyPoints'],
      ['/api/v1/policies', { ...policy, validFrom: null, applyFrom: 20260101 }, 'applyFrom'],
      ['/api/v1/benefits/batches', { policyId: String(applyPolicy), period: '2026' }, 'policyId'],
      ['/api/v1/benefits/batches', { policyId: applyPolicy, period: 2026 }, 'period'],
    ];
    for (const [url, payload, field] of cases) {
      const p = await refused(as.dept!, { method: 'POST', url, payload }, 400, { code: 'VALIDATION_FAILED' });
      expect(p.field, JSON.stringify(payload)).toBe(field);
    }
    expect(await policyCount()).toBe(before);
    await refused(as.enterprise!, { method: 'PATCH', url: `/api/v1/applications/${draftApp}`, payload: { requestedAmountFen: '100' } }, 400, { code: 'VALIDATION_FAILED', field: 'requestedAmountFen' });
    await refused(as.enterprise!, { method: 'PATCH', url: `/api/v1/applications/${draftApp}`, payload: { contactName: { a: 1 } } }, 400, { code: 'VALIDATION_FAILED', field: 'contactName' });
  });

  it('still parses numbers and booleans from query strings and path parameters', async () => {
    const list = await as.dept!.request({ method: 'GET', url: '/api/v1/policies?page=1&pageSize=5&openNow=true' });
    expect(list.statusCode, list.body).toBe(200);
    expect((await as.dept!.request({ method: 'GET', url: `/api/v1/policies/${applyPolicy}` })).statusCode).toBe(200);
    problem(await as.dept!.request({ method: 'GET', url: '/api/v1/policies?pageSize=many' }), 400);
  });
});
