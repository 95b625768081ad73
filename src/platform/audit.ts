import { auditHash, describeProblem, GENESIS_HASH, verifyChain, type ChainProblem, type ChainedAuditRecord } from '../core/crypto/audit-chain.ts';
import { canonicalJson, sm3 } from '../core/crypto/sm.ts';
import { loadAnchor, type AnchorSettings } from './audit-anchor.ts';
import type { AuthUser } from './access.ts';
import type { Db, Executor, Tx } from './db/schema.ts';

/** Who did something: a logged-in user, the CLI operator, or the system itself. */
export interface Actor {
  userId: number | null;
  username: string;
  role: string;
}

export const SYSTEM_ACTOR: Actor = { userId: null, username: 'system', role: 'system' };

/** The logged-in user as the actor of an audited write. */
export function actorOf(user: AuthUser): Actor {
  return { userId: user.id, username: user.username, role: user.role };
}

export interface AuditEntry {
  action: string;
  target: string;
  /** What changed; its SM3 digest is recorded (the content itself stays in the owning table). */
  change: unknown;
}

/**
 * Appends one hash-chained record inside the caller's transaction (SPEC F-4),
 * so the record exists if and only if the write commits. The head row is
 * locked first: concurrent writers queue here and the chain never forks.
 */
export async function appendAudit(tx: Tx, actor: Actor, entry: AuditEntry, now: Date = new Date()): Promise<number> {
  const head = await tx.selectFrom('audit_head').select(['seq', 'hash']).where('id', '=', 1).forUpdate().executeTakeFirst();
  let prev = head ?? { seq: 0, hash: GENESIS_HASH };
  if (!head) {
    // First record ever: create the head row; a concurrent first writer hits the primary key and retries its transaction.
    await tx.insertInto('audit_head').values({ id: 1, seq: 0, hash: GENESIS_HASH }).execute();
    prev = { seq: 0, hash: GENESIS_HASH };
  }
  const fields = {
    seq: prev.seq + 1,
    at: now.toISOString(),
    actor: actor.userId === null ? actor.username : `${actor.username}#${actor.userId}`,
    role: actor.role,
    action: entry.action,
    target: entry.target,
    digest: sm3(canonicalJson(entry.change)),
  };
  const hash = auditHash(prev.hash, fields);
  await tx.insertInto('audit_log').values({ ...fields, prev_hash: prev.hash, hash }).execute();
  await tx.updateTable('audit_head').set({ seq: fields.seq, hash }).where('id', '=', 1).execute();
  return fields.seq;
}

export type AuditProblemReason = ChainProblem['reason'] | 'CHECKPOINT_MISMATCH' | 'CHECKPOINT_RECORD_MISSING';

/** How the chain stands against the signed checkpoints outside the database (SPEC §11). */
export interface AnchorReport {
  /** anchored: every checkpoint verified and matched; unanchored: nothing to check against; broken: a checkpoint or the log fails. */
  status: 'anchored' | 'unanchored' | 'broken';
  /** Why unanchored: no public key (key file or QIFU_AUDIT_PUBLIC_KEY), no log file, or a log without checkpoints. */
  missing?: 'KEY' | 'LOG' | 'CHECKPOINT';
  message: string;
  keySource: 'config' | 'file' | null;
  keyFile: string | null;
  log: string | null;
  /** Ids of the trusted keys. */
  kids: string[];
  /** Checkpoints authenticated and checked against the records. */
  checkpoints: number;
  latest: { seq: number; hash: string; at: string; kid: string } | null;
  /** Records covered by the latest valid checkpoint, and those written since (not yet covered). */
  protected: { from: number; to: number } | null;
  unprotected: { from: number; to: number } | null;
  /** A problem in the log itself (bad line, link, order, key or signature). */
  problem?: { line: number | null; seq: number | null; reason: string; message: string };
  warnings: string[];
}

