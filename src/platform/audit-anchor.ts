import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { checkCheckpointLog, keyId, lineHash, parseCheckpoint, signCheckpoint, splitLog, type Checkpoint, type CheckedLog } from '../core/crypto/audit-anchor.ts';
import { GENESIS_HASH } from '../core/crypto/audit-chain.ts';
import { generateSm2KeyPair, sm2IsPublicKey, sm2PublicKeyOf } from '../core/crypto/sm.ts';
import type { Config } from './config.ts';
import type { Db, Tx } from './db/schema.ts';
import { scheduleJob, type JobHandler } from './jobs.ts';

/**
 * Audit checkpoints outside the database (SPEC F-4, §11). The signing key is
 * a file (never a database row), each checkpoint a line appended and fsynced
 * to a log file, optionally copied to a witness over HTTP. Verification
 * (verifyAudit in ./audit.ts) trusts only the log and the public keys. The
 * pure format and log check are in src/core/crypto/audit-anchor.ts.
 */
export interface AnchorSettings {
  /** The SM2 key file; null when there is no data directory (memory://) and none is configured. */
  keyFile: string | null;
  logFile: string | null;
  /** Public keys a verifier trusts (QIFU_AUDIT_PUBLIC_KEY); when set, the key file is not consulted for verification. */
  publicKeys: readonly string[] | null;
  witnessUrl: string | null;
  checkpointMinutes: number;
}

type AnchorConfig = Pick<Config, 'dataDir' | 'auditKeyFile' | 'auditCheckpointLog' | 'auditPublicKeys' | 'auditWitnessUrl' | 'auditCheckpointMinutes'>;

export function anchorSettings(config: AnchorConfig): AnchorSettings {
  const dir = config.dataDir.startsWith('memory://') ? null : path.resolve(config.dataDir);
  const file = (explicit: string | undefined, name: string) => (explicit ? path.resolve(explicit) : dir ? path.join(dir, name) : null);
  return {
    keyFile: file(config.auditKeyFile, 'audit-key.json'),
    logFile: file(config.auditCheckpointLog, 'audit-checkpoints.jsonl'),
    publicKeys: config.auditPublicKeys?.length ? config.auditPublicKeys : null,
    witnessUrl: config.auditWitnessUrl ?? null,
    checkpointMinutes: config.auditCheckpointMinutes,
  };
}

// ---------------------------------------------------------------- key file

export interface AuditKeyFile {
  format: 'qifu-audit-key/1';
  algorithm: 'SM2';
  kid: string;
  publicKey: string;
  privateKey: string;
  createdAt: string;
  /** Earlier keys, public halves only, kept so old checkpoints still verify. */
  retired: Array<{ kid: string; publicKey: string; createdAt: string; retiredAt: string }>;
}

export class AnchorError extends Error {}

function isNotFound(err: unknown): boolean {
  return (err as NodeJS.ErrnoException | null)?.code === 'ENOENT';
}

/** Reads and checks the key file; null if it does not exist. */
export async function readKeyFile(file: string): Promise<AuditKeyFile | null> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if (isNotFound(err)) return null;
    throw new AnchorError(`cannot read the audit key file ${file}: ${(err as Error).message}`);
  }
  let k: AuditKeyFile;
  try {
    k = JSON.parse(text) as AuditKeyFile;
  } catch {
    throw new AnchorError(`the audit key file ${file} is not JSON`);
  }
  const ok =
    k?.format === 'qifu-audit-key/1' &&
    typeof k.privateKey === 'string' &&
    /^[0-9a-f]{64}$/i.test(k.privateKey) &&
    typeof k.publicKey === 'string' &&
    sm2IsPublicKey(k.publicKey) &&
    sm2PublicKeyOf(k.privateKey).toLowerCase() === k.publicKey.toLowerCase() &&
    k.kid === keyId(k.publicKey) &&
    Array.isArray(k.retired) &&
    k.retired.every((r) => typeof r?.publicKey === 'string' && sm2IsPublicKey(r.publicKey) && r.kid === keyId(r.publicKey));
  if (!ok) throw new AnchorError(`the audit key file ${file} is damaged (format, key pair or key ids do not match)`);
  return k;
}

