// GET /api/v1/policies?q=… (SPEC P-3) — what the one-statement search page
// (window count, ranked ids joined back) must keep: an exact total that agrees
// with the pages, pages that cover every match once, a page past the end that
// stays empty instead of falling back to a looser query, the visibility rules
// in both the items and the total, and filters combined with the query.
// Runs on PGlite and, with QIFU_TEST_DB=pg, on native PostgreSQL.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type Session, type TestApp } from '../../server/testing.ts';

let t: TestApp;
let dept: Session;
let admin: Session;

interface Page {
  total: number;
  searchMode?: string;
  items: Array<{ id: number; title: string; category: string; status: string; keyPoints: string[]; highlight?: Array<{ text: string; hit: boolean }> }>;
}

async function search(query: Record<string, string | number>, s?: Session): Promise<Page> {
  const url = `/api/v1/policies?${new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)])).toString()}`;
  const res = s ? await s.request({ method: 'GET', url }) : await t.app.inject({ method: 'GET', url });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as Page;
}

const DRAFT_TITLE = '闵行区关于支持量子计算企业发展的若干措施';
let draftId = 0;

beforeAll(async () => {
  t = await testApp();
  admin = await t.login('admin');
  dept = await t.login('dept');
  const res = await dept.request({
    method: 'POST',
    url: '/api/v1/policies',
    payload: { title: DRAFT_TITLE, department: 'scjgj', category: '科技创新', mode: 'apply', keyPoints: ['量子计算研发补贴'], text: '<p>支持量子计算企业。</p>', eligibility: true, materials: [], tags: [] },
  });
  expect(res.statusCode, res.body).toBe(201);
  draftId = (res.json() as { id: number }).id;
});
afterAll(async () => t?.close());

describe('policy search pages (P-3, SPEC §9)', () => {
  it('reports the exact number of visible matches, and its pages cover each of them once, best first', async () => {
    const first = await search({ q: '补贴', pageSize: 7 });
    expect(first.searchMode).toBe('all');
    // Independent count: the same condition written out by hand, visible = published or expired.
    const direct = await sql<{ n: number }>`select count(*)::int as n from policies where status in ('published', 'expired') and search_doc @@ plainto_tsquery('simple', '补贴')`.execute(t.db);
    expect(first.total).toBe(direct.rows[0]!.n);
    expect(first.total).toBeGreaterThan(7);
    const ids: number[] = [];
    for (let page = 1; page <= Math.ceil(first.total / 7); page++) {
      const p = await search({ q: '补贴', pageSize: 7, page });
      expect(p.total).toBe(first.total);
      expect(p.searchMode).toBe('all');
      ids.push(...p.items.map((i) => i.id));
    }
    expect(ids).toHaveLength(first.total);
    expect(new Set(ids).size).toBe(first.total);
    // Title or key-point hits rank above body-only hits.
    const head = (i: Page['items'][number]) => /补贴/.test(i.title) || i.keyPoints.some((k) => /补贴/.test(k));
    expect(head(first.items[0]!)).toBe(true);
    const all = [...first.items];
    const lastHead = all.map(head).lastIndexOf(true);
    const firstBody = all.map(head).indexOf(false);
    if (firstBody >= 0) expect(lastHead).toBeLessThan(firstBody);
  });

  it('a page past the last match is empty and keeps the total and the strict mode (no fallback to a looser query)', async () => {
    const first = await search({ q: '融资担保', pageSize: 5 });
    expect(first.searchMode).toBe('all');
    expect(first.total).toBeGreaterThan(0);
    const past = await search({ q: '融资担保', pageSize: 5, page: Math.ceil(first.total / 5) + 1 });
    expect(past.items).toEqual([]);
    expect(past.total).toBe(first.total);
    expect(past.searchMode).toBe('all');
    // Nothing at all for the strict query: the fallbacks still run (typo → corrected).
    const typo = await search({ q: '融资担宝', pageSize: 5 });
    expect(typo.searchMode).toBe('corrected');
    expect(typo.total).toBe(first.total);
    expect(typo.items.map((i) => i.id)).toEqual(first.items.map((i) => i.id));
  });

  it('drafts count and show only for whoever may see them: anonymous never, the owning department and admin yes', async () => {
    const anon = await search({ q: '量子计算' });
    expect(anon.items.map((i) => i.id)).not.toContain(draftId);
    const own = await search({ q: '量子计算' }, dept);
    expect(own.searchMode).toBe('all');
    expect(own.total).toBe(1);
    expect(own.items.map((i) => [i.id, i.status])).toEqual([[draftId, 'draft']]);
    expect(own.items[0]!.highlight?.some((h) => h.hit && h.text.includes('量子'))).toBe(true);
    const other = await search({ q: '量子计算' }, await t.login('dept2'));
    expect(other.items.map((i) => i.id)).not.toContain(draftId);
    expect((await search({ q: '量子计算' }, admin)).items.map((i) => i.id)).toEqual([draftId]);
  });

  it('filters combine with the query in both the items and the total', async () => {
    const all = await search({ q: '补贴', pageSize: 100 });
    const fin = await search({ q: '补贴', category: '融资支持', pageSize: 100 });
    expect(fin.total).toBeGreaterThan(0);
    expect(fin.total).toBeLessThan(all.total);
    expect(fin.items).toHaveLength(fin.total);
    expect(fin.items.every((i) => i.category === '融资支持')).toBe(true);
    expect(fin.items.map((i) => i.id).every((id) => all.items.some((a) => a.id === id))).toBe(true);
    const none = await search({ q: '融资担保', category: '人才' });
    expect(none.items.every((i) => i.category === '人才')).toBe(true);
  });

  it('bad paging input is refused with a clear error', async () => {
    for (const qs of ['q=补贴&page=0', 'q=补贴&pageSize=101', `q=${'补'.repeat(101)}`]) {
      const res = await t.app.inject({ method: 'GET', url: `/api/v1/policies?${encodeURI(qs)}` });
      expect(res.statusCode, qs).toBe(400);
    }
  });
});
