import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findIndustry } from '../../core/codes/industry.ts';
import { findTownship } from '../../core/codes/divisions.ts';
import { testApp, type Session, type TestApp } from '../../server/testing.ts';
import { DEMO_ENTERPRISE_USCC } from '../enterprises/index.ts';
import { ELIGIBLE_EXPORT_HEADER } from './match-stats.ts';

let t: TestApp;
const as: Record<string, Session> = {};
/** A published 区市场监管局 (scjgj) demo policy with eligible enterprises, and its version. */
let policy: { id: number; version: number };

interface Bucket {
  code: string | null;
  name: string;
  count: number;
}
interface Stats {
  policyId: number;
  version: number;
  total: number;
  byStreet: Bucket[];
  byIndustry: Bucket[];
}

async function eligibleRows(): Promise<Array<{ uscc: string; street: string | null; industry: string | null; name: string }>> {
  const r = await sql<{ uscc: string; street: string | null; industry: string | null; name: string }>`
    select m.uscc, e.street, e.industry, e.name from policy_matches m join enterprises e on e.uscc = m.uscc
    where m.policy_id = ${policy.id} and m.version = ${policy.version} and m.status = 'eligible' order by m.uscc`.execute(t.db);
  return r.rows;
}

beforeAll(async () => {
  t = await testApp();
  for (const u of ['admin', 'dept', 'dept2', 'leader', 'enterprise', 'street', 'specialist', 'inspector']) as[u] = await t.login(u);
  const r = await sql<{ id: number; version: number }>`
    select p.id, p.published_version as version from policies p
    where p.department = 'scjgj' and p.status = 'published'
      and (select count(*) from policy_matches m where m.policy_id = p.id and m.version = p.published_version and m.status = 'eligible') >= 5
    order by p.id limit 1`.execute(t.db);
  expect(r.rows.length, 'a published scjgj demo policy with eligible enterprises').toBe(1);
  policy = { id: Number(r.rows[0]!.id), version: Number(r.rows[0]!.version) };
});
afterAll(async () => t?.close());

