import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowRecord } from '../../core/rules/index.ts';
import { testApp, type Session, type TestApp } from '../../server/testing.ts';
import { DEMO_ENTERPRISE_USCC } from '../enterprises/index.ts';
import { DEFAULT_NEAR_MISS_LIMIT, policyCheckup, policyCheckupBytes, policyCheckupJson, type Checkup } from './checkup.ts';
import { matchingService } from './matching.ts';
import { preparePolicies } from './policy-set.ts';

let t: TestApp;
let enterprise: Session;

beforeAll(async () => {
  t = await testApp();
  enterprise = await t.login('enterprise');
});
afterAll(async () => t?.close());

async function checkup(query = ''): Promise<Checkup> {
  const res = await enterprise.request({ method: 'GET', url: `/api/v1/enterprises/${DEMO_ENTERPRISE_USCC}/policy-checkup${query}` });
  expect(res.statusCode, res.body).toBe(200);
  expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
  return res.json() as Checkup;
}

const changesOf = (i: Checkup['nearMiss'][number]): number => i.explanation.nearMisses[0]!.changes.length;

describe('政策体检 response (P-4)', () => {
  it('lists every eligible and unknown policy, the nearest near misses, and the totals', async () => {
    const all = await checkup('?nearMissLimit=10000');
    const c = await checkup();
    expect(c.totals).toEqual({ eligible: c.eligible.length, nearMiss: all.nearMiss.length, unknown: c.unknown.length });
    expect(all.totals).toEqual(c.totals);
    expect(c.nearMiss.length).toBe(Math.min(DEFAULT_NEAR_MISS_LIMIT, all.nearMiss.length));
    expect(all.nearMiss.length).toBeGreaterThan(DEFAULT_NEAR_MISS_LIMIT); // the demo enterprise has more than the default shows
    // The default shows the head of the full list, which runs from one change to two.
    expect(c.nearMiss.map((i) => i.policyId)).toEqual(all.nearMiss.slice(0, c.nearMiss.length).map((i) => i.policyId));
    const sizes = all.nearMiss.map(changesOf);
    expect([...sizes].sort((a, b) => a - b)).toEqual(sizes);
    expect(sizes.every((n) => n === 1 || n === 2)).toBe(true);
    // Every list item names the policy, version, title and its explanation.
    for (const item of [...c.eligible, ...c.nearMiss, ...c.unknown]) expect(item).toMatchObject({ policyId: expect.any(Number), version: expect.any(Number), title: expect.any(String), explanation: { status: expect.any(String) } });
    expect((await checkup('?nearMissLimit=0')).nearMiss).toEqual([]);
  });

  it('refuses a bad limit without answering', async () => {
    for (const q of ['?nearMissLimit=-1', '?nearMissLimit=abc', '?nearMissLimit=10001', '?nearMissLimit=1.5']) {
      const res = await enterprise.request({ method: 'GET', url: `/api/v1/enterprises/${DEMO_ENTERPRISE_USCC}/policy-checkup${q}` });
      expect(res.statusCode, q).toBe(400);
      expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
    }
  });

  it('writes the same JSON from cached pieces as the object form, for every demo enterprise', async () => {
    const snap = await matchingService(t.db).snapshot();
    expect(snap.store.rows).toBeGreaterThan(1000);
    let near = 0;
    for (let row = 0; row < snap.store.rows; row++) {
      const record = rowRecord(snap.store, row);
      for (const nearMissLimit of [0, 3, 10_000]) {
        const want = JSON.stringify(policyCheckup(snap, record, { nearMissLimit }));
        expect(policyCheckupJson(snap, record, { nearMissLimit })).toBe(want);
      }
      near += policyCheckup(snap, record, { nearMissLimit: 10_000 }).nearMiss.length;
    }
    expect(near).toBeGreaterThan(0);
  });

  it('keeps every response intact while later ones are written (responses are cut from a shared slab)', async () => {
    const snap = await matchingService(t.db).snapshot();
    const rows = [...Array(snap.store.rows).keys()];
    // Held all at once, as responses waiting in sockets are: enough of them to fill several slabs.
    const held = [0, 10_000].flatMap((nearMissLimit) => rows.map((row) => ({ row, nearMissLimit, body: policyCheckupBytes(snap, rowRecord(snap.store, row), { nearMissLimit }) })));
    expect(held.reduce((n, h) => n + h.body.length, 0)).toBeGreaterThan(1024 * 1024);
    for (const { row, nearMissLimit, body } of held) expect(body.toString('utf8')).toBe(JSON.stringify(policyCheckup(snap, rowRecord(snap.store, row), { nearMissLimit })));
  });

  it('gives the same answer from a record of just the attributes the policies read', async () => {
    const snap = await matchingService(t.db).snapshot();
    for (let row = 0; row < 300; row++) {
      expect(policyCheckupBytes(snap, rowRecord(snap.store, row, snap.reads)).equals(policyCheckupBytes(snap, rowRecord(snap.store, row)))).toBe(true);
    }
    // A new policy set (here: the first five policies) is answered on its own terms.
    const fewer = preparePolicies(snap.policies.slice(0, 5), snap.catalog, snap.today);
    const got = JSON.parse(policyCheckupJson(fewer, rowRecord(snap.store, 0))) as Checkup;
    expect(got.totals.eligible + got.totals.nearMiss + got.totals.unknown).toBeLessThanOrEqual(5);
  });

  it('the API (hot path, partial record) answers what the object form says for the whole record', async () => {
    const c = await checkup();
    // Every attribute the matching columns hold, not just those the policies read.
    const whole = (await matchingService(t.db).record(DEMO_ENTERPRISE_USCC))!;
    expect(Object.keys(whole.record).length).toBeGreaterThan(whole.snap.reads.length);
    expect(c).toEqual(policyCheckup(whole.snap, whole.record));
  });
});
