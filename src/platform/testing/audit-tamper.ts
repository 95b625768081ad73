// Test support: the attacks of issue 12 item 9, done the way an intruder with
// database access would — plain SQL, then every following hash and
// audit_head recomputed, so the chain itself checks out again.
import { sql } from 'kysely';
import { auditHash, GENESIS_HASH } from '../../core/crypto/audit-chain.ts';
import type { Executor } from '../db/schema.ts';

interface Row {
  seq: number;
  at: Date | string;
  actor: string;
  role: string;
  action: string;
  target: string;
  digest: string;
  hash: string;
}

/** Recomputes prev_hash and hash of every record from `fromSeq` on, and the head. */
export async function rechain(db: Executor, fromSeq: number): Promise<void> {
  const rows = (await sql<Row>`select seq, at, actor, role, action, target, digest, hash from audit_log where seq >= ${fromSeq - 1} order by seq`.execute(db)).rows;
  let prev = GENESIS_HASH;
  let last: { seq: number; hash: string } | null = null;
  for (const r of rows) {
    const seq = Number(r.seq);
    if (seq < fromSeq) {
      prev = r.hash;
      last = { seq, hash: r.hash };
      continue;
    }
    const hash = auditHash(prev, { seq, at: new Date(r.at).toISOString(), actor: r.actor, role: r.role, action: r.action, target: r.target, digest: r.digest });
    await sql`update audit_log set prev_hash = ${prev}, hash = ${hash} where seq = ${seq}`.execute(db);
    prev = hash;
    last = { seq, hash };
  }
  if (last) await sql`update audit_head set seq = ${last.seq}, hash = ${last.hash} where id = 1`.execute(db);
}

/** Attack 1: change what record `seq` says (action and target), recompute everything after. */
export async function editAndRechain(db: Executor, seq: number): Promise<void> {
  await sql`update audit_log set action = 'user.delete', target = 'user:1' where seq = ${seq}`.execute(db);
  await rechain(db, seq);
}

/** Attack 2: insert a forged record at `seq`, renumber the rest, recompute. */
export async function insertAndRechain(db: Executor, seq: number): Promise<void> {
  // Two steps, so the primary key never sees two rows with one seq mid-statement.
  await sql`update audit_log set seq = -seq where seq >= ${seq}`.execute(db);
  await sql`update audit_log set seq = -seq + 1 where seq < 0`.execute(db);
  await sql`insert into audit_log (seq, at, actor, role, action, target, digest, prev_hash, hash)
    values (${seq}, now(), 'admin#1', 'admin', 'user.create', 'user:666', ${'0'.repeat(64)}, '', '')`.execute(db);
  await rechain(db, seq);
}

/** Attack 3: delete record `seq`, renumber the rest, recompute. */
export async function deleteAndRechain(db: Executor, seq: number): Promise<void> {
  await sql`delete from audit_log where seq = ${seq}`.execute(db);
  await sql`update audit_log set seq = -seq where seq > ${seq}`.execute(db);
  await sql`update audit_log set seq = -seq - 1 where seq < 0`.execute(db);
  await rechain(db, seq);
}
