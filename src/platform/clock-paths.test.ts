// One Asia/Shanghai clock (issue 12 item 18): at 2026-12-02T17:46Z it is 01:46 on
// 3 December in Shanghai, and every calendar date the server works out or
// shows is 2026-12-03 — not the UTC date, which is still the 2nd.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { testApp, type Session, type TestApp } from '../server/testing.ts';

const AT = new Date('2026-12-02T17:46:00Z');
let t: TestApp;
const as: Record<string, Session> = {};
let policyId = 0;

type Page = { sections: Array<{ key: string; items: Array<{ date?: string; link?: string }> }> };

beforeAll(async () => {
  vi.useFakeTimers({ toFake: ['Date'], now: AT, shouldAdvanceTime: true });
  t = await testApp();
  for (const u of ['admin', 'dept', 'dept2', 'enterprise']) as[u] = await t.login(u);
  // Applications close on 2 December; the policy runs until 2 January 2027.
  const body = { title: '时区测试政策', department: 'scjgj', category: '资金补贴', mode: 'apply', keyPoints: ['测试'], text: '<p>测试</p>', validFrom: '2026-01-01', validTo: '2027-01-02', applyFrom: '2026-01-01', applyTo: '2026-12-02', eligibility: true, materials: [], budget: null, tags: [] };
  const created = await as.dept!.request({ method: 'POST', url: '/api/v1/policies', payload: body });
  expect(created.statusCode, created.body).toBe(201);
  policyId = (created.json() as { id: number }).id;
  for (const step of ['submit', 'publish']) expect((await as.dept!.request({ method: 'POST', url: `/api/v1/policies/${policyId}/${step}`, payload: {} })).statusCode).toBe(200);
}, 120_000);
afterAll(async () => {
  await t?.close();
  vi.useRealTimers();
});

describe('calendar dates are Asia/Shanghai dates at 01:46 on 3 December (17:46 UTC on the 2nd)', () => {
  it('an application window that closed on 2 December is no longer open, and a policy ending on 2 January is within the 30-day cleanup list', async () => {
    const open = (await as.dept!.request({ method: 'GET', url: `/api/v1/policies?openNow=true&pageSize=100` })).json() as { items: Array<{ id: number }> };
    expect(open.items.map((p) => p.id)).not.toContain(policyId);
    const cleanup = (await as.dept!.request({ method: 'GET', url: '/api/v1/policies/cleanup' })).json() as { items: Array<{ id: number }> };
    expect(cleanup.items.map((p) => p.id)).toContain(policyId);
    // Applying is refused for the same reason (this path was already on Shanghai time).
    expect(((await as.enterprise!.request({ method: 'POST', url: `/api/v1/policies/${policyId}/applications` })).json() as { code: string }).code).toBe('APPLICATION_WINDOW_CLOSED');
  });

  it('a payment made at 01:46 on 3 December shows on 一企一页 as 2026-12-03', async () => {
    // 区人社局 pays its 稳岗返还 (免申即享) batch.
    const policies = (await as.dept2!.request({ method: 'GET', url: '/api/v1/policies?mode=auto&pageSize=100' })).json() as { items: Array<{ id: number; title: string; department: string; status: string }> };
    const stable = policies.items.find((p) => p.department === 'rsj' && p.status === 'published' && p.title.includes('稳岗'))!;
    const batch = await as.dept2!.request({ method: 'POST', url: '/api/v1/benefits/batches', payload: { policyId: stable.id, period: '2026' } });
    expect([200, 201], batch.body).toContain(batch.statusCode); // the demo data may have computed the draft already
    const id = (batch.json() as { id: number }).id;
    expect((await as.dept2!.request({ method: 'POST', url: `/api/v1/benefits/batches/${id}/approve`, payload: {} })).statusCode).toBe(200);
    expect((await as.dept2!.request({ method: 'POST', url: `/api/v1/benefits/batches/${id}/pay`, payload: {} })).statusCode).toBe(200);
    const paid = await t.db.selectFrom('benefit_ledger').select(['id', 'uscc']).where('batch_id', '=', id).orderBy('uscc').limit(1).executeTakeFirstOrThrow();
    // The ledger stamps the database's own clock: set it to the moment in question.
    await t.db.updateTable('benefit_ledger').set({ paid_at: AT }).where('id', '=', paid.id).execute();
    const page = (await as.admin!.request({ method: 'GET', url: `/api/v1/enterprises/${paid.uscc}/page` })).json() as Page;
    expect(page.sections.find((s) => s.key === 'benefits')?.items[0]?.date).toBe('2026-12-03');
  });

  it('an application last changed at 01:46 on 3 December shows on 一企一页 as 2026-12-03', async () => {
    const open = { title: '时区测试政策（开放）', department: 'scjgj', category: '资金补贴', mode: 'apply', keyPoints: ['测试'], text: '<p>测试</p>', validFrom: '2026-01-01', validTo: '2027-12-31', applyFrom: '2026-01-01', applyTo: '2027-12-31', eligibility: true, materials: [], budget: null, tags: [] };
    const p = (await as.dept!.request({ method: 'POST', url: '/api/v1/policies', payload: open })).json() as { id: number };
    for (const step of ['submit', 'publish']) expect((await as.dept!.request({ method: 'POST', url: `/api/v1/policies/${p.id}/${step}`, payload: {} })).statusCode).toBe(200);
    const app = await as.enterprise!.request({ method: 'POST', url: `/api/v1/policies/${p.id}/applications` });
    expect(app.statusCode, app.body).toBe(201);
    const appId = (app.json() as { id: number; period: string }).id;
    expect((app.json() as { period: string }).period).toBe('2026');
    await t.db.updateTable('applications').set({ updated_at: AT }).where('id', '=', appId).execute();
    const page = (await as.enterprise!.request({ method: 'GET', url: '/api/v1/enterprises/91310112MA1G5B2K7T/page' })).json() as Page;
    expect(page.sections.find((s) => s.key === 'applications')?.items.find((i) => i.link === `/applications/${appId}`)?.date).toBe('2026-12-03');
  });
});