export interface AuditVerifyResult {
  /** No tampering found; with `requireAnchor`, also anchored. */
  ok: boolean;
  count: number;
  firstBad?: { seq: number; reason: AuditProblemReason; message: string };
  /** Present when verification was given anchor settings. */
  anchor?: AnchorReport;
}

export interface AuditVerifyOptions {
  /** Check the chain against the signed checkpoints too. */
  anchor?: AnchorSettings;
  /** Without a checkpoint to check against, `ok` is false (the CLI's default; `--allow-unanchored` turns it off). */
  requireAnchor?: boolean;
  pageSize?: number;
}

function checkpointProblem(seq: number, reason: 'CHECKPOINT_MISMATCH' | 'CHECKPOINT_RECORD_MISSING', cp: { at: string; kid: string }, after: number, lastSeq: number): NonNullable<AuditVerifyResult['firstBad']> {
  const since = after > 0 ? `after record ${after}, the previous checkpoint that matches` : 'from the first record';
  return {
    seq,
    reason,
    message:
      reason === 'CHECKPOINT_MISMATCH'
        ? `record ${seq}: hash differs from the checkpoint signed at ${cp.at} (key ${cp.kid}): records were edited, inserted or deleted ${since}, and the chain recomputed`
        : `record ${seq} is covered by the checkpoint signed at ${cp.at} (key ${cp.kid}), but the log ends at record ${lastSeq}: records were deleted (or the database restored from an older backup)`,
  };
}

/**
 * Re-reads the whole log in pages and checks every link (used by `qifu audit
 * verify`); with anchor settings, also every checkpoint in the log outside
 * the database: the record at each checkpoint's seq must exist with exactly
 * the signed hash, which is what a rewrite with recomputed hashes cannot keep.
 */
