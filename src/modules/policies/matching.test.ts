import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { JobRunner } from '../../platform/jobs.ts';
import { testDatabase } from '../../platform/testing/test-db.ts';
import { jobHandlers } from '../../server/start.ts';
import { testApp, type Session, type TestApp } from '../../server/testing.ts';
import { DEMO_ENTERPRISE_USCC } from '../enterprises/index.ts';
import { MatchingService } from './matching.ts';
import { rematchChangedEnterprises } from './rematch.ts';

let t: TestApp;
const as: Record<string, Session> = {};
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
const TITLE = '中型企业稳岗奖励（增量匹配测试）';

interface Item {
  policyId: number;
  version: number;
  title: string;
  explanation: { status: string; tree?: unknown; conditions?: Array<{ text: string; truth: string }>; nearMisses: Array<{ changes: Array<{ text: string; attribute?: string }> }> };
}
interface Checkup {
  eligible: Item[];
  nearMiss: Item[];
  unknown: Item[];
}

async function checkup(s: Session, query = ''): Promise<Checkup> {
  const res = await s.request({ method: 'GET', url: `/api/v1/enterprises/${DEMO_ENTERPRISE_USCC}/policy-checkup${query}` });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as Checkup;
}

let policyId = 0;

beforeAll(async () => {
  t = await testApp();
  for (const u of ['admin', 'enterprise', 'street', 'street2']) as[u] = await t.login(u);
  // The demo enterprise has 86 employees: this policy is one condition away.
  const res = await as.admin!.request({
    method: 'POST',
    url: '/api/v1/policies',
    payload: {
      title: TITLE,
      department: 'rsj',
      category: '就业',
      mode: 'auto',
      keyPoints: ['从业人数 100 人以上'],
      text: '<p>测试</p>',
      validFrom: '2026-01-01',
      validTo: '2099-12-31',
      eligibility: { and: [{ '==': [{ var: 'status' }, '存续'] }, { '>=': [{ var: 'employees' }, 100] }] },
      materials: [],
      tags: [],
    },
  });
  expect(res.statusCode, res.body).toBe(201);
  policyId = (res.json() as { id: number }).id;
  for (const a of ['submit', 'publish']) expect((await as.admin!.request({ method: 'POST', url: `/api/v1/policies/${policyId}/${a}`, payload: {} })).statusCode).toBe(200);
  await new JobRunner(t.db, jobHandlers(), silent).drain();
  // Changes made before this test (seeding) are not this test's business.
  while ((await rematchChangedEnterprises(t.db)).enterprises > 0);
});
afterAll(async () => t?.close());

