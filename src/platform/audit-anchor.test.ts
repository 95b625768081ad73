import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { checkpointLine, keyId, lineHash, parseCheckpoint, signCheckpoint } from '../core/crypto/audit-anchor.ts';
import { generateSm2KeyPair } from '../core/crypto/sm.ts';
import { anchorSettings, anchorWorker, checkpointJob, checkpointNow, CHECKPOINT_JOB, loadOrCreateKey, rotateKey, scheduleNextCheckpoint, WitnessSender, type AnchorSettings } from './audit-anchor.ts';
import { appendAudit, SYSTEM_ACTOR, verifyAudit } from './audit.ts';
import { loadConfig, type Config } from './config.ts';
import { openDatabase, type DbHandle } from './db/index.ts';
import { JobRunner } from './jobs.ts';
import { deleteAndRechain, editAndRechain, insertAndRechain } from './testing/audit-tamper.ts';
import { testBackend, testDatabase } from './testing/test-db.ts';

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

async function write(h: DbHandle, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    await h.db.transaction().execute((tx) => appendAudit(tx, SYSTEM_ACTOR, { action: 'test.write', target: `t:${i}`, change: { i } }));
  }
}

async function headSeq(h: DbHandle): Promise<number> {
  return Number((await h.db.selectFrom('audit_head').select('seq').executeTakeFirstOrThrow()).seq);
}

