// SPEC §11 (issue 12 item 1): one masking rule wherever enterprise values leave the server.
// 法定代表人 and attributes the catalog marks personal are shown in full only to admin and the
// enterprise itself — through every path, not only the enterprise views.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ENTERPRISE_USCC } from '../modules/enterprises/index.ts';
import { testApp, type Session, type TestApp } from './testing.ts';

let t: TestApp;
const as: Record<string, Session> = {};
const FULL = '沈立新';
const MASKED = '沈**';
const STAFF = ['dept', 'dept2', 'street', 'specialist', 'inspector', 'leader'] as const;
const PRIVILEGED = ['admin', 'enterprise'] as const;

async function json(s: Session, method: 'GET' | 'POST', url: string, payload?: unknown): Promise<{ status: number; body: string; data: unknown }> {
  const res = await s.request({ method, url, ...(payload === undefined ? {} : { payload: payload as object }) });
  return { status: res.statusCode, body: res.body, data: res.statusCode < 300 ? res.json() : null };
}

/** Dept writes and submits, admin publishes (two people, as for any policy). */
async function publishRule(title: string, eligibility: unknown): Promise<number> {
  const body = { title, department: 'scjgj', category: '其他', mode: 'apply', keyPoints: [], text: '<p>脱敏测试</p>', eligibility, materials: [], tags: [] };
  const created = await as.dept!.request({ method: 'POST', url: '/api/v1/policies', payload: body });
  expect(created.statusCode, created.body).toBe(201);
  const { id } = created.json() as { id: number };
  expect((await as.dept!.request({ method: 'POST', url: `/api/v1/policies/${id}/submit`, payload: {} })).statusCode).toBe(200);
  const pub = await as.admin!.request({ method: 'POST', url: `/api/v1/policies/${id}/publish`, payload: {} });
  expect(pub.statusCode, pub.body).toBe(200);
  return id;
}

interface CheckupItem {
  policyId: number;
  explanation: { status: string; nearMisses: Array<{ changes: Array<{ yours: unknown; text: string; attribute?: string }> }>; tree?: unknown };
}
interface Checkup {
  eligible: CheckupItem[];
  nearMiss: CheckupItem[];
  unknown: CheckupItem[];
}
const ids = (c: Checkup) => ({ eligible: c.eligible.map((i) => i.policyId), nearMiss: c.nearMiss.map((i) => i.policyId), unknown: c.unknown.map((i) => i.policyId) });

beforeAll(async () => {
  t = await testApp();
  for (const u of ['admin', 'enterprise', ...STAFF]) as[u] = await t.login(u);
});
afterAll(async () => t?.close());

describe('application forms (P-7)', () => {
  it('keep the legal representative the enterprise applied with, shown masked to reviewers and leaders', async () => {
    const p = await t.db.selectFrom('policies').select('id').where('code', '=', 'mh-fin-ip-pledge').executeTakeFirstOrThrow();
    const created = await as.enterprise!.request({ method: 'POST', url: `/api/v1/policies/${p.id}/applications`, payload: {} });
    expect(created.statusCode, created.body).toBe(201);
    const { id, form } = created.json() as { id: number; form: { legalRep: string } };
    expect(form.legalRep).toBe(FULL);
    for (const u of PRIVILEGED) expect(((await json(as[u]!, 'GET', `/api/v1/applications/${id}`)).data as { form: { legalRep: string } }).form.legalRep, u).toBe(FULL);
    for (const u of ['dept', 'leader']) {
      const r = await json(as[u]!, 'GET', `/api/v1/applications/${id}`);
      expect(r.status, u).toBe(200);
      expect((r.data as { form: { legalRep: string } }).form.legalRep, u).toBe(MASKED);
      expect(r.body, u).not.toContain(FULL);
    }
  });
});

describe('试算 (POST /policies/try)', () => {
  it('explains a rule over the legal representative without quoting it to a department', async () => {
    const rule = { '==': [{ var: 'legalRep' }, '张三'] };
    const dept = await json(as.dept!, 'POST', '/api/v1/policies/try', { eligibility: rule, uscc: DEMO_ENTERPRISE_USCC });
    expect(dept.status, dept.body).toBe(200);
    expect(dept.body).not.toContain(FULL);
    expect(dept.body).toContain(MASKED);
    const ex = (dept.data as { explanation: { status: string; tree: { attributes: Array<{ name: string; value: unknown }> } } }).explanation;
    expect(ex.status).toBe('false');
    expect(ex.tree.attributes).toEqual([expect.objectContaining({ name: 'legalRep', value: MASKED })]);
    const admin = await json(as.admin!, 'POST', '/api/v1/policies/try', { eligibility: rule, uscc: DEMO_ENTERPRISE_USCC });
    expect(admin.body).toContain(FULL);
  });
});

