import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../../server/testing.ts';
import { DEMO_ENTERPRISE_USCC } from '../enterprises/index.ts';
import { ledgerForEnterprise, paymentFor, recordClaim } from './index.ts';

// The claims input other modules (applications, P-7) call when an application is approved.
let t: TestApp;
let applyPolicy: number;
let autoPolicy: number;
const count = async () => Number((await t.db.selectFrom('benefit_claims').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

beforeAll(async () => {
  t = await testApp();
  applyPolicy = Number((await t.db.selectFrom('policies').select('id').where('code', '=', 'mh-fin-ip-pledge').executeTakeFirstOrThrow()).id);
  autoPolicy = Number((await t.db.selectFrom('policies').select('id').where('code', '=', 'mh-emp-stable-jobs').executeTakeFirstOrThrow()).id);
});
afterAll(async () => t?.close());

describe('benefit claims for 申报 policies (P-5 input of P-7)', () => {
  it('records a claim once; the same claim again is a no-op; a different amount is a conflict', async () => {
    const input = { policyId: applyPolicy, version: 1, period: '2026', uscc: DEMO_ENTERPRISE_USCC, amountFen: 1_234_500, applicationId: 7 };
    const first = await t.db.transaction().execute((tx) => recordClaim(tx, input));
    expect(first.created).toBe(true);
    const again = await t.db.transaction().execute((tx) => recordClaim(tx, input));
    expect(again).toEqual({ id: first.id, created: false });
    await expect(t.db.transaction().execute((tx) => recordClaim(tx, { ...input, amountFen: 1 }))).rejects.toMatchObject({ code: 'CLAIM_EXISTS', status: 409 });
    expect(await count()).toBe(1);
  });

  it('rejects bad input with a clear error and writes nothing', async () => {
    const before = await count();
    const base = { policyId: applyPolicy, version: 1, period: '2026-Q1', uscc: DEMO_ENTERPRISE_USCC, amountFen: 100 };
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ period: '2026-13' }, 'VALIDATION_FAILED'],
      [{ amountFen: -1 }, 'VALIDATION_FAILED'],
      [{ amountFen: 1.5 }, 'VALIDATION_FAILED'],
      [{ policyId: autoPolicy }, 'CLAIM_WRONG_MODE'],
      [{ policyId: 999_999 }, 'NOT_FOUND'],
      [{ amountFen: 10 ** 15 }, 'BUDGET_EXCEEDED'],
    ];
    for (const [patch, code] of cases) {
      await expect(t.db.transaction().execute((tx) => recordClaim(tx, { ...base, ...patch } as typeof base)), JSON.stringify(patch)).rejects.toMatchObject({ code });
    }
    expect(await count()).toBe(before);
  });

  it('paymentFor and ledgerForEnterprise answer from the ledger (null / empty before any payment)', async () => {
    expect(await paymentFor(t.db, { policyId: applyPolicy, period: '2026', uscc: DEMO_ENTERPRISE_USCC })).toBeNull();
    expect(await ledgerForEnterprise(t.db, DEMO_ENTERPRISE_USCC)).toEqual([]);
  });
});