describe('eligible enterprises of a policy (P-4, issue 5 item 7)', () => {
  it('counts by street and by 门类 agree with the policy_matches rows, with names', async () => {
    const res = await as.dept!.request({ method: 'GET', url: `/api/v1/policies/${policy.id}/matches/stats` });
    expect(res.statusCode, res.body).toBe(200);
    const s = res.json() as Stats;
    const rows = await eligibleRows();
    const { n } = (await sql<{ n: string }>`select count(*) as n from policy_matches where policy_id = ${policy.id} and version = ${policy.version} and status = 'eligible'`.execute(t.db)).rows[0]!;
    expect(s.policyId).toBe(policy.id);
    expect(s.version).toBe(policy.version);
    expect(s.total).toBe(Number(n));
    expect(rows.length).toBe(Number(n));
    expect(s.byStreet.reduce((a, b) => a + b.count, 0)).toBe(s.total);
    expect(s.byIndustry.reduce((a, b) => a + b.count, 0)).toBe(s.total);
    // Each street's count is the number of matched rows in that street, and the name is the township's.
    const perStreet = new Map<string | null, number>();
    for (const r of rows) perStreet.set(r.street, (perStreet.get(r.street) ?? 0) + 1);
    expect(new Map(s.byStreet.map((b) => [b.code, b.count]))).toEqual(perStreet);
    for (const b of s.byStreet) if (b.code) expect(b.name).toBe(findTownship(b.code)?.name ?? b.code);
    const perSection = new Map<string | null, number>();
    for (const r of rows) {
      const sec = r.industry ? r.industry.slice(0, 1) : null;
      perSection.set(sec, (perSection.get(sec) ?? 0) + 1);
    }
    expect(new Map(s.byIndustry.map((b) => [b.code, b.count]))).toEqual(perSection);
    for (const b of s.byIndustry) if (b.code) expect(b.name).toBe(findIndustry(b.code)!.name);
    expect(s.byIndustry.some((b) => /[\u4e00-\u9fa5]/.test(b.name))).toBe(true);
    // Largest first.
    expect(s.byStreet.map((b) => b.count)).toEqual([...s.byStreet.map((b) => b.count)].sort((a, b) => b - a));
    // Admin and leader see the same figures.
    for (const u of ['admin', 'leader']) expect((await as[u]!.request({ method: 'GET', url: `/api/v1/policies/${policy.id}/matches/stats` })).json()).toEqual(s);
  });

  it('pages the list with names, streets and industries, in USCC order', async () => {
    const rows = await eligibleRows();
    const p1 = (await as.dept!.request({ method: 'GET', url: `/api/v1/policies/${policy.id}/matches/enterprises?page=1&pageSize=3` })).json() as { total: number; items: Array<{ uscc: string; name: string; street: string | null; streetName: string | null; industry: string | null; sectionName: string | null }> };
    const p2 = (await as.dept!.request({ method: 'GET', url: `/api/v1/policies/${policy.id}/matches/enterprises?page=2&pageSize=3` })).json() as typeof p1;
    expect(p1.total).toBe(rows.length);
    expect([...p1.items, ...p2.items].map((i) => i.uscc)).toEqual(rows.slice(0, 6).map((r) => r.uscc));
    expect(p1.items[0]!.name).toBe(rows[0]!.name);
    const withStreet = p1.items.find((i) => i.street);
    if (withStreet) expect(withStreet.streetName).toBe(findTownship(withStreet.street!)?.name);
    // The existing USCC-only contract is unchanged.
    const old = (await as.dept!.request({ method: 'GET', url: `/api/v1/policies/${policy.id}/matches?pageSize=3` })).json() as { total: number; items: unknown[] };
    expect(old.total).toBe(rows.length);
    expect(old.items).toEqual(rows.slice(0, 3).map((r) => r.uscc));
    const bad = await as.dept!.request({ method: 'GET', url: `/api/v1/policies/${policy.id}/matches/enterprises?pageSize=1000` });
    expect(bad.statusCode).toBe(400);
  });

  it('exports the full list to Excel with the same rows', async () => {
    const res = await as.dept!.request({ method: 'GET', url: `/api/v1/policies/${policy.id}/matches/export.xlsx` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/spreadsheetml/);
    expect(String(res.headers['content-disposition'])).toContain('attachment');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const ws = wb.worksheets[0]!;
    const table: string[][] = [];
    ws.eachRow((row) => table.push((row.values as unknown[]).slice(1).map((v) => String(v ?? ''))));
    expect(table[0]).toEqual([...ELIGIBLE_EXPORT_HEADER]);
    const rows = await eligibleRows();
    expect(table.length - 1).toBe(rows.length);
    expect(table.slice(1).map((r) => r[0])).toEqual(rows.map((r) => r.uscc));
    expect(table.slice(1).map((r) => r[1])).toEqual(rows.map((r) => r.name));
    const first = rows[0]!;
    if (first.street) expect(table[1]![2]).toBe(findTownship(first.street)?.name ?? first.street);
    if (first.industry) expect(table[1]![3]).toBe(findIndustry(first.industry.slice(0, 1))!.name);
  });

  it('refuses other departments (403), other roles (403) and anonymous callers (401); unknown policy 404', async () => {
    for (const path of ['stats', 'enterprises', 'export.xlsx']) {
      const url = `/api/v1/policies/${policy.id}/matches/${path}`;
      const dept2 = await as.dept2!.request({ method: 'GET', url });
      expect(dept2.statusCode, `dept2 ${path}`).toBe(403);
      expect((dept2.json() as { code: string }).code).toBe('FORBIDDEN');
      for (const u of ['enterprise', 'street', 'specialist', 'inspector']) expect((await as[u]!.request({ method: 'GET', url })).statusCode, `${u} ${path}`).toBe(403);
      expect((await t.app.inject({ method: 'GET', url })).statusCode, `anonymous ${path}`).toBe(401);
      expect((await as.admin!.request({ method: 'GET', url: `/api/v1/policies/999999/matches/${path}` })).statusCode).toBe(404);
    }
  });

  it('GET /policies/{id}/matches follows the same rule: another department gets 403 and none of the list (issue 12 item 2)', async () => {
    const url = `/api/v1/policies/${policy.id}/matches`;
    const mine = await as.dept!.request({ method: 'GET', url });
    expect(mine.statusCode, mine.body).toBe(200);
    const { items } = mine.json() as { items: string[] };
    expect(items.length).toBeGreaterThan(0);
    for (const u of ['admin', 'leader']) expect((await as[u]!.request({ method: 'GET', url })).json(), u).toEqual(mine.json());
    for (const status of ['eligible', 'unknown', 'near']) {
      const res = await as.dept2!.request({ method: 'GET', url: `${url}?status=${status}` });
      expect(res.statusCode, status).toBe(403);
      expect((res.json() as { code: string }).code).toBe('FORBIDDEN');
      for (const uscc of items) expect(res.body).not.toContain(uscc);
    }
  });

  it('a policy with no published version has no eligible enterprises', async () => {
    const res = await as.dept!.request({
      method: 'POST',
      url: '/api/v1/policies',
      payload: { title: '草稿政策（统计测试）', department: 'scjgj', category: '其他', mode: 'apply', keyPoints: [], text: '', eligibility: true, materials: [], tags: [] },
    });
    expect(res.statusCode, res.body).toBe(201);
    const { id } = res.json() as { id: number };
    expect((await as.dept!.request({ method: 'GET', url: `/api/v1/policies/${id}/matches/stats` })).json()).toMatchObject({ total: 0, version: 0, byStreet: [], byIndustry: [] });
    // Another department's draft does not exist for dept2.
    expect((await as.dept2!.request({ method: 'GET', url: `/api/v1/policies/${id}/matches/stats` })).statusCode).toBe(404);
  });
});

describe('benefit 试算 for the formula editor (P-1)', () => {
  const rate = { amount: { '*': [{ var: 'rdSpending' }, 0.05] }, cap: 20_000_000, rounding: 'down' };
  it('computes the amount in fen for one enterprise, with caps and floors', async () => {
    const e = (await sql<{ rd_spending: number }>`select rd_spending from enterprises where uscc = ${DEMO_ENTERPRISE_USCC}`.execute(t.db)).rows[0]!;
    const rd = Number(e.rd_spending);
    const ok = (await as.dept!.request({ method: 'POST', url: '/api/v1/policies/try-benefit', payload: { benefit: { ...rate, cap: undefined }, uscc: DEMO_ENTERPRISE_USCC } })).json() as { status: string; fen: number; capped: boolean };
    expect(ok).toMatchObject({ status: 'ok', fen: Math.floor(rd * 0.05), capped: false });
    const capped = (await as.dept!.request({ method: 'POST', url: '/api/v1/policies/try-benefit', payload: { benefit: { ...rate, cap: 100 }, uscc: DEMO_ENTERPRISE_USCC } })).json() as { fen: number; capped: boolean };
    expect(capped).toMatchObject({ fen: 100, capped: true });
    // A floor is a max() around the amount.
    const floored = (await as.admin!.request({ method: 'POST', url: '/api/v1/policies/try-benefit', payload: { benefit: { amount: { max: [1e12, { '*': [{ var: 'rdSpending' }, 0.05] }] } }, uscc: DEMO_ENTERPRISE_USCC } })).json() as { fen: number };
    expect(floored.fen).toBe(1e12);
  });

  it('rejects an invalid formula, an unknown enterprise and other roles', async () => {
    const bad = await as.dept!.request({ method: 'POST', url: '/api/v1/policies/try-benefit', payload: { benefit: { amount: { '*': [{ var: 'name' }, 2] } }, uscc: DEMO_ENTERPRISE_USCC } });
    expect(bad.statusCode).toBe(400);
    expect((bad.json() as { code: string }).code).toBe('FORMULA_INVALID');
    const missing = await as.dept!.request({ method: 'POST', url: '/api/v1/policies/try-benefit', payload: { benefit: rate, uscc: '91310112MA1G5B2K70' } });
    expect(missing.statusCode).toBe(404);
    expect((await as.enterprise!.request({ method: 'POST', url: '/api/v1/policies/try-benefit', payload: { benefit: rate, uscc: DEMO_ENTERPRISE_USCC } })).statusCode).toBe(403);
    expect((await as.leader!.request({ method: 'POST', url: '/api/v1/policies/try-benefit', payload: { benefit: rate, uscc: DEMO_ENTERPRISE_USCC } })).statusCode).toBe(403);
  });
});
