import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createRng } from '../../core/random.ts';
import { SYSTEM_ACTOR, verifyAudit } from '../../platform/audit.ts';
import { openDatabase, type DbHandle } from '../../platform/db/index.ts';
import { testBackend } from '../../platform/testing/test-db.ts';
import { eligibleNow } from '../../modules/benefits/index.ts';
import { generateEnterprises } from '../../modules/enterprises/domain/synthetic.ts';
import { insertRecords } from '../../modules/enterprises/index.ts';
import { transition } from '../../modules/policies/index.ts';
import { migrateAll } from '../../server/bootstrap.ts';
import { runQifu } from '../testing.ts';

// P-5 CLI contracts (checked from outside, like the acceptance tests) and the
// exactly-once proof: `qifu benefits pay` SIGKILLed at random points, rerun.
const BIN = fileURLToPath(new URL('../../../bin/qifu.js', import.meta.url));
const PERIOD = '2026-Q4';
let dir: string;
let env: NodeJS.ProcessEnv;
const qifu = (args: string[], extra: NodeJS.ProcessEnv = {}) => runQifu(args, { env: { ...env, ...extra } });

async function withDb<T>(work: (h: DbHandle) => Promise<T>): Promise<T> {
  const h = await openDatabase({ dataDir: dir });
  try {
    return await work(h);
  } finally {
    await h.close();
  }
}

const KILL_RULE = { in: [{ var: 'status' }, ['存续', '在业']] };
const KILL_FORMULA = { amount: { '*': [{ min: [{ var: 'insuredEmployees' }, 20] }, 5000] }, rounding: 'down' as const };