export async function verifyAudit(db: Executor, opts: AuditVerifyOptions = {}): Promise<AuditVerifyResult> {
  const pageSize = opts.pageSize ?? 5000;
  const anchor = opts.anchor ? await loadAnchor(opts.anchor) : null;
  const trusted = anchor?.kind === 'log' ? anchor.checked.trusted : [];
  const bySeq = new Map(trusted.map((c) => [c.seq, c]));
  let lastMatched = 0;
  let firstBad: AuditVerifyResult['firstBad'];

  const head = await db.selectFrom('audit_head').select(['seq', 'hash']).where('id', '=', 1).executeTakeFirst();
  let after = { seq: 0, hash: GENESIS_HASH };
  let count = 0;
  for (;;) {
    const rows = await db
      .selectFrom('audit_log')
      .selectAll()
      .where('seq', '>', after.seq)
      .orderBy('seq')
      .limit(pageSize)
      .execute();
    const records: ChainedAuditRecord[] = rows.map((r) => ({
      seq: Number(r.seq),
      at: new Date(r.at).toISOString(),
      actor: r.actor,
      role: r.role,
      action: r.action,
      target: r.target,
      digest: r.digest,
      prevHash: r.prev_hash,
      hash: r.hash,
    }));
    const last = records[records.length - 1];
    // Check this page against its predecessor; the head is checked only after the last page.
    const problem = verifyChain(records, last ? { seq: last.seq, hash: last.hash } : after, after);
    // A checkpoint mismatch before the first broken link is the earlier finding.
    const mismatch = records.find((r) => (!problem || r.seq < problem.seq) && bySeq.has(r.seq) && bySeq.get(r.seq)!.hash !== r.hash);
    for (const r of records) if (bySeq.get(r.seq)?.hash === r.hash && (!mismatch || r.seq < mismatch.seq)) lastMatched = r.seq;
    if (mismatch) {
      firstBad = checkpointProblem(mismatch.seq, 'CHECKPOINT_MISMATCH', bySeq.get(mismatch.seq)!, lastMatched, 0);
      count += records.indexOf(mismatch);
      break;
    }
    if (problem) {
      count += Math.max(0, records.findIndex((r) => r.seq >= problem.seq));
      firstBad = { seq: problem.seq, reason: problem.reason, message: describeProblem(problem) };
      break;
    }
    count += records.length;
    if (!last) break;
    after = { seq: last.seq, hash: last.hash };
    if (records.length < pageSize) break;
  }
  if (!firstBad) {
    const endProblem = verifyChain([], head ?? null, after);
    if (endProblem) firstBad = { seq: endProblem.seq, reason: endProblem.reason, message: describeProblem(endProblem) };
  }
  if (!firstBad) {
    const beyond = trusted.find((c) => c.seq > after.seq);
    if (beyond) firstBad = checkpointProblem(beyond.seq, 'CHECKPOINT_RECORD_MISSING', beyond, lastMatched, after.seq);
  }

  const result: AuditVerifyResult = { ok: !firstBad, count, ...(firstBad ? { firstBad } : {}) };
  if (!opts.anchor || !anchor) return result;
  const lastSeq = after.seq;
  const keys = anchor.keys;
  const base = {
    keySource: keys?.source ?? null,
    keyFile: opts.anchor.publicKeys ? null : opts.anchor.keyFile,
    log: opts.anchor.logFile,
    kids: keys ? [...keys.keys.keys()] : [],
    warnings: keys?.warnings ?? [],
  };
  let report: AnchorReport;
  if (anchor.kind === 'error') {
    report = { ...base, status: 'broken', message: anchor.message, checkpoints: 0, latest: null, protected: null, unprotected: lastSeq > 0 ? { from: 1, to: lastSeq } : null, problem: { line: null, seq: null, reason: 'ANCHOR_UNREADABLE', message: anchor.message } };
  } else if (anchor.kind === 'unanchored') {
    report = { ...base, status: 'unanchored', missing: anchor.missing, message: anchor.message, checkpoints: 0, latest: null, protected: null, unprotected: lastSeq > 0 ? { from: 1, to: lastSeq } : null };
  } else {
    const latestC = trusted[trusted.length - 1] ?? null;
    const latest = latestC ? { seq: latestC.seq, hash: latestC.hash, at: latestC.at, kid: latestC.kid } : null;
    const covered = Math.min(latest?.seq ?? 0, lastSeq);
    const logProblem = anchor.checked.problem;
    const broken = Boolean(logProblem) || firstBad?.reason === 'CHECKPOINT_MISMATCH' || firstBad?.reason === 'CHECKPOINT_RECORD_MISSING';
    const range = latest ? `records 1–${covered} protected by checkpoint at ${latest.at}` : 'no record protected';
    const rest = lastSeq > covered ? `records ${covered + 1}–${lastSeq} not yet checkpointed` : 'no record after it';
    report = {
      ...base,
      status: broken ? 'broken' : 'anchored',
      message: logProblem ? logProblem.message : broken ? firstBad!.message : `${range}; ${rest}`,
      checkpoints: trusted.length,
      latest,
      protected: covered > 0 ? { from: 1, to: covered } : null,
      unprotected: lastSeq > covered ? { from: covered + 1, to: lastSeq } : null,
      ...(logProblem ? { problem: { line: logProblem.line, seq: logProblem.seq, reason: logProblem.reason, message: logProblem.message } } : {}),
    };
    if (anchor.fragment) report.warnings = [...report.warnings, 'the checkpoint log ends in an incomplete line (a write cut short); it is ignored and removed by the next checkpoint'];
  }
  const ok = !firstBad && report.status !== 'broken' && !(opts.requireAnchor && report.status === 'unanchored');
  return { ...result, ok, anchor: report };
}

/** Runs `work` in a transaction and appends its audit entries in the same transaction. */
export async function auditedTransaction<T>(db: Db, actor: Actor, work: (tx: Tx) => Promise<{ result: T; audit: AuditEntry | AuditEntry[] }>): Promise<T> {
  return db.transaction().execute(async (tx) => {
    const { result, audit } = await work(tx);
    for (const e of Array.isArray(audit) ? audit : [audit]) await appendAudit(tx, actor, e);
    return result;
  });
}
