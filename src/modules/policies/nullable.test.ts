import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../../server/testing.ts';

let t: TestApp;
beforeAll(async () => {
  t = await testApp();
});
afterAll(async () => t?.close());

// Bodies are validated with type coercion on (for query strings): a nullable field must
// keep null, not become 0 or "" — a budget of null means "no cap", 0 means "nothing to pay".
describe('nullable policy fields stay null', () => {
  it('stores budget, document number and dates sent as null as null', async () => {
    const dept = await t.login('dept');
    const res = await dept.request({
      method: 'POST',
      url: '/api/v1/policies',
      payload: { title: '无预算上限的政策', department: 'scjgj', category: '其他', mode: 'auto', keyPoints: [], text: '', docNumber: null, validFrom: null, validTo: null, eligibility: { '==': [{ var: 'status' }, '存续'] }, benefit: null, budget: null, reviewRules: null, contact: null, materials: [], tags: [] },
    });
    expect(res.statusCode, res.body).toBe(201);
    const { id } = res.json() as { id: number };
    const row = await t.db.selectFrom('policies').select('content').where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.content).toMatchObject({ budget: null, docNumber: null, validTo: null, benefit: null, reviewRules: null, contact: null });
  });
});