describe('政策体检 once a published rule reads the legal representative', () => {
  let nearId = 0;
  let trueId = 0;
  beforeAll(async () => {
    // A near miss for the demo enterprise (its value is quoted as "yours") and a rule it meets.
    nearId = await publishRule('脱敏测试：法定代表人差一点', { '==': [{ var: 'legalRep' }, '张三'] });
    trueId = await publishRule('脱敏测试：法定代表人符合', { in: ['立', { var: 'legalRep' }] });
  });

  it('quotes it in full to the enterprise itself and admin', async () => {
    for (const u of PRIVILEGED) {
      for (const q of ['', '?detail=full']) {
        const r = await json(as[u]!, 'GET', `/api/v1/enterprises/${DEMO_ENTERPRISE_USCC}/policy-checkup${q}`);
        expect(r.status, `${u}${q}`).toBe(200);
        const near = (r.data as Checkup).nearMiss.find((i) => i.policyId === nearId)!;
        expect(near.explanation.nearMisses[0]!.changes[0]!.yours, `${u}${q}`).toBe(FULL);
      }
    }
  });

  it('masks it for street, inspector and every other staff role, at every detail level, with the same outcomes', async () => {
    const own = (await json(as.enterprise!, 'GET', `/api/v1/enterprises/${DEMO_ENTERPRISE_USCC}/policy-checkup?nearMissLimit=10000`)).data as Checkup;
    expect(ids(own).eligible).toContain(trueId);
    expect(ids(own).nearMiss).toContain(nearId);
    for (const u of ['street', 'inspector', 'dept', 'leader', 'specialist']) {
      for (const q of ['?nearMissLimit=10000', '?nearMissLimit=10000&detail=full', '?detail=full', '']) {
        const r = await json(as[u]!, 'GET', `/api/v1/enterprises/${DEMO_ENTERPRISE_USCC}/policy-checkup${q}`);
        expect(r.status, `${u}${q}`).toBe(200);
        expect(r.body, `${u}${q}`).not.toContain(FULL);
        const c = r.data as Checkup;
        const near = c.nearMiss.find((i) => i.policyId === nearId)!;
        expect(near.explanation.nearMisses[0]!.changes[0]).toMatchObject({ yours: MASKED, attribute: 'legalRep' });
        expect(near.explanation.nearMisses[0]!.changes[0]!.text).toContain(MASKED);
        if (q.startsWith('?nearMissLimit=10000')) expect(ids(c), `${u}${q}`).toEqual(ids(own));
      }
    }
  });
});

describe('attributes added at runtime as personal data', () => {
  const ID = '310101199001011234';
  const ID_MASKED = '3' + '*'.repeat(17);

  it('are masked like the legal representative: views, page, history, exports', async () => {
    const bad = await as.admin!.request({ method: 'POST', url: '/api/v1/enterprise-attributes', payload: { key: 'legalRepAge', label: '法定代表人年龄', type: 'number', personal: true } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ field: 'personal' });
    const def = await as.admin!.request({ method: 'POST', url: '/api/v1/enterprise-attributes', payload: { key: 'legalRepId', label: '法定代表人身份证号', type: 'text', personal: true } });
    expect(def.statusCode, def.body).toBe(201);
    expect(def.json()).toMatchObject({ key: 'legalRepId', personal: true });
    const patched = await as.admin!.request({ method: 'PATCH', url: `/api/v1/enterprises/${DEMO_ENTERPRISE_USCC}`, payload: { legalRepId: ID } });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()).toMatchObject({ attrs: { legalRepId: ID } });

    const urls = [`/api/v1/enterprises/${DEMO_ENTERPRISE_USCC}`, `/api/v1/enterprises/${DEMO_ENTERPRISE_USCC}/page`, `/api/v1/enterprises/${DEMO_ENTERPRISE_USCC}/history`, `/api/v1/enterprises/export.csv?q=${encodeURIComponent('闵欣')}`, `/api/v1/enterprises?q=${encodeURIComponent('闵欣')}`];
    for (const url of urls) {
      for (const u of ['dept', 'street', 'leader']) {
        const r = await as[u]!.request({ method: 'GET', url });
        expect(r.statusCode, `${u} ${url}`).toBe(200);
        expect(r.body, `${u} ${url}`).not.toContain(ID);
        expect(r.body, `${u} ${url}`).toContain(ID_MASKED);
      }
      for (const u of PRIVILEGED) expect((await as[u]!.request({ method: 'GET', url })).body, `${u} ${url}`).toContain(ID);
    }
    const rule = { '==': [{ var: 'legalRepId' }, '0'] };
    const tried = await json(as.dept!, 'POST', '/api/v1/policies/try', { eligibility: rule, uscc: DEMO_ENTERPRISE_USCC });
    expect(tried.status, tried.body).toBe(200);
    expect(tried.body).not.toContain(ID);
    expect(tried.body).toContain(ID_MASKED);
  });
});
