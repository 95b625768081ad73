import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { checkpointLine, parseCheckpoint } from '../../core/crypto/audit-anchor.ts';
import { generateSm2KeyPair } from '../../core/crypto/sm.ts';
import { appendAudit, SYSTEM_ACTOR } from '../../platform/audit.ts';
import { openDatabase, type DbHandle } from '../../platform/db/index.ts';
import { deleteAndRechain, editAndRechain, insertAndRechain } from '../../platform/testing/audit-tamper.ts';
import { testBackend } from '../../platform/testing/test-db.ts';
import { runQifu } from '../testing.ts';

// The `qifu audit` contract (F-2, F-4, §11), checked from outside: exit 0 ok,
// 1 broken or not anchored, 2 usage; the three SQL attacks with recomputed
// hashes are caught by the CLI as soon as a checkpoint covers them.
describe.runIf(testBackend() === 'pglite')('qifu audit verify / checkpoint / public-key / rotate-key', () => {
  let root: string;
  let dir: string;
  let head = 0;
  const envFor = (dataDir: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
    ...process.env,
    QIFU_DATA_DIR: dataDir,
    DATABASE_URL: '',
    QIFU_DEMO: '0',
    QIFU_AUDIT_KEY_FILE: '',
    QIFU_AUDIT_CHECKPOINT_LOG: '',
    QIFU_AUDIT_PUBLIC_KEY: '',
    QIFU_AUDIT_WITNESS_URL: '',
    ...extra,
  });
  const qifu = (args: string[], dataDir = dir, extra: NodeJS.ProcessEnv = {}) => runQifu(args, { env: envFor(dataDir, extra) });

  async function withDb<T>(dataDir: string, work: (h: DbHandle) => Promise<T>): Promise<T> {
    const h = await openDatabase({ dataDir });
    try {
      return await work(h);
    } finally {
      await h.close();
    }
  }
  const write = (h: DbHandle, n: number) =>
    (async () => {
      for (let i = 0; i < n; i++) await h.db.transaction().execute((tx) => appendAudit(tx, SYSTEM_ACTOR, { action: 'test.write', target: `t:${i}`, change: { i } }));
      return Number((await h.db.selectFrom('audit_head').select('seq').executeTakeFirstOrThrow()).seq);
    })();

  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'qifu-audit-cli-'));
    dir = path.join(root, 'main');
    const h = await openDatabase({ dataDir: dir, loadFrom: inject('pgliteTemplate') ?? undefined });
    try {
      head = await write(h, 5);
    } finally {
      await h.close();
    }
  }, 300_000);
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('without a checkpoint: exit 1 saying the chain is not anchored, 0 with --allow-unanchored', async () => {
    const r = await qifu(['audit', 'verify']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/audit chain not anchored: no audit key file at .*audit-key\.json/);
    const allowed = await qifu(['audit', 'verify', '--allow-unanchored']);
    expect(allowed.code).toBe(0);
    expect(allowed.stdout).toMatch(new RegExp(`audit chain intact: ${head} records`));
    expect(allowed.stdout).toMatch(/not anchored \(accepted by --allow-unanchored\)/);
  }, 120_000);

  it('writes a checkpoint with a 0600 key file, then verifies anchored (text and JSON)', async () => {
    const c = await qifu(['audit', 'checkpoint']);
    expect(c.code, c.stderr).toBe(0);
    expect(c.stdout).toMatch(new RegExp(`checkpoint written: record ${head} `));
    expect(fs.statSync(path.join(dir, 'audit-key.json')).mode & 0o777).toBe(0o600);
    expect((await qifu(['audit', 'checkpoint'])).stdout).toMatch(new RegExp(`no new records since the checkpoint of record ${head}`));

    const v = await qifu(['audit', 'verify']);
    expect(v.code, v.stderr).toBe(0);
    expect(v.stdout).toMatch(new RegExp(`audit chain intact: ${head} records`));
    expect(v.stdout).toMatch(new RegExp(`anchored: records 1–${head} protected by checkpoint at \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z; no record after it`));
    const json = JSON.parse((await qifu(['audit', 'verify', '--json'])).stdout) as { ok: boolean; count: number; anchor: { status: string; latest: { seq: number }; unprotected: unknown } };
    expect(json).toMatchObject({ ok: true, count: head, anchor: { status: 'anchored', latest: { seq: head }, unprotected: null } });

    // Copies of this state for the attacks below.
    for (const name of ['edit', 'insert', 'delete', 'log', 'pub']) fs.cpSync(dir, path.join(root, name), { recursive: true });
  }, 180_000);

  it('reports records written after the last checkpoint as not yet checkpointed, exit 0', async () => {
    const now = await withDb(dir, (h) => write(h, 2));
    const v = await qifu(['audit', 'verify']);
    expect(v.code, v.stderr).toBe(0);
    expect(v.stdout).toMatch(new RegExp(`records 1–${head} protected by checkpoint at \\S+; records ${head + 1}–${now} not yet checkpointed`));
  }, 120_000);

  // The checkpoint covers the head: after a deletion the record it names no longer exists.
  for (const [name, done, attack, reason, says] of [
    ['edit', 'edited', editAndRechain, 'CHECKPOINT_MISMATCH', 'hash differs from the checkpoint signed at'],
    ['insert', 'inserted', insertAndRechain, 'CHECKPOINT_MISMATCH', 'hash differs from the checkpoint signed at'],
    ['delete', 'deleted', deleteAndRechain, 'CHECKPOINT_RECORD_MISSING', 'is covered by the checkpoint signed at .*, but the log ends at record'],
  ] as const) {
    it(`detects a record ${done} in SQL with all later hashes and audit_head recomputed: exit 1`, async () => {
      const copy = path.join(root, name);
      await withDb(copy, (h) => attack(h.db, head - 2));
      const v = await qifu(['audit', 'verify'], copy);
      expect(v.code).toBe(1);
      expect(v.stderr).toMatch(new RegExp(`audit chain broken at record ${head}: record ${head}:? ${says}`));
      const json = JSON.parse((await qifu(['audit', 'verify', '--json'], copy)).stdout) as { ok: boolean; firstBad: { seq: number; reason: string }; anchor: { status: string } };
      expect(json).toMatchObject({ ok: false, firstBad: { seq: head, reason }, anchor: { status: 'broken' } });
      // `qifu audit checkpoint` will not sign over it.
      await withDb(copy, (h) => write(h, 1));
      const c = await qifu(['audit', 'checkpoint'], copy);
      expect(c.code).toBe(1);
      expect(c.stderr).toMatch(/checkpoint refused: record \d+ no longer has the hash signed/);
    }, 180_000);
  }

  it('detects a checkpoint line with a tampered signature: exit 1', async () => {
    const copy = path.join(root, 'log');
    const file = path.join(copy, 'audit-checkpoints.jsonl');
    const c = parseCheckpoint(fs.readFileSync(file, 'utf8').trimEnd())!;
    fs.writeFileSync(file, `${checkpointLine({ ...c, sig: (c.sig[0] === 'a' ? 'b' : 'a') + c.sig.slice(1) })}\n`);
    const v = await qifu(['audit', 'verify'], copy);
    expect(v.code).toBe(1);
    expect(v.stderr).toMatch(/audit checkpoints broken: checkpoint log line 1: signature does not verify/);
  }, 120_000);

  it('prints the public key; a verifier holding only it (no key file) verifies, and another key is rejected', async () => {
    const copy = path.join(root, 'pub');
    const p = await qifu(['audit', 'public-key'], copy);
    expect(p.code).toBe(0);
    const pub = /QIFU_AUDIT_PUBLIC_KEY=(04[0-9a-f]{128})/.exec(p.stdout)?.[1];
    expect(pub).toBeTruthy();
    expect((await qifu(['audit', 'public-key', '--pem'], copy)).stdout).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    fs.renameSync(path.join(copy, 'audit-key.json'), path.join(root, 'held-elsewhere.json'));
    const ok = await qifu(['audit', 'verify'], copy, { QIFU_AUDIT_PUBLIC_KEY: pub });
    expect(ok.code, ok.stderr).toBe(0);
    const wrong = await qifu(['audit', 'verify'], copy, { QIFU_AUDIT_PUBLIC_KEY: generateSm2KeyPair().publicKey });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/signed by key [0-9a-f]{16}, which is not a trusted audit key/);
    expect((await qifu(['audit', 'verify'], copy, { QIFU_AUDIT_PUBLIC_KEY: 'nonsense' })).code).toBe(1);
  }, 180_000);

  it('rotates the key; checkpoints by both keys verify', async () => {
    const r = await qifu(['audit', 'rotate-key']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/new audit key [0-9a-f]{16} \(retired [0-9a-f]{16}\)/);
    expect((await qifu(['audit', 'checkpoint'])).code).toBe(0);
    const keys = JSON.parse((await qifu(['audit', 'public-key', '--json'])).stdout) as Array<{ status: string }>;
    expect(keys.map((k) => k.status)).toEqual(['current', 'retired']);
    const v = JSON.parse((await qifu(['audit', 'verify', '--json'])).stdout) as { ok: boolean; anchor: { checkpoints: number; kids: string[]; unprotected: unknown } };
    expect(v).toMatchObject({ ok: true, anchor: { checkpoints: 2, unprotected: null } });
    expect(v.anchor.kids).toHaveLength(2);
  }, 180_000);

  it('has --help on every audit command and exits 2 on a usage error', async () => {
    for (const cmd of ['verify', 'checkpoint', 'public-key', 'rotate-key']) {
      const r = await qifu(['audit', cmd, '--help']);
      expect(r.code, cmd).toBe(0);
      expect(r.stdout).toMatch(/Usage: qifu audit/);
    }
    expect((await qifu(['audit', 'verify', '--no-such-option'])).code).toBe(2);
  }, 120_000);
});