describe('audit checkpoints outside the database (F-4, §11)', () => {
  let h: DbHandle;
  let dir: string;
  let config: Config;
  let s: AnchorSettings;
  let first: number;

  beforeEach(async () => {
    h = await testDatabase();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qifu-anchor-'));
    config = { ...loadConfig({}), dataDir: dir };
    s = anchorSettings(config);
    await write(h, 6);
    first = await headSeq(h);
    expect((await checkpointNow(h.db, s)).status).toBe('written');
    await write(h, 6);
    expect((await checkpointNow(h.db, s)).status).toBe('written');
  });
  afterEach(async () => {
    await h.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the key in a 0600 file in the data directory, never in the database, and appends linked, signed lines', async () => {
    expect(s.keyFile).toBe(path.join(dir, 'audit-key.json'));
    expect(fs.statSync(s.keyFile!).mode & 0o777).toBe(0o600);
    const key = JSON.parse(fs.readFileSync(s.keyFile!, 'utf8')) as { privateKey: string; kid: string };
    const inDb = await sql<{ n: number }>`select count(*)::int as n from settings where value::text like ${`%${key.privateKey}%`}`.execute(h.db);
    expect(inDb.rows[0]!.n).toBe(0);
    const lines = fs.readFileSync(s.logFile!, 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    const [a, b] = lines.map((l) => parseCheckpoint(l)!);
    expect(a!.seq).toBe(first);
    expect(b!.seq).toBe(await headSeq(h));
    expect(b!.prev).toBe(lineHash(lines[0]!));
    expect(b!.kid).toBe(key.kid);
    // Nothing new: nothing written.
    expect((await checkpointNow(h.db, s)).status).toBe('unchanged');
    expect(fs.readFileSync(s.logFile!, 'utf8').trimEnd().split('\n')).toHaveLength(2);
  });

  it('verifies an intact chain as anchored, and reports records written since the last checkpoint as unprotected, not broken', async () => {
    const last = await headSeq(h);
    const r = await verifyAudit(h.db, { anchor: s, requireAnchor: true });
    expect(r).toMatchObject({ ok: true, anchor: { status: 'anchored', checkpoints: 2, protected: { from: 1, to: last }, unprotected: null, keySource: 'file' } });
    await write(h, 3);
    const later = await verifyAudit(h.db, { anchor: s, requireAnchor: true });
    expect(later.ok).toBe(true);
    expect(later.firstBad).toBeUndefined();
    expect(later.anchor).toMatchObject({ status: 'anchored', latest: { seq: last }, protected: { from: 1, to: last }, unprotected: { from: last + 1, to: last + 3 } });
    expect(later.anchor!.message).toBe(`records 1–${last} protected by checkpoint at ${later.anchor!.latest!.at}; records ${last + 1}–${last + 3} not yet checkpointed`);
  });

  // The three attacks of issue 12 item 9: each beats the chain alone (hashes recomputed), none beats the checkpoints.
  for (const [name, attack] of [
    ['a record edited', editAndRechain],
    ['a record inserted', insertAndRechain],
    ['a record deleted', deleteAndRechain],
  ] as const) {
    it(`detects ${name} in SQL with every later hash and audit_head recomputed`, async () => {
      const target = first - 2;
      await attack(h.db, target);
      // The chain alone is fooled: this is the defect.
      expect(await verifyAudit(h.db)).toMatchObject({ ok: true });
      const r = await verifyAudit(h.db, { anchor: s });
      expect(r.ok).toBe(false);
      expect(r.firstBad).toMatchObject({ seq: first, reason: 'CHECKPOINT_MISMATCH' });
      expect(r.firstBad!.message).toMatch(/from the first record/);
      expect(r.anchor).toMatchObject({ status: 'broken' });
      // And the writer refuses to sign the rewritten chain.
      await write(h, 1);
      expect(await checkpointNow(h.db, s)).toMatchObject({ status: 'refused', reason: 'REWRITTEN' });
    });
  }

  it('names the range after the last matching checkpoint when only later records were rewritten', async () => {
    const last = await headSeq(h);
    await editAndRechain(h.db, first + 2);
    const r = await verifyAudit(h.db, { anchor: s });
    expect(r.firstBad).toMatchObject({ seq: last, reason: 'CHECKPOINT_MISMATCH' });
    expect(r.firstBad!.message).toMatch(new RegExp(`after record ${first}\\b`));
  });

  it('detects the newest records deleted together with audit_head set back', async () => {
    const last = await headSeq(h);
    await sql`delete from audit_log where seq > ${last - 2}`.execute(h.db);
    const prev = await h.db.selectFrom('audit_log').select(['seq', 'hash']).where('seq', '=', last - 2).executeTakeFirstOrThrow();
    await sql`update audit_head set seq = ${last - 2}, hash = ${prev.hash}`.execute(h.db);
    expect((await verifyAudit(h.db)).ok).toBe(true);
    expect(await verifyAudit(h.db, { anchor: s })).toMatchObject({ ok: false, firstBad: { seq: last, reason: 'CHECKPOINT_RECORD_MISSING' } });
    expect(await checkpointNow(h.db, s)).toMatchObject({ status: 'refused', reason: 'LOG_AHEAD' });
  });

  it('detects a tampered checkpoint line, and rejects one signed by another key', async () => {
    const text = fs.readFileSync(s.logFile!, 'utf8');
    const lines = text.trimEnd().split('\n');
    const c = parseCheckpoint(lines[1]!)!;
    fs.writeFileSync(s.logFile!, `${lines[0]}\n${checkpointLine({ ...c, sig: (c.sig[0] === 'a' ? 'b' : 'a') + c.sig.slice(1) })}\n`);
    expect(await verifyAudit(h.db, { anchor: s })).toMatchObject({ ok: false, anchor: { status: 'broken', problem: { line: 2, reason: 'CHECKPOINT_BAD_SIGNATURE' } } });

    // A well-formed, linked checkpoint of the true head, signed by a key that is not ours.
    const other = generateSm2KeyPair();
    const { line } = signCheckpoint({ seq: c.seq, hash: c.hash, at: c.at, prev: lineHash(lines[0]!) }, other);
    fs.writeFileSync(s.logFile!, `${lines[0]}\n${line}\n`);
    const r = await verifyAudit(h.db, { anchor: s });
    expect(r).toMatchObject({ ok: false, anchor: { status: 'broken', problem: { line: 2, reason: 'CHECKPOINT_UNKNOWN_KEY' } } });
    expect(r.anchor!.problem!.message).toContain(keyId(other.publicKey));
  });

  it('verifies with only the public key (QIFU_AUDIT_PUBLIC_KEY) and rejects the log under a different one', async () => {
    const { publicKey } = JSON.parse(fs.readFileSync(s.keyFile!, 'utf8')) as { publicKey: string };
    const verifier = anchorSettings({ ...config, auditKeyFile: path.join(dir, 'absent.json'), auditPublicKeys: [publicKey] });
    expect(await verifyAudit(h.db, { anchor: verifier, requireAnchor: true })).toMatchObject({ ok: true, anchor: { status: 'anchored', keySource: 'config', keyFile: null } });
    const stranger = anchorSettings({ ...config, auditPublicKeys: [generateSm2KeyPair().publicKey] });
    expect(await verifyAudit(h.db, { anchor: stranger })).toMatchObject({ ok: false, anchor: { status: 'broken', problem: { reason: 'CHECKPOINT_UNKNOWN_KEY' } } });
  });

  it('says clearly when nothing anchors the chain: no key, no log, no data directory', async () => {
    fs.rmSync(s.logFile!);
    const noLog = await verifyAudit(h.db, { anchor: s });
    expect(noLog).toMatchObject({ ok: true, anchor: { status: 'unanchored', missing: 'LOG', protected: null, unprotected: { from: 1 } } });
    expect(await verifyAudit(h.db, { anchor: s, requireAnchor: true })).toMatchObject({ ok: false, anchor: { status: 'unanchored' } });
    fs.rmSync(s.keyFile!);
    expect((await verifyAudit(h.db, { anchor: s })).anchor).toMatchObject({ status: 'unanchored', missing: 'KEY' });
    const memory = anchorSettings({ ...config, dataDir: 'memory://' });
    expect(memory.keyFile).toBeNull();
    expect((await verifyAudit(h.db, { anchor: memory })).anchor).toMatchObject({ status: 'unanchored', missing: 'KEY' });
    expect(await checkpointNow(h.db, memory)).toMatchObject({ status: 'disabled' });
    fs.writeFileSync(s.keyFile!, '{"format":"qifu-audit-key/1","privateKey":"00"}');
    expect(await verifyAudit(h.db, { anchor: s })).toMatchObject({ ok: false, anchor: { status: 'broken', problem: { reason: 'ANCHOR_UNREADABLE' } } });
  });

  it('ignores a line cut short by a crash and cuts it off at the next checkpoint', async () => {
    fs.appendFileSync(s.logFile!, '{"v":1,"seq":99');
    const r = await verifyAudit(h.db, { anchor: s, requireAnchor: true });
    expect(r.ok).toBe(true);
    expect(r.anchor!.warnings.join()).toMatch(/incomplete line/);
    await write(h, 1);
    expect((await checkpointNow(h.db, s)).status).toBe('written');
    expect(fs.readFileSync(s.logFile!, 'utf8')).not.toContain('"seq":99');
    expect(await verifyAudit(h.db, { anchor: s, requireAnchor: true })).toMatchObject({ ok: true, anchor: { checkpoints: 3, warnings: [] } });
  });

  it('rotates the key: new checkpoints use the new key, old ones still verify, a verifier with only the new key is told', async () => {
    const before = (JSON.parse(fs.readFileSync(s.keyFile!, 'utf8')) as { kid: string }).kid;
    const { key, previous } = await rotateKey(s.keyFile!);
    expect(previous).toBe(before);
    expect(key.kid).not.toBe(before);
    expect(fs.statSync(s.keyFile!).mode & 0o777).toBe(0o600);
    await write(h, 2);
    const o = await checkpointNow(h.db, s);
    expect(o).toMatchObject({ status: 'written', checkpoint: { kid: key.kid } });
    expect(await verifyAudit(h.db, { anchor: s, requireAnchor: true })).toMatchObject({ ok: true, anchor: { status: 'anchored', checkpoints: 3, kids: [key.kid, before] } });
    const onlyNew = anchorSettings({ ...config, auditPublicKeys: [key.publicKey] });
    expect((await verifyAudit(h.db, { anchor: onlyNew })).anchor).toMatchObject({ status: 'broken', problem: { line: 1, reason: 'CHECKPOINT_UNKNOWN_KEY' } });
  });

  it('creates the key once even when several writers race for it', async () => {
    const file = path.join(dir, 'race', 'audit-key.json');
    const keys = await Promise.all(Array.from({ length: 6 }, () => loadOrCreateKey(file)));
    expect(new Set(keys.map((k) => k.kid)).size).toBe(1);
    expect(fs.readdirSync(path.dirname(file))).toEqual(['audit-key.json']);
  });

  it('the durable job checkpoints when the chain has grown and schedules the next slot (F-8)', async () => {
    await h.db.deleteFrom('jobs').execute();
    const now = new Date();
    await scheduleNextCheckpoint(h.db, 5, now);
    const runner = new JobRunner(h.db, new Map([[CHECKPOINT_JOB, checkpointJob]]), silent, 1000, config);
    const slot = (await h.db.selectFrom('jobs').select('run_at').where('name', '=', CHECKPOINT_JOB).executeTakeFirstOrThrow()).run_at;
    expect(new Date(slot).getTime() % 300_000).toBe(0);
    await write(h, 2);
    expect(await runner.runOne(new Date(new Date(slot).getTime() + 1000))).toBe('done');
    expect(fs.readFileSync(s.logFile!, 'utf8').trimEnd().split('\n')).toHaveLength(3);
    const pending = await h.db.selectFrom('jobs').select(['run_at', 'dedupe_key']).where('name', '=', CHECKPOINT_JOB).where('status', '=', 'pending').execute();
    expect(pending).toHaveLength(1);
    // Scheduling the same slot again (another node starting) adds nothing.
    expect(await scheduleNextCheckpoint(h.db, 5, new Date(new Date(pending[0]!.run_at).getTime() - 1000))).toBeNull();
    // The next run without new records writes nothing but keeps the schedule going.
    expect(await runner.runOne(new Date(new Date(pending[0]!.run_at).getTime() + 1000))).toBe('done');
    expect(fs.readFileSync(s.logFile!, 'utf8').trimEnd().split('\n')).toHaveLength(3);
    expect(await h.db.selectFrom('jobs').select('id').where('name', '=', CHECKPOINT_JOB).where('status', '=', 'pending').execute()).toHaveLength(1);
  });

  it('the server worker checkpoints at start and at stop, and schedules the job', async () => {
    await h.db.deleteFrom('jobs').execute();
    await write(h, 2);
    const w = anchorWorker(h.db, config, silent);
    w.start();
    await expect.poll(() => fs.readFileSync(s.logFile!, 'utf8').trimEnd().split('\n').length).toBe(3);
    await write(h, 1);
    await w.stop();
    const lines = fs.readFileSync(s.logFile!, 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    expect(parseCheckpoint(lines[3]!)!.seq).toBe(await headSeq(h));
    expect(await h.db.selectFrom('jobs').select('id').where('name', '=', CHECKPOINT_JOB).execute()).toHaveLength(1);
  });

  it('copies each checkpoint to the witness in order, retrying after a failure without losing one', async () => {
    const received: string[] = [];
    let fail = 1;
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        if (fail > 0) {
          fail--;
          res.writeHead(503).end();
          return;
        }
        received.push(body);
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as { port: number }).port;
      const ws = anchorSettings({ ...config, auditWitnessUrl: `http://127.0.0.1:${port}/witness` });
      const sender = new WitnessSender(ws, silent);
      expect(await sender.deliverPending()).toMatchObject({ delivered: 0, error: 'HTTP 503' });
      expect(await sender.deliverPending()).toEqual({ delivered: 2, error: null });
      await write(h, 1);
      await checkpointNow(h.db, ws);
      // A new sender (a restart) resumes after what was delivered.
      expect(await new WitnessSender(ws, silent).deliverPending()).toEqual({ delivered: 1, error: null });
      expect(received).toEqual(fs.readFileSync(s.logFile!, 'utf8').trimEnd().split('\n'));
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

// Several app nodes on one native PostgreSQL, each with its own connection pool, sharing one log file.
describe.runIf(testBackend() === 'pg')('audit checkpoints from several nodes', () => {
  it('keeps one ordered, linked log while nodes write and checkpoint at the same time', async () => {
    const h = await testDatabase();
    const u = new URL(inject('pgAdminUrl')!);
    u.pathname = `/${(await sql<{ d: string }>`select current_database() as d`.execute(h.db)).rows[0]!.d}`;
    const url = u.toString();
    const nodes = await Promise.all([openDatabase({ databaseUrl: url }), openDatabase({ databaseUrl: url })]);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qifu-anchor-nodes-'));
    try {
      const s = anchorSettings({ ...loadConfig({}), dataDir: dir });
      await Promise.all(
        nodes.map(async (n) => {
          for (let i = 0; i < 8; i++) {
            await write(n, 2);
            await checkpointNow(n.db, s);
          }
        }),
      );
      const r = await verifyAudit(h.db, { anchor: s, requireAnchor: true });
      expect(r).toMatchObject({ ok: true, anchor: { status: 'anchored', unprotected: null } });
      expect(r.anchor!.checkpoints).toBeGreaterThan(1);
    } finally {
      for (const n of nodes) await n.close();
      await h.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
