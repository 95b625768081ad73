import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type Session, type TestApp } from '../../server/testing.ts';
import { DEMO_ENTERPRISE_USCC } from '../enterprises/index.ts';
import { paymentFor } from './index.ts';

// P-5 over HTTP: compute → approve → pay, scope, bad input, 已享受.
let t: TestApp;
const as: Record<string, Session> = {};
let spec: number; // scjgj, 免申即享, small budget, includes the demo enterprise
let stable: number; // rsj demo policy 稳岗返还 (免申即享)
let applyPolicy: number;

const OTHER_USCC = '91310112MA1GB0000X';
const auditCount = async () => Number((await t.db.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
const batchCount = async () => Number((await t.db.selectFrom('benefit_batches').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

async function publish(body: Record<string, unknown>, s: Session): Promise<number> {
  const res = await s.request({ method: 'POST', url: '/api/v1/policies', payload: body });
  expect(res.statusCode, res.body).toBe(201);
  const { id } = res.json() as { id: number };
  expect((await s.request({ method: 'POST', url: `/api/v1/policies/${id}/submit`, payload: {} })).statusCode).toBe(200);
  expect((await s.request({ method: 'POST', url: `/api/v1/policies/${id}/publish`, payload: {} })).statusCode).toBe(200);
  return id;
}

const specBody = {
  title: '专精特新企业稳岗奖励（测试）',
  department: 'scjgj',
  category: '资金补贴',
  mode: 'auto',
  keyPoints: ['按从业人数奖励'],
  text: '<p>免申即享</p>',
  validFrom: '2026-01-01',
  validTo: '2099-12-31',
  eligibility: { and: [{ in: ['专精特新', { var: 'tags' }] }, { in: [{ var: 'status' }, ['存续', '在业']] }] },
  benefit: { amount: { '*': [{ var: 'employees' }, 1000] }, rounding: 'down' },
  budget: 1_500_000,
  materials: [],
  tags: [],
};

beforeAll(async () => {
  t = await testApp();
  for (const u of ['admin', 'dept', 'dept2', 'leader', 'enterprise', 'street', 'specialist']) as[u] = await t.login(u);
  spec = await publish(specBody, as.dept!);
  stable = Number((await t.db.selectFrom('policies').select('id').where('code', '=', 'mh-emp-stable-jobs').executeTakeFirstOrThrow()).id);
  applyPolicy = Number((await t.db.selectFrom('policies').select('id').where('code', '=', 'mh-fin-ip-pledge').executeTakeFirstOrThrow()).id);
});
afterAll(async () => t?.close());

describe('兑付批次 access (P-5, §0)', () => {
  it('needs a login, and a staff role', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/benefits/batches' })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'GET', url: `/api/v1/enterprises/${DEMO_ENTERPRISE_USCC}/benefits` })).statusCode).toBe(401);
    for (const u of ['enterprise', 'street', 'specialist']) {
      expect((await as[u]!.request({ method: 'GET', url: '/api/v1/benefits/batches' })).statusCode, u).toBe(403);
      expect((await as[u]!.request({ method: 'POST', url: '/api/v1/benefits/batches', payload: { policyId: spec, period: '2026' } })).statusCode, u).toBe(403);
    }
    expect((await as.leader!.request({ method: 'POST', url: '/api/v1/benefits/batches', payload: { policyId: spec, period: '2026' } })).statusCode).toBe(403);
    expect(await batchCount()).toBe(0);
  });
});

describe('compute → approve → pay (P-5)', () => {
  let batch: number;
  let b27: { id: number; payableFen: number };

  it('rejects bad input and another department with a clear error, creating nothing', async () => {
    const before = await auditCount();
    const cases: Array<[Session, Record<string, unknown>, number, string]> = [
      [as.dept!, { policyId: spec, period: '2026-13' }, 400, 'VALIDATION_FAILED'],
      // Out of the sensible years (issue 12 item 14).
      [as.dept!, { policyId: spec, period: '0000' }, 400, 'VALIDATION_FAILED'],
      [as.dept!, { policyId: spec, period: '9999' }, 400, 'VALIDATION_FAILED'],
      [as.dept!, { policyId: spec, period: '1999-12' }, 400, 'VALIDATION_FAILED'],
      [as.dept!, { policyId: spec }, 400, 'VALIDATION_FAILED'],
      [as.dept!, { policyId: 999_999, period: '2026' }, 404, 'NOT_FOUND'],
      [as.dept2!, { policyId: spec, period: '2026' }, 403, 'FORBIDDEN'],
      [as.dept!, { policyId: stable, period: '2026' }, 403, 'FORBIDDEN'],
    ];
    for (const [s, payload, status, code] of cases) {
      const res = await s.request({ method: 'POST', url: '/api/v1/benefits/batches', payload });
      expect(res.statusCode, JSON.stringify(payload)).toBe(status);
      expect((res.json() as { code: string }).code).toBe(code);
      if (code === 'VALIDATION_FAILED' && 'period' in payload) expect((res.json() as { field?: string }).field).toBe('period');
    }
    expect(await batchCount()).toBe(0);
    expect(await auditCount()).toBe(before);
  });

  it('computes one batch per policy and period, in the stated order, with the budget cap', async () => {
    const res = await as.dept!.request({ method: 'POST', url: '/api/v1/benefits/batches', payload: { policyId: spec, period: '2026' } });
    expect(res.statusCode, res.body).toBe(200);
    const b = res.json() as { id: number; status: string; version: number; itemCount: number; payableFen: number; payableCount: number; waitingCount: number; budgetFen: number };
    batch = b.id;
    expect(b).toMatchObject({ status: 'draft', version: 1, budgetFen: 1_500_000 });
    expect(b.payableFen).toBeLessThanOrEqual(1_500_000);
    expect(b.waitingCount).toBeGreaterThan(0);
    const again = await as.admin!.request({ method: 'POST', url: '/api/v1/benefits/batches', payload: { policyId: spec, period: '2026' } });
    expect((again.json() as { id: number; recomputed: boolean }).id).toBe(batch);
    expect(await batchCount()).toBe(1);
    const detail = (await as.dept!.request({ method: 'GET', url: `/api/v1/benefits/batches/${batch}?pageSize=200` })).json() as { itemsTotal: number; items: Array<{ seq: number; uscc: string; amountFen: number; state: string; reason: string | null }> };
    expect(detail.itemsTotal).toBe(b.itemCount);
    const rows = await t.db.selectFrom('enterprises').select(['uscc', 'established']).where('uscc', 'in', detail.items.map((i) => i.uscc)).execute();
    const est = new Map(rows.map((r) => [r.uscc, r.established ?? '9999']));
    const keys = detail.items.map((i) => `${est.get(i.uscc)}|${i.uscc}`);
    expect(keys).toEqual([...keys].sort());
    const states = detail.items.map((i) => i.state);
    expect(states.lastIndexOf('pending')).toBeLessThan(states.indexOf('waiting_budget'));
    expect(detail.items.find((i) => i.state === 'waiting_budget')!.reason).toMatch(/预算/);
    expect(detail.items.find((i) => i.uscc === DEMO_ENTERPRISE_USCC)).toMatchObject({ amountFen: 86_000 });
    const page2 = (await as.dept!.request({ method: 'GET', url: `/api/v1/benefits/batches/${batch}?page=2&pageSize=2` })).json() as { items: Array<{ seq: number }> };
    expect(page2.items.map((i) => i.seq)).toEqual([3, 4]);
    // Another period of the same policy, planned against the same budget while both are drafts.
    b27 = (await as.dept!.request({ method: 'POST', url: '/api/v1/benefits/batches', payload: { policyId: spec, period: '2027' } })).json() as { id: number; payableFen: number };
    expect(b27.payableFen).toBeGreaterThan(0);
  });

  it('shows batches by department: dept only its own, leader and admin all; detail of another department is 403', async () => {
    const rsj = await as.dept2!.request({ method: 'POST', url: '/api/v1/benefits/batches', payload: { policyId: stable, period: '2026' } });
    expect(rsj.statusCode, rsj.body).toBe(200);
    const rsjId = (rsj.json() as { id: number }).id;
    const ids = async (s: Session) => ((await s.request({ method: 'GET', url: '/api/v1/benefits/batches' })).json() as { items: Array<{ id: number }> }).items.map((i) => i.id).sort((a, b) => a - b);
    const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
    expect(await ids(as.dept!)).toEqual(sorted([batch, b27.id]));
    expect(await ids(as.dept2!)).toEqual([rsjId]);
    expect(await ids(as.leader!)).toEqual(sorted([batch, b27.id, rsjId]));
    expect(await ids(as.admin!)).toEqual(sorted([batch, b27.id, rsjId]));
    expect((await as.dept2!.request({ method: 'GET', url: `/api/v1/benefits/batches/${batch}` })).statusCode).toBe(403);
    expect((await as.leader!.request({ method: 'GET', url: `/api/v1/benefits/batches/${batch}` })).statusCode).toBe(200);
    expect((await as.dept!.request({ method: 'GET', url: '/api/v1/benefits/batches/999999' })).statusCode).toBe(404);
  });

  it('exports the items to Excel', async () => {
    const res = await as.dept!.request({ method: 'GET', url: `/api/v1/benefits/batches/${batch}/items.xlsx` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/spreadsheetml/);
    expect(res.rawPayload.subarray(0, 2).toString()).toBe('PK');
    expect((await as.dept2!.request({ method: 'GET', url: `/api/v1/benefits/batches/${batch}/items.xlsx` })).statusCode).toBe(403);
  });

  it('refuses to pay a draft, another department’s approval, and a second approval — nothing changed', async () => {
    const before = await auditCount();
    const pay = await as.dept!.request({ method: 'POST', url: `/api/v1/benefits/batches/${batch}/pay` });
    expect(pay.statusCode).toBe(409);
    expect((pay.json() as { code: string }).code).toBe('BATCH_NOT_APPROVED');
    expect((await as.dept2!.request({ method: 'POST', url: `/api/v1/benefits/batches/${batch}/approve` })).statusCode).toBe(403);
    expect((await as.leader!.request({ method: 'POST', url: `/api/v1/benefits/batches/${batch}/approve` })).statusCode).toBe(403);
    expect(await auditCount()).toBe(before);
    const ok = await as.dept!.request({ method: 'POST', url: `/api/v1/benefits/batches/${batch}/approve` });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ status: 'approved', approvedBy: 'dept' });
    const afterApprove = await auditCount();
    // Double click: a clear 409, nothing changed.
    const twice = await as.dept!.request({ method: 'POST', url: `/api/v1/benefits/batches/${batch}/approve` });
    expect(twice.statusCode).toBe(409);
    expect(twice.json()).toMatchObject({ code: 'BATCH_BAD_TRANSITION', status: 409, batchStatus: 'approved' });
    expect((twice.json() as { detail: string }).detail).toMatch(/已审核/);
    expect(await auditCount()).toBe(afterApprove);
    // An approved batch is not recomputed.
    const row = await t.db.selectFrom('benefit_batches').select('computed_at').where('id', '=', batch).executeTakeFirstOrThrow();
    const re = await as.dept!.request({ method: 'POST', url: '/api/v1/benefits/batches', payload: { policyId: spec, period: '2026' } });
    expect(re.json()).toMatchObject({ id: batch, status: 'approved', recomputed: false });
    expect((await t.db.selectFrom('benefit_batches').select('computed_at').where('id', '=', batch).executeTakeFirstOrThrow()).computed_at).toEqual(row.computed_at);
  });

  it('refuses to approve a batch whose amount no longer fits the budget', async () => {
    // Period 2027 was planned against the whole budget, but 2026 (approved) now owes most of it.
    const before = await auditCount();
    const res = await as.dept!.request({ method: 'POST', url: `/api/v1/benefits/batches/${b27.id}/approve` });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'BUDGET_EXCEEDED' });
    expect((res.json() as { detail: string }).detail).toMatch(/可用预算/);
    expect((await t.db.selectFrom('benefit_batches').select('status').where('id', '=', b27.id).executeTakeFirstOrThrow()).status).toBe('draft');
    expect(await auditCount()).toBe(before);
    // Recomputed, it waits for budget instead.
    const re = (await as.dept!.request({ method: 'POST', url: '/api/v1/benefits/batches', payload: { policyId: spec, period: '2027' } })).json() as { id: number; recomputed: boolean; payableFen: number; availableFen: number };
    expect(re).toMatchObject({ id: b27.id, recomputed: true });
    expect(re.payableFen).toBeLessThanOrEqual(re.availableFen);
  });

  it('pays exactly once: a second pay changes nothing; the ledger names the version', async () => {
    const res = await as.dept!.request({ method: 'POST', url: `/api/v1/benefits/batches/${batch}/pay` });
    expect(res.statusCode, res.body).toBe(200);
    const paid = res.json() as { status: string; paidCount: number; payableCount: number; paidFen: number; payableFen: number; paidNow: number };
    expect(paid.status).toBe('paid');
    expect(paid.paidCount).toBe(paid.payableCount);
    expect(paid.paidFen).toBe(paid.payableFen);
    const before = await auditCount();
    const again = (await as.dept!.request({ method: 'POST', url: `/api/v1/benefits/batches/${batch}/pay` })).json() as { paidNow: number; paidCount: number };
    expect(again).toMatchObject({ paidNow: 0, paidCount: paid.paidCount });
    expect(await auditCount()).toBe(before);
    expect((await as.dept!.request({ method: 'POST', url: `/api/v1/benefits/batches/${batch}/approve` })).statusCode).toBe(409);
    const p = await paymentFor(t.db, { policyId: spec, period: '2026', uscc: DEMO_ENTERPRISE_USCC });
    expect(p).toMatchObject({ amountFen: 86_000, batchId: batch, version: 1 });
  });

  it('shows 已享受 to the enterprise itself (amount and version) and per scope to staff', async () => {
    const mine = await as.enterprise!.request({ method: 'GET', url: `/api/v1/enterprises/${DEMO_ENTERPRISE_USCC}/benefits` });
    expect(mine.statusCode).toBe(200);
    expect(mine.json()).toEqual([expect.objectContaining({ policyId: spec, title: specBody.title, version: 1, period: '2026', amountFen: 86_000 })]);
    const other = await t.db.selectFrom('enterprises').select('uscc').where('uscc', '<>', DEMO_ENTERPRISE_USCC).limit(1).executeTakeFirstOrThrow();
    expect((await as.enterprise!.request({ method: 'GET', url: `/api/v1/enterprises/${other.uscc}/benefits` })).statusCode).toBe(403);
    expect((await as.enterprise!.request({ method: 'GET', url: `/api/v1/enterprises/${OTHER_USCC}/benefits` })).statusCode).toBe(404);
    expect((await as.street!.request({ method: 'GET', url: `/api/v1/enterprises/${DEMO_ENTERPRISE_USCC}/benefits` })).statusCode).toBe(200); // 莘庄镇
    expect((await as.dept2!.request({ method: 'GET', url: `/api/v1/enterprises/${DEMO_ENTERPRISE_USCC}/benefits` })).statusCode).toBe(200);
    const page = (await as.enterprise!.request({ method: 'GET', url: `/api/v1/enterprises/${DEMO_ENTERPRISE_USCC}/page` })).json() as { sections: Array<{ key: string; title: string; items: Array<{ status?: string; detail?: string }> }> };
    const section = page.sections.find((s) => s.key === 'benefits')!;
    expect(section.title).toBe('已享受');
    expect(section.items[0]).toMatchObject({ status: '已享受 860.00 元', detail: '第 1 版 · 2026' });
  });

  it('builds an apply-mode batch from the recorded claims', async () => {
    await t.db.transaction().execute(async (tx) => {
      const { recordClaim } = await import('./index.ts');
      await recordClaim(tx, { policyId: applyPolicy, version: 1, period: '2026-H2', uscc: DEMO_ENTERPRISE_USCC, amountFen: 123_400, applicationId: 1 });
    });
    const admin = as.admin!;
    const b = (await admin.request({ method: 'POST', url: '/api/v1/benefits/batches', payload: { policyId: applyPolicy, period: '2026-H2' } })).json() as { id: number; source: string; itemCount: number; payableFen: number };
    expect(b).toMatchObject({ source: 'apply', itemCount: 1, payableFen: 123_400 });
    expect((await admin.request({ method: 'POST', url: `/api/v1/benefits/batches/${b.id}/approve` })).statusCode).toBe(200);
    expect((await admin.request({ method: 'POST', url: `/api/v1/benefits/batches/${b.id}/pay` })).json()).toMatchObject({ status: 'paid', paidFen: 123_400 });
    expect(await paymentFor(t.db, { policyId: applyPolicy, period: '2026-H2', uscc: DEMO_ENTERPRISE_USCC })).toMatchObject({ amountFen: 123_400, version: 1 });
    // The period is closed now: a late claim is refused rather than silently left out.
    const { recordClaim } = await import('./index.ts');
    await expect(t.db.transaction().execute((tx) => recordClaim(tx, { policyId: applyPolicy, version: 1, period: '2026-H2', uscc: OTHER_USCC, amountFen: 1 }))).rejects.toMatchObject({ code: 'BATCH_CLOSED' });
  });
});