/** A published 免申即享 policy written as the policies module stores one (draft → review → published). */
async function createAutoPolicy(h: DbHandle, code: string, department: string, budget: number | null): Promise<number> {
  const content = {
    title: `兑付测试政策 ${code}`,
    department,
    docNumber: null,
    category: '就业',
    mode: 'auto',
    keyPoints: [],
    text: '',
    validFrom: '2026-01-01',
    validTo: '2099-12-31',
    applyFrom: null,
    applyTo: null,
    eligibility: KILL_RULE,
    benefit: KILL_FORMULA,
    materials: [],
    reviewRules: null,
    budget,
    contact: null,
    tags: [],
  };
  const row = await h.db
    .insertInto('policies')
    .values({ code, department, content: JSON.stringify(content), title: content.title, category: content.category, mode: 'auto', valid_to: content.validTo, apply_to: null, tags: [], search_text: content.title, created_by: 'test' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const id = Number(row.id);
  await transition(h.db, SYSTEM_ACTOR, null, id, 'submit');
  await transition(h.db, SYSTEM_ACTOR, null, id, 'publish');
  return id;
}

let killPolicy: number;
let killBudget: number;

describe.runIf(testBackend() === 'pglite')('qifu policies / match / benefits (P-5 contracts)', () => {
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qifu-benefits-'));
    env = { ...process.env, QIFU_DATA_DIR: dir, DATABASE_URL: '', QIFU_DEMO: '0', QIFU_PAY_DELAY_MS: '' };
    // The demo database (2,001 enterprises, users, policies) plus 1,000 more synthetic enterprises.
    const h = await openDatabase({ dataDir: dir, loadFrom: inject('pgliteTemplate') ?? undefined });
    try {
      await migrateAll(h.db);
      await insertRecords(h.db, generateEnterprises({ count: 1000, seed: 2026, startIndex: 2000, today: '2026-11-24' }));
      const probe: Parameters<typeof eligibleNow>[1] = { id: 0, title: '', department: 'rsj', mode: 'auto', status: 'published', version: 1, budget: null, eligibility: KILL_RULE, benefit: KILL_FORMULA };
      const rows = await eligibleNow(h.db, probe);
      const total = rows.reduce((s, r) => s + (r.amountFen ?? 0), 0);
      // A budget that covers about four fifths: the rest must wait, in the stated order.
      killBudget = Math.floor(total * 0.8);
      killPolicy = await createAutoPolicy(h, 'benefit-kill-test', 'rsj', killBudget);
    } finally {
      await h.close();
    }
  }, 900_000);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  let stableId: number;
  it('lists policies with mode, status, department and version', async () => {
    const r = await qifu(['policies', 'list', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const list = JSON.parse(r.stdout) as Array<{ id: number; title: string; mode: string; status: string; department: string; version: number }>;
    expect(list.length).toBeGreaterThanOrEqual(50);
    const stable = list.find((p) => p.title === '闵行区失业保险稳岗返还实施办法')!;
    expect(stable).toMatchObject({ mode: 'auto', status: 'published', department: 'rsj', version: 1 });
    stableId = stable.id;
    expect(list.some((p) => p.mode === 'apply')).toBe(true);
  }, 900_000);

  it('matches a policy: eligible now, with the amount by its formula; unknown id exit 1, bad id exit 2', async () => {
    const r = await qifu(['match', 'policy', String(stableId), '--json']);
    expect(r.code, r.stderr).toBe(0);
    const rows = JSON.parse(r.stdout) as Array<{ uscc: string; amountFen: number | null }>;
    expect(rows.length).toBeGreaterThan(10);
    // 30,000 fen per insured employee, capped at 3,000,000 fen: always a multiple of 30,000.
    for (const m of rows) expect(m.amountFen === null || (m.amountFen > 0 && m.amountFen % 30_000 === 0 && m.amountFen <= 300_000_000), m.uscc).toBe(true);
    expect((await qifu(['match', 'policy', '999999', '--json'])).code).toBe(1);
    expect((await qifu(['match', 'policy', 'abc'])).code).toBe(2);
  }, 900_000);

  it('computes, approves (right department only, once), pays and lists the ledger', async () => {
    const id = String(stableId);
    const c1 = await qifu(['benefits', 'compute', '--policy', id, '--period', '2026']);
    expect(c1.code, c1.stderr).toBe(0);
    const batch = c1.stdout.trim();
    expect(batch).toMatch(/^\d+$/);
    // Usage errors: exit 2.
    expect((await qifu(['benefits', 'compute', '--policy', id, '--period', '2026-13'])).code).toBe(2);
    expect((await qifu(['benefits', 'compute', '--policy', id])).code).toBe(2);
    expect((await qifu(['benefits', 'approve', '--batch', batch])).code).toBe(2);
    // Domain failures: exit 1, with the reason.
    expect((await qifu(['benefits', 'compute', '--policy', '999999', '--period', '2026'])).code).toBe(1);
    const notYet = await qifu(['benefits', 'pay', '--batch', batch]);
    expect(notYet.code).toBe(1);
    expect(notYet.stderr).toMatch(/尚未审核/);
    const wrongDept = await qifu(['benefits', 'approve', '--batch', batch, '--user', 'dept']);
    expect(wrongDept.code).toBe(1);
    expect(wrongDept.stderr).toMatch(/本部门/);
    expect((await qifu(['benefits', 'approve', '--batch', '999999', '--user', 'admin'])).code).toBe(1);
    const ok = await qifu(['benefits', 'approve', '--batch', batch, '--user', 'dept2']);
    expect(ok.code, ok.stderr).toBe(0);
    const twice = await qifu(['benefits', 'approve', '--batch', batch, '--user', 'dept2']);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toMatch(/不允许/);
    // An approved batch is never recomputed: the same id, unchanged.
    expect((await qifu(['benefits', 'compute', '--policy', id, '--period', '2026'])).stdout.trim()).toBe(batch);
    const pay = await qifu(['benefits', 'pay', '--batch', batch, '--json']);
    expect(pay.code, pay.stderr).toBe(0);
    const res = JSON.parse(pay.stdout) as { status: string; paidNow: number; paidCount: number; paidFen: number };
    expect(res.status).toBe('paid');
    expect(res.paidNow).toBe(res.paidCount);
    const again = JSON.parse((await qifu(['benefits', 'pay', '--batch', batch, '--json'])).stdout) as { paidNow: number; paidCount: number };
    expect(again).toMatchObject({ paidNow: 0, paidCount: res.paidCount });
    const ledger = JSON.parse((await qifu(['benefits', 'ledger', '--policy', id, '--period', '2026', '--json'])).stdout) as Array<{ uscc: string; amountFen: number }>;
    expect(ledger).toHaveLength(res.paidCount);
    expect(ledger.reduce((s, l) => s + l.amountFen, 0)).toBe(res.paidFen);
    expect((await qifu(['benefits', 'ledger', '--policy', '999999', '--period', '2026', '--json'])).code).toBe(1);
  }, 900_000);

  it('has --help on every benefits command', async () => {
    for (const args of [['benefits', '--help'], ['benefits', 'compute', '--help'], ['benefits', 'pay', '--help'], ['policies', 'list', '--help'], ['match', 'policy', '--help']]) {
      const r = await qifu(args);
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.stdout).toMatch(/Usage: qifu/);
    }
  }, 900_000);
  it('pays every eligible enterprise within budget exactly once although `pay` is SIGKILLed again and again', async () => {
    const seed = Number(process.env.QIFU_KILL_SEED ?? 20261124);
    const rng = createRng(seed);
    const KILLS = Number(process.env.QIFU_KILLS ?? 10);
    const batch = (await qifu(['benefits', 'compute', '--policy', String(killPolicy), '--period', PERIOD])).stdout.trim();
    expect(batch).toMatch(/^\d+$/);
    const approved = await qifu(['benefits', 'approve', '--batch', batch, '--user', 'admin']);
    expect(approved.code, approved.stderr).toBe(0);

    const planned = await withDb((h) => h.db.selectFrom('benefit_batches').selectAll().where('id', '=', Number(batch)).executeTakeFirstOrThrow());
    expect(planned.item_count).toBeGreaterThan(2000);
    expect(planned.payable_count).toBeGreaterThan(1000);
    expect(planned.waiting_count).toBeGreaterThan(0);
    expect(Number(planned.payable_fen)).toBeLessThanOrEqual(killBudget);

    // Kill at random points: a few anywhere from spawn (opening the database, starting), most once paying has begun.
    const outcomes: string[] = [];
    for (let k = 0; k < KILLS; k++) {
      const child = spawn(process.execPath, [BIN, 'benefits', 'pay', '--batch', batch], { env: { ...env, QIFU_PAY_DELAY_MS: '2' }, stdio: ['ignore', 'pipe', 'pipe'] });
      const exited = new Promise<string>((resolve) => child.on('exit', (code, signal) => resolve(signal ?? `exit ${code}`)));
      const paying = new Promise<void>((resolve) => child.stderr.on('data', (c: Buffer) => c.toString().includes('paying batch') && resolve()));
      if (k % 4 === 0) await new Promise((r) => setTimeout(r, rng.int(200, 4000)));
      else {
        await Promise.race([paying, exited]);
        await new Promise((r) => setTimeout(r, rng.int(0, 1500)));
      }
      child.kill('SIGKILL');
      outcomes.push(await exited);
    }
    expect(outcomes.filter((o) => o === 'SIGKILL').length, `kill seed ${seed}: ${outcomes.join(', ')}`).toBeGreaterThanOrEqual(KILLS - 1);

    // The kills landed mid-batch: some paid, not all, batch still 'paying'.
    const mid = await withDb(async (h) => ({
      paid: Number((await h.db.selectFrom('benefit_ledger').select((eb) => eb.fn.countAll<number>().as('n')).where('batch_id', '=', Number(batch)).executeTakeFirstOrThrow()).n),
      status: (await h.db.selectFrom('benefit_batches').select('status').where('id', '=', Number(batch)).executeTakeFirstOrThrow()).status,
    }));
    expect(mid.paid, `kill seed ${seed}`).toBeGreaterThan(0);
    expect(mid.paid).toBeLessThan(planned.payable_count);
    expect(mid.status).toBe('paying');

    const final = await qifu(['benefits', 'pay', '--batch', batch, '--json']);
    expect(final.code, final.stderr).toBe(0);
    expect(JSON.parse(final.stdout)).toMatchObject({ status: 'paid', paidCount: planned.payable_count, paidFen: Number(planned.payable_fen) });

    await withDb(async (h) => {
      const items = await h.db.selectFrom('benefit_batch_items as i').innerJoin('enterprises as e', 'e.uscc', 'i.uscc').select(['i.seq', 'i.uscc', 'i.amount_fen', 'i.state', 'e.established']).where('i.batch_id', '=', Number(batch)).orderBy('i.seq').execute();
      const ledger = await h.db.selectFrom('benefit_ledger').selectAll().where('policy_id', '=', killPolicy).where('period', '=', PERIOD).execute();
      const byUscc = new Map(ledger.map((l) => [l.uscc, l]));
      // Exactly once: one ledger row per paid item, none for the others, no duplicates, sums agree.
      expect(new Set(ledger.map((l) => l.uscc)).size).toBe(ledger.length);
      expect(ledger).toHaveLength(planned.payable_count);
      for (const it of items) {
        const l = byUscc.get(it.uscc);
        if (it.state === 'paid') expect(l && Number(l.amount_fen), it.uscc).toBe(Number(it.amount_fen));
        else expect(l, it.uscc).toBeUndefined();
      }
      expect(items.filter((i) => i.state === 'pending')).toHaveLength(0);
      expect(ledger.reduce((s, l) => s + Number(l.amount_fen), 0)).toBe(Number(planned.payable_fen));
      expect(ledger.every((l) => l.policy_version === 1 && Number(l.batch_id) === Number(batch))).toBe(true);
      // The stated order: registration date (missing last), then USCC; paid ones are a prefix, the waiting ones follow in order.
      const key = (i: (typeof items)[number]) => `${i.established ?? '9999-99-99'}|${i.uscc}`;
      for (let i = 1; i < items.length; i++) expect(key(items[i - 1]!) < key(items[i]!), `order at ${i}`).toBe(true);
      const states = items.filter((i) => i.state !== 'held').map((i) => i.state);
      const firstWaiting = states.indexOf('waiting_budget');
      expect(firstWaiting).toBe(planned.payable_count);
      expect(states.slice(firstWaiting).every((s) => s === 'waiting_budget')).toBe(true);
      // Each payment audited exactly once, and the hash chain is intact after all the kills.
      const audited = await h.db.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n')).where('action', '=', 'benefit.pay').where('target', 'like', `benefit:${killPolicy}:${PERIOD}:%`).executeTakeFirstOrThrow();
      expect(Number(audited.n)).toBe(ledger.length);
      expect((await verifyAudit(h.db)).ok).toBe(true);
    });
  }, 900_000);
});
