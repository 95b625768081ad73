import { auditHash, describeProblem, GENESIS_HASH, verifyChain, type ChainProblem, type ChainedAuditRecord } from '../core/crypto/audit-chain.ts';
import { canonicalJson, sm3 } from '../core/crypto/sm.ts';
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

export interface AuditVerifyResult {
  ok: boolean;
  count: number;
  firstBad?: { seq: number; reason: ChainProblem['reason']; message: string };
}

/** Re-reads the whole log in pages and checks every link (used by `qifu audit verify`). */
export async function verifyAudit(db: Executor, pageSize = 5000): Promise<AuditVerifyResult> {
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
    if (problem) return { ok: false, count: count + Math.max(0, records.findIndex((r) => r.seq >= problem.seq)), firstBad: { seq: problem.seq, reason: problem.reason, message: describeProblem(problem) } };
    count += records.length;
    if (!last) break;
    after = { seq: last.seq, hash: last.hash };
    if (records.length < pageSize) break;
  }
  const endProblem = verifyChain([], head ?? null, after);
  if (endProblem) return { ok: false, count, firstBad: { seq: endProblem.seq, reason: endProblem.reason, message: describeProblem(endProblem) } };
  return { ok: true, count };
}

/** Runs `work` in a transaction and appends its audit entries in the same transaction. */
export async function auditedTransaction<T>(db: Db, actor: Actor, work: (tx: Tx) => Promise<{ result: T; audit: AuditEntry | AuditEntry[] }>): Promise<T> {
  return db.transaction().execute(async (tx) => {
    const { result, audit } = await work(tx);
    for (const e of Array.isArray(audit) ? audit : [audit]) await appendAudit(tx, actor, e);
    return result;
  });
}