function newKey(now: Date): Omit<AuditKeyFile, 'retired'> {
  const kp = generateSm2KeyPair();
  return { format: 'qifu-audit-key/1', algorithm: 'SM2', kid: keyId(kp.publicKey), publicKey: kp.publicKey, privateKey: kp.privateKey, createdAt: now.toISOString() };
}

async function fsyncDir(dir: string): Promise<void> {
  const h = await fs.open(dir, 'r').catch(() => null);
  if (!h) return;
  try {
    await h.sync();
  } catch {
    // some file systems refuse fsync on a directory; the file itself is synced
  } finally {
    await h.close();
  }
}

/** Writes `text` to a new 0600 file beside `file`, synced; returns its path. */
async function writeTemp(file: string, text: string): Promise<string> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const h = await fs.open(tmp, 'wx', 0o600);
  try {
    await h.writeFile(text, 'utf8');
    await h.chmod(0o600);
    await h.sync();
  } finally {
    await h.close();
  }
  return tmp;
}

/**
 * The signing key, created on first use (mode 0600). Creation is atomic and
 * race-free across processes: the key is written to a temporary file and
 * hard-linked into place, which fails if another process got there first.
 */
export async function loadOrCreateKey(file: string, now: Date = new Date()): Promise<AuditKeyFile> {
  const existing = await readKeyFile(file);
  if (existing) return existing;
  const key: AuditKeyFile = { ...newKey(now), retired: [] };
  const tmp = await writeTemp(file, `${JSON.stringify(key, null, 2)}\n`);
  try {
    await fs.link(tmp, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new AnchorError(`cannot create the audit key file ${file}: ${(err as Error).message}`);
  } finally {
    await fs.unlink(tmp).catch(() => undefined);
  }
  await fsyncDir(path.dirname(file));
  const stored = await readKeyFile(file);
  if (!stored) throw new AnchorError(`the audit key file ${file} vanished while being created`);
  return stored;
}

/** Replaces the signing key; the old public key moves to `retired` so earlier checkpoints still verify. */
export async function rotateKey(file: string, now: Date = new Date()): Promise<{ previous: string | null; key: AuditKeyFile }> {
  const old = await readKeyFile(file);
  if (!old) return { previous: null, key: await loadOrCreateKey(file, now) };
  const key: AuditKeyFile = {
    ...newKey(now),
    retired: [...old.retired, { kid: old.kid, publicKey: old.publicKey, createdAt: old.createdAt, retiredAt: now.toISOString() }],
  };
  const tmp = await writeTemp(file, `${JSON.stringify(key, null, 2)}\n`);
  await fs.rename(tmp, file);
  await fsyncDir(path.dirname(file));
  return { previous: old.kid, key };
}

export interface TrustedKeys {
  source: 'config' | 'file';
  /** kid → public key. */
  keys: Map<string, string>;
  warnings: string[];
}

/** The public keys verification trusts: QIFU_AUDIT_PUBLIC_KEY if set, else the key file's current and retired keys. */
export async function trustedKeys(s: AnchorSettings): Promise<TrustedKeys | null> {
  if (s.publicKeys) {
    const bad = s.publicKeys.find((k) => !sm2IsPublicKey(k));
    if (bad) throw new AnchorError(`QIFU_AUDIT_PUBLIC_KEY holds a value that is not an SM2 public key: ${bad.slice(0, 20)}…`);
    return { source: 'config', keys: new Map(s.publicKeys.map((k) => [keyId(k), k.toLowerCase()])), warnings: [] };
  }
  if (!s.keyFile) return null;
  const k = await readKeyFile(s.keyFile);
  if (!k) return null;
  const warnings: string[] = [];
  const st = await fs.stat(s.keyFile);
  if (process.platform !== 'win32' && (st.mode & 0o077) !== 0) warnings.push(`the audit key file ${s.keyFile} is readable by other users (mode ${(st.mode & 0o777).toString(8)}); chmod 600 it`);
  return { source: 'file', keys: new Map([[k.kid, k.publicKey.toLowerCase()], ...k.retired.map((r) => [r.kid, r.publicKey.toLowerCase()] as [string, string])]), warnings };
}

// ---------------------------------------------------------------- the log

/** Reads the whole checkpoint log; null if the file does not exist. */
export async function readLog(file: string): Promise<{ lines: string[]; fragment: string | null } | null> {
  try {
    return splitLog(await fs.readFile(file, 'utf8'));
  } catch (err) {
    if (isNotFound(err)) return null;
    throw new AnchorError(`cannot read the audit checkpoint log ${file}: ${(err as Error).message}`);
  }
}

export type AnchorState =
  | { kind: 'unanchored'; missing: 'KEY' | 'LOG' | 'CHECKPOINT'; message: string; keys: TrustedKeys | null }
  | { kind: 'log'; keys: TrustedKeys; checked: CheckedLog; fragment: boolean }
  | { kind: 'error'; message: string; keys: TrustedKeys | null };

/** What verification starts from: the trusted keys and the checked log, or why there is nothing to check against. */
export async function loadAnchor(s: AnchorSettings): Promise<AnchorState> {
  try {
    return await loadAnchorOrThrow(s);
  } catch (err) {
    if (err instanceof AnchorError) return { kind: 'error', message: err.message, keys: null };
    throw err;
  }
}

async function loadAnchorOrThrow(s: AnchorSettings): Promise<AnchorState> {
  const keys = await trustedKeys(s);
  if (!keys) {
    const where = s.keyFile ? `no audit key file at ${s.keyFile}` : 'no data directory for an audit key file';
    return { kind: 'unanchored', missing: 'KEY', keys: null, message: `${where} and no QIFU_AUDIT_PUBLIC_KEY: checkpoints cannot be verified` };
  }
  if (!s.logFile) return { kind: 'unanchored', missing: 'LOG', keys, message: 'no checkpoint log configured (QIFU_AUDIT_CHECKPOINT_LOG)' };
  const log = await readLog(s.logFile);
  if (!log) return { kind: 'unanchored', missing: 'LOG', keys, message: `no checkpoint log at ${s.logFile}` };
  if (log.lines.length === 0) return { kind: 'unanchored', missing: 'CHECKPOINT', keys, message: `the checkpoint log ${s.logFile} holds no checkpoint yet` };
  return { kind: 'log', keys, checked: checkCheckpointLog(log.lines, keys.keys), fragment: log.fragment !== null };
}

// ---------------------------------------------------------------- writing

export type CheckpointOutcome =
  | { status: 'written'; checkpoint: Checkpoint; log: string }
  | { status: 'unchanged'; checkpoint: Checkpoint; log: string }
  | { status: 'empty' }
  | { status: 'disabled'; message: string }
  | { status: 'refused'; reason: 'LOG_AHEAD' | 'REWRITTEN' | 'HEAD_INCONSISTENT' | 'LOG_UNREADABLE'; message: string };

/** Serialises checkpoint writers of every app node (and the CLI) sharing one database. */
const CHECKPOINT_LOCK = 5_143_200_001;

/**
 * The last complete line of the log, after cutting off a trailing fragment
 * (a write cut short by a crash: it was never synced, so it never counted).
 */
async function lastLine(h: fs.FileHandle): Promise<string | null> {
  const { size } = await h.stat();
  if (size === 0) return null;
  const len = Math.min(size, 65_536);
  const buf = Buffer.alloc(len);
  await h.read(buf, 0, len, size - len);
  const tooLong = () => new AnchorError('the last line of the checkpoint log is longer than 64 KiB');
  // `end`: index just past the newline that ends the last complete line.
  let end = buf.length;
  if (buf[end - 1] !== 0x0a) {
    const nl = buf.lastIndexOf(0x0a);
    if (nl < 0 && len < size) throw tooLong();
    await h.truncate(size - len + nl + 1);
    await h.sync();
    end = nl + 1;
    if (end === 0) return null;
  }
  const start = end >= 2 ? buf.lastIndexOf(0x0a, end - 2) + 1 : 0;
  if (start === 0 && len < size) throw tooLong();
  return buf.subarray(start, end - 1).toString('utf8');
}

/**
 * Signs the current chain head and appends it to the log, fsynced before it
 * counts. Runs in the caller's transaction only for the advisory lock and a
 * consistent read; it writes nothing to the database. Writes nothing when the
 * chain has not grown since the last checkpoint, and refuses (without
 * throwing) when the database no longer holds what the last checkpoint
 * signed: signing then would only hide the question from the operator.
 */
export async function writeCheckpoint(tx: Tx, s: AnchorSettings, now: Date = new Date()): Promise<CheckpointOutcome> {
  if (!s.keyFile || !s.logFile) return { status: 'disabled', message: 'no data directory: set QIFU_AUDIT_KEY_FILE and QIFU_AUDIT_CHECKPOINT_LOG' };
  await sql`select pg_advisory_xact_lock(${CHECKPOINT_LOCK})`.execute(tx);
  const head = await tx.selectFrom('audit_head').select(['seq', 'hash']).where('id', '=', 1).executeTakeFirst();
  const headSeq = head ? Number(head.seq) : 0;
  if (!head || headSeq === 0) return { status: 'empty' };
  const hashAt = async (seq: number) => (await tx.selectFrom('audit_log').select('hash').where('seq', '=', seq).executeTakeFirst())?.hash ?? null;
  if ((await hashAt(headSeq)) !== head.hash) {
    return { status: 'refused', reason: 'HEAD_INCONSISTENT', message: `audit_head names record ${headSeq}, but the log does not hold it with that hash; run qifu audit verify` };
  }
  await fs.mkdir(path.dirname(s.logFile), { recursive: true });
  const h = await fs.open(s.logFile, 'a+', 0o600);
  try {
    const line = await lastLine(h);
    const last = line === null ? null : parseCheckpoint(line);
    if (line !== null && !last) return { status: 'refused', reason: 'LOG_UNREADABLE', message: `the last line of ${s.logFile} is not a checkpoint; run qifu audit verify` };
    if (last) {
      if (last.seq === headSeq && last.hash === head.hash) return { status: 'unchanged', checkpoint: last, log: s.logFile };
      if (last.seq > headSeq) {
        return { status: 'refused', reason: 'LOG_AHEAD', message: `the last checkpoint covers record ${last.seq}, but the database ends at record ${headSeq} (records deleted, or the database restored from an older backup); run qifu audit verify` };
      }
      if ((await hashAt(last.seq)) !== last.hash) {
        return { status: 'refused', reason: 'REWRITTEN', message: `record ${last.seq} no longer has the hash signed at ${last.at}: the chain was rewritten; run qifu audit verify` };
      }
    }
    const key = await loadOrCreateKey(s.keyFile, now);
    // Nodes' clocks differ a little: never let time go back in the log.
    const at = last && last.at > now.toISOString() ? last.at : now.toISOString();
    const { checkpoint, line: text } = signCheckpoint({ seq: headSeq, hash: head.hash, at, prev: line === null ? GENESIS_HASH : lineHash(line) }, key);
    // One write of one line on an O_APPEND descriptor, then fsync: only then does it count.
    await h.write(`${text}\n`);
    await h.sync();
    if (line === null) await fsyncDir(path.dirname(s.logFile));
    return { status: 'written', checkpoint, log: s.logFile };
  } finally {
    await h.close();
  }
}

/** Writes a checkpoint in its own transaction (server start/stop, CLI). */
export function checkpointNow(db: Db, s: AnchorSettings, now: Date = new Date()): Promise<CheckpointOutcome> {
  return db.transaction().execute((tx) => writeCheckpoint(tx, s, now));
}

export function describeOutcome(o: CheckpointOutcome): string {
  switch (o.status) {
    case 'written':
      return `checkpoint written: record ${o.checkpoint.seq} (hash ${o.checkpoint.hash.slice(0, 16)}…) signed by key ${o.checkpoint.kid} at ${o.checkpoint.at} → ${o.log}`;
    case 'unchanged':
      return `no new records since the checkpoint of record ${o.checkpoint.seq} at ${o.checkpoint.at} (${o.log})`;
    case 'empty':
      return 'the audit log is empty: nothing to checkpoint';
    case 'disabled':
      return `audit checkpoints are off: ${o.message}`;
    case 'refused':
      return `checkpoint refused: ${o.message}`;
  }
}

// ---------------------------------------------------------------- schedule (F-8)

export const CHECKPOINT_JOB = 'audit.checkpoint';

/** Schedules the checkpoint of the next slot of `minutes` (idempotent: one job per slot, whichever node asks). */
export function scheduleNextCheckpoint(db: Db | Tx, minutes: number, now: Date = new Date()): Promise<number | null> {
  const step = minutes * 60_000;
  const runAt = new Date((Math.floor(now.getTime() / step) + 1) * step);
  return scheduleJob(db, { name: CHECKPOINT_JOB, payload: { slot: runAt.toISOString() }, runAt, dedupeKey: runAt.toISOString(), maxAttempts: 3 });
}

/**
 * The recurring job: checkpoint if the chain has grown, then schedule the
 * next slot (from now, so slots missed while stopped are not replayed), and
 * forget checkpoint jobs done more than a day ago (288 a day at 5 minutes).
 */
export const checkpointJob: JobHandler = async (payload, tx, job) => {
  if (!job.config) throw new Error('the audit checkpoint job needs the server configuration (JobRunner without config)');
  const s = anchorSettings(job.config);
  if (!s.keyFile || !s.logFile || s.checkpointMinutes === 0) return;
  try {
    const outcome = await writeCheckpoint(tx, s);
    if (outcome.status === 'refused') job.log.error({ reason: outcome.reason }, describeOutcome(outcome));
    else if (outcome.status === 'written') job.log.info(describeOutcome(outcome));
  } catch (err) {
    // A file that cannot be written (disk full, permissions) must not end the schedule:
    // log it and try again next slot. A database error aborts `tx`, and the job is retried instead.
    job.log.error({ err }, 'audit checkpoint failed');
  }
  // The slot after this one, or after now if this one ran late.
  const slot = Date.parse(String((payload as { slot?: unknown } | null)?.slot ?? ''));
  await scheduleNextCheckpoint(tx, s.checkpointMinutes, new Date(Math.max(Date.now(), Number.isNaN(slot) ? 0 : slot)));
  await tx.deleteFrom('jobs').where('name', '=', CHECKPOINT_JOB).where('status', '=', 'done').where('done_at', '<', new Date(Date.now() - 86_400_000)).execute();
};

// ---------------------------------------------------------------- witness

/**
 * Copies each checkpoint line to a witness (QIFU_AUDIT_WITNESS_URL) by HTTP
 * POST, in log order, at least once. Runs outside any database transaction
 * (a slow witness must not hold the single PGlite session, as for webhooks);
 * what was delivered is a byte offset in `<log>.witness`, beside the log, so
 * a restart resumes where it stopped and a failure never blocks a write.
 */
export class WitnessSender {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;
  private stopped = true;
  private failures = 0;
  private nextTry = 0;

  constructor(
    private readonly s: AnchorSettings,
    private readonly log: { warn(obj: unknown, msg: string): void; info(obj: unknown, msg: string): void },
    private readonly pollMs = 15_000,
    private readonly timeoutMs = 10_000,
  ) {}

  private get markerFile(): string {
    return `${this.s.logFile}.witness`;
  }

  start(): void {
    if (!this.stopped || !this.s.witnessUrl || !this.s.logFile) return;
    this.stopped = false;
    const loop = (): void => {
      if (this.stopped) return;
      this.running = (Date.now() >= this.nextTry ? this.deliverPending() : Promise.resolve())
        .catch((err: unknown) => this.log.warn({ err }, 'audit witness delivery failed'))
        .finally(() => {
          this.running = null;
          if (!this.stopped) this.timer = setTimeout(loop, this.pollMs);
        });
    };
    loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  private async offset(): Promise<number> {
    try {
      const v = JSON.parse(await fs.readFile(this.markerFile, 'utf8')) as { offset?: unknown };
      return typeof v.offset === 'number' && v.offset >= 0 ? v.offset : 0;
    } catch {
      return 0;
    }
  }

  private async setOffset(offset: number): Promise<void> {
    const tmp = await writeTemp(this.markerFile, JSON.stringify({ offset }));
    await fs.rename(tmp, this.markerFile);
  }

  /** Posts every line not yet delivered, in order; stops at the first failure (retried later with backoff). */
  async deliverPending(): Promise<{ delivered: number; error: string | null }> {
    if (!this.s.witnessUrl || !this.s.logFile) return { delivered: 0, error: null };
    let text: string;
    try {
      text = await fs.readFile(this.s.logFile, 'utf8');
    } catch (err) {
      if (isNotFound(err)) return { delivered: 0, error: null };
      throw err;
    }
    const bytes = Buffer.from(text, 'utf8');
    let offset = await this.offset();
    if (offset > bytes.length) {
      this.log.warn({ offset, size: bytes.length }, 'audit checkpoint log is shorter than what the witness already received: starting over');
      offset = 0;
    }
    let delivered = 0;
    for (;;) {
      const nl = bytes.indexOf(0x0a, offset);
      if (nl < 0) break;
      const line = bytes.subarray(offset, nl).toString('utf8');
      const c = parseCheckpoint(line);
      let error: string | null = null;
      try {
        const res = await fetch(this.s.witnessUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-qifu-audit-checkpoint': c ? `${c.kid}:${c.seq}` : 'unparsable' },
          body: line,
          signal: AbortSignal.timeout(this.timeoutMs),
        });
        if (!res.ok) error = `HTTP ${res.status}`;
      } catch (err) {
        error = err instanceof Error ? err.message : String(err);
      }
      if (error !== null) {
        this.failures++;
        this.nextTry = Date.now() + Math.min(3_600_000, 2 ** this.failures * 15_000);
        this.log.warn({ witness: this.s.witnessUrl, seq: c?.seq, attempts: this.failures, error }, 'audit witness did not accept a checkpoint; will retry');
        return { delivered, error };
      }
      this.failures = 0;
      this.nextTry = 0;
      offset = nl + 1;
      await this.setOffset(offset);
      delivered++;
    }
    return { delivered, error: null };
  }
}

// ---------------------------------------------------------------- with the server

/**
 * Started with the server: a checkpoint at start and at stop (cheap: nothing
 * is written when the chain has not grown), the recurring job's next slot as a
 * row in `jobs` (not a timer), and the witness sender.
 */
export function anchorWorker(db: Db, config: Config, log: { warn(obj: unknown, msg: string): void; info(obj: unknown, msg: string): void; error(obj: unknown, msg: string): void }): { start(): void; stop(): Promise<void> } {
  const s = anchorSettings(config);
  const witness = new WitnessSender(s, log);
  let pending: Promise<unknown> | null = null;
  const checkpoint = async (when: string): Promise<void> => {
    const o = await checkpointNow(db, s);
    if (o.status === 'refused') log.error({ reason: o.reason }, describeOutcome(o));
    else if (o.status === 'written') log.info({ at: when, node: `${os.hostname()}:${process.pid}` }, describeOutcome(o));
  };
  return {
    start() {
      if (!s.keyFile || !s.logFile) return;
      pending = (async () => {
        await checkpoint('start');
        if (s.checkpointMinutes > 0) await scheduleNextCheckpoint(db, s.checkpointMinutes);
      })().catch((err: unknown) => log.error({ err }, 'audit checkpoint at start failed'));
      witness.start();
    },
    async stop() {
      await pending;
      await witness.stop();
      if (!s.keyFile || !s.logFile) return;
      await checkpoint('stop').catch((err: unknown) => log.error({ err }, 'audit checkpoint at stop failed'));
    },
  };
}