describe('matching service (P-4 incremental) and 政策体检 from memory', () => {
  it('answers with compact explanations by default and the full tree on request', async () => {
    const c = await checkup(as.enterprise!);
    const near = c.nearMiss.find((i) => i.policyId === policyId);
    expect(near?.explanation.nearMisses[0]?.changes[0]?.text).toBe('从业人数 ≥ 100（当前：86）');
    expect(near?.explanation.tree).toBeUndefined();
    // Lists read as lists: 企业标签 包含 首贷户（当前：高新技术企业、专精特新、科技型中小企业）.
    const tagged = c.nearMiss.flatMap((i) => i.explanation.nearMisses.flatMap((n) => n.changes)).find((ch) => ch.attribute === 'tags');
    expect(tagged?.text).toMatch(/（当前：[^[\]"]*、[^[\]"]*）$/);
    const eligible = c.eligible[0]!;
    expect(eligible.explanation.conditions?.length).toBeGreaterThan(0);
    expect(eligible.explanation.conditions!.every((x) => x.text.length > 0 && ['true', 'false', 'unknown'].includes(x.truth))).toBe(true);
    const full = await checkup(as.enterprise!, '?detail=full');
    expect(full.nearMiss.find((i) => i.policyId === policyId)?.explanation.tree).toMatchObject({ op: 'and', truth: 'false' });
    expect((await as.enterprise!.request({ method: 'GET', url: `/api/v1/enterprises/${DEMO_ENTERPRISE_USCC}/policy-checkup?detail=all` })).statusCode).toBe(400);
  });

  it('keeps data scope: 404 for an unknown USCC, 403 outside the street', async () => {
    expect((await as.admin!.request({ method: 'GET', url: '/api/v1/enterprises/91310112MA1G000000/policy-checkup' })).statusCode).toBe(404);
    expect((await as.street2!.request({ method: 'GET', url: `/api/v1/enterprises/${DEMO_ENTERPRISE_USCC}/policy-checkup` })).statusCode).toBe(403);
    expect((await as.street!.request({ method: 'GET', url: `/api/v1/enterprises/${DEMO_ENTERPRISE_USCC}/policy-checkup` })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: `/api/v1/enterprises/${DEMO_ENTERPRISE_USCC}/policy-checkup` })).statusCode).toBe(401);
  });

  it('sees an enterprise write at once, re-matches it incrementally and pushes exactly once', async () => {
    const upd = await as.enterprise!.request({ method: 'PATCH', url: `/api/v1/enterprises/${DEMO_ENTERPRISE_USCC}`, payload: { uscc: DEMO_ENTERPRISE_USCC, employees: 120 } });
    expect(upd.statusCode, upd.body).toBe(200);
    const c = await checkup(as.enterprise!);
    expect(c.eligible.some((i) => i.policyId === policyId)).toBe(true);
    expect(c.nearMiss.some((i) => i.policyId === policyId)).toBe(false);

    const stored = async () =>
      (await t.db.selectFrom('policy_matches').select('status').where('policy_id', '=', policyId).where('uscc', '=', DEMO_ENTERPRISE_USCC).executeTakeFirst())?.status;
    const pushes = async () => Number((await t.db.selectFrom('messages').select((eb) => eb.fn.countAll<number>().as('n')).where('uscc', '=', DEMO_ENTERPRISE_USCC).where('title', 'like', `%${TITLE}%`).executeTakeFirstOrThrow()).n);
    expect(await stored()).toBe('near');
    expect(await pushes()).toBe(0);
    const r = await rematchChangedEnterprises(t.db);
    expect(r.enterprises).toBe(1);
    expect(r.newlyEligible).toBeGreaterThanOrEqual(1);
    expect(await stored()).toBe('eligible');
    expect(await pushes()).toBe(1);
    // The cursor moved with the same transaction: a second pass finds nothing and pushes nothing.
    expect((await rematchChangedEnterprises(t.db)).enterprises).toBe(0);
    expect(await pushes()).toBe(1);

    // Back below the threshold: the stored status follows, and no push.
    await as.enterprise!.request({ method: 'PATCH', url: `/api/v1/enterprises/${DEMO_ENTERPRISE_USCC}`, payload: { uscc: DEMO_ENTERPRISE_USCC, employees: 86 } });
    await rematchChangedEnterprises(t.db);
    expect(await stored()).toBe('near');
    expect(await pushes()).toBe(1);
  });

  it('follows writes made by another process through the change log', async () => {
    const service = new MatchingService(t.db, { maxStaleMs: 0 });
    expect((await service.record(DEMO_ENTERPRISE_USCC))?.record.employees).toBe(86);
    // What the CLI in another process does: a registry write with its change-log entry, no in-process signal.
    await t.db.transaction().execute(async (tx) => {
      await tx.updateTable('enterprises').set({ employees: 140 }).where('uscc', '=', DEMO_ENTERPRISE_USCC).execute();
      await tx.insertInto('enterprise_changes').values({ uscc: DEMO_ENTERPRISE_USCC, actor: 'cli', action: 'update', diff: JSON.stringify({ employees: [86, 140] }), source: 'test' }).execute();
    });
    // Checked in the background: the change shows on a request soon after, without any signal.
    await vi.waitFor(async () => expect((await service.record(DEMO_ENTERPRISE_USCC))?.record.employees).toBe(140), { timeout: 5000, interval: 20 });
    // A new enterprise registered elsewhere is found on first request.
    const uscc = (await sql<{ u: string }>`select uscc as u from enterprises where uscc <> ${DEMO_ENTERPRISE_USCC} order by uscc limit 1`.execute(t.db)).rows[0]!.u;
    expect((await service.record(uscc))?.record).toBeTruthy();
    expect(service.size).toBeGreaterThan(1000);
  });

  it('reports a failed background check and keeps answering from the snapshot it has', async () => {
    const h = await testDatabase();
    const service = new MatchingService(h.db, { maxStaleMs: 0 });
    const before = await service.snapshot();
    const warned: string[] = [];
    service.reportTo({ warn: (_o, msg) => warned.push(msg) });
    await h.close(); // every query fails from now on
    expect(await service.snapshot()).toBe(before);
    await vi.waitFor(() => expect(warned).toEqual(['匹配服务后台同步失败，下次请求时重试']), { timeout: 5000, interval: 20 });
  });

  it('keeps per-enterprise text (name, address …) out of the columns until a rule reads it', async () => {
    const service = new MatchingService(t.db, { maxStaleMs: 0 });
    const snap = await service.snapshot();
    for (const a of ['uscc', 'name', 'legalRep', 'address']) expect(snap.store.columns.has(a), a).toBe(false);
    expect(snap.store.columns.has('employees')).toBe(true);
    const demo = await t.db.selectFrom('enterprises').select(['name', 'address']).where('uscc', '=', DEMO_ENTERPRISE_USCC).executeTakeFirstOrThrow();
    const withAddress = await service.withAttributes(['address', 'employees']);
    expect(withAddress.store.columns.has('address')).toBe(true);
    expect((await service.record(DEMO_ENTERPRISE_USCC))?.record.address).toBe(demo.address);
    // 试算 of a draft over the name, through the API: counted over all enterprises as SQL counts them.
    const rule = { in: ['科技', { var: 'name' }] };
    const res = await as.admin!.request({ method: 'POST', url: '/api/v1/policies/try', payload: { eligibility: rule, uscc: DEMO_ENTERPRISE_USCC } });
    expect(res.statusCode, res.body).toBe(200);
    const want = Number((await sql<{ n: string | number }>`select count(*) as n from enterprises where name like '%科技%'`.execute(t.db)).rows[0]!.n);
    expect(want).toBeGreaterThan(0);
    expect(res.json()).toMatchObject({ matched: want, unknown: 0 });
  });
});
