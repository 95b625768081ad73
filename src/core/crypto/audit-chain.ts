import { sm3 } from './sm.ts';

/**
 * The audit log is a hash chain (SPEC F-4): each record's hash covers its own
 * fields and the previous record's hash, so editing, inserting or deleting a
 * record breaks every hash after it. Pure functions only; storage is in
 * src/platform/audit.ts.
 */
export interface AuditRecordFields {
  seq: number;
  /** ISO-8601 UTC timestamp with milliseconds. */
  at: string;
  actor: string;
  role: string;
  action: string;
  target: string;
  /** SM3 of the canonical JSON of the change. */
  digest: string;
}

export interface ChainedAuditRecord extends AuditRecordFields {
  prevHash: string;
  hash: string;
}

/** The hash before the first record. */
export const GENESIS_HASH = '0'.repeat(64);

export function auditHash(prevHash: string, r: AuditRecordFields): string {
  // Fields joined with a separator that cannot occur in hex or ISO dates, and
  // lengths included so that no two field splits give the same text.
  const parts = [prevHash, String(r.seq), r.at, r.actor, r.role, r.action, r.target, r.digest];
  return sm3(parts.map((p) => `${p.length}:${p}`).join('|'));
}

export type ChainProblem =
  | { seq: number; reason: 'HASH_MISMATCH' }
  | { seq: number; reason: 'PREV_HASH_MISMATCH' }
  | { seq: number; reason: 'SEQUENCE_GAP'; expected: number }
  | { seq: number; reason: 'HEAD_MISMATCH' };

export interface ChainHead {
  seq: number;
  hash: string;
}

/**
 * Walks the records in seq order and returns the first problem, or null.
 * `head` is the separately stored last (seq, hash): it catches deletion of
 * the newest records, which the chain alone cannot see.
 */
export function verifyChain(records: Iterable<ChainedAuditRecord>, head: ChainHead | null, startAfter: ChainHead = { seq: 0, hash: GENESIS_HASH }): ChainProblem | null {
  let prev = startAfter;
  for (const r of records) {
    if (r.seq !== prev.seq + 1) return { seq: r.seq, reason: 'SEQUENCE_GAP', expected: prev.seq + 1 };
    if (r.prevHash !== prev.hash) return { seq: r.seq, reason: 'PREV_HASH_MISMATCH' };
    if (auditHash(r.prevHash, r) !== r.hash) return { seq: r.seq, reason: 'HASH_MISMATCH' };
    prev = { seq: r.seq, hash: r.hash };
  }
  const expectedHead = head ?? { seq: 0, hash: GENESIS_HASH };
  if (expectedHead.seq !== prev.seq || expectedHead.hash !== prev.hash) return { seq: expectedHead.seq, reason: 'HEAD_MISMATCH' };
  return null;
}

export function describeProblem(p: ChainProblem): string {
  switch (p.reason) {
    case 'HASH_MISMATCH':
      return `record ${p.seq}: content does not match its hash (edited)`;
    case 'PREV_HASH_MISMATCH':
      return `record ${p.seq}: previous-hash link broken (record inserted or replaced before it)`;
    case 'SEQUENCE_GAP':
      return `record ${p.seq}: expected record ${p.expected} (records deleted or inserted)`;
    case 'HEAD_MISMATCH':
      return `chain head says record ${p.seq} is last, but the log ends elsewhere (newest records deleted or appended outside the application)`;
  }
}
