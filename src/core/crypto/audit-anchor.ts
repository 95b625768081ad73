import { GENESIS_HASH } from './audit-chain.ts';
import { sm2Sign, sm2Verify, sm3 } from './sm.ts';

/**
 * Checkpoints anchor the audit hash chain outside the database (SPEC F-4,
 * §11). Whoever can write the database can rewrite the chain and recompute
 * every hash; they cannot sign. A checkpoint is (seq, head hash, time, key id)
 * signed with an SM2 key the database never holds, one JSON line in a log
 * file outside the database. Each line also carries the SM3 of the line
 * before it (`prev`) inside what is signed, so the log is itself a chain: one
 * valid signature authenticates every line before it, and a line altered,
 * inserted or removed in the middle breaks the next link. Pure functions
 * only; keys and files are in src/platform/audit-anchor.ts.
 */
export interface CheckpointFields {
  /** The audit record this checkpoint covers (the chain head when it was signed). */
  seq: number;
  /** That record's hash. */
  hash: string;
  /** ISO-8601 UTC with milliseconds. */
  at: string;
  /** Key id: the first 16 hex digits of SM3(public key). */
  kid: string;
  /** SM3 of the previous line of the log, or GENESIS_HASH for the first. */
  prev: string;
}

export interface Checkpoint extends CheckpointFields {
  v: 1;
  /** SM2 signature (r||s, 128 hex) of `checkpointMessage`, SM3 with the default user id 1234567812345678. */
  sig: string;
}

export function keyId(publicKey: string): string {
  return sm3(publicKey.toLowerCase()).slice(0, 16);
}

/** The exact text that is signed (documented in docs/operations.md so others can verify with OpenSSL). */
export function checkpointMessage(f: CheckpointFields): string {
  return ['qifu-audit-checkpoint', 'v1', String(f.seq), f.hash, f.at, f.kid, f.prev].join('|');
}

/** Signs a checkpoint; returns it and its log line (fixed key order, no newline). */
export function signCheckpoint(f: Omit<CheckpointFields, 'kid'>, key: { privateKey: string; publicKey: string }): { checkpoint: Checkpoint; line: string } {
  const fields: CheckpointFields = { seq: f.seq, hash: f.hash, at: f.at, kid: keyId(key.publicKey), prev: f.prev };
  const checkpoint: Checkpoint = { v: 1, ...fields, sig: sm2Sign(checkpointMessage(fields), key.privateKey, key.publicKey) };
  return { checkpoint, line: checkpointLine(checkpoint) };
}

export function checkpointLine(c: Checkpoint): string {
  return JSON.stringify({ v: c.v, seq: c.seq, hash: c.hash, at: c.at, kid: c.kid, prev: c.prev, sig: c.sig });
}

/** What the next line's `prev` must be. */
export function lineHash(line: string): string {
  return sm3(line);
}

const HEX64 = /^[0-9a-f]{64}$/;
const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** Parses one log line; null when it is not a well-formed checkpoint. */
export function parseCheckpoint(line: string): Checkpoint | null {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return null;
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return null;
  const o = v as Record<string, unknown>;
  if (o.v !== 1) return null;
  if (typeof o.seq !== 'number' || !Number.isSafeInteger(o.seq) || o.seq < 1) return null;
  if (typeof o.hash !== 'string' || !HEX64.test(o.hash)) return null;
  if (typeof o.at !== 'string' || !ISO_MS.test(o.at) || Number.isNaN(Date.parse(o.at))) return null;
  if (typeof o.kid !== 'string' || !/^[0-9a-f]{16}$/.test(o.kid)) return null;
  if (typeof o.prev !== 'string' || !HEX64.test(o.prev)) return null;
  if (typeof o.sig !== 'string' || !/^[0-9a-f]{128}$/i.test(o.sig)) return null;
  return { v: 1, seq: o.seq, hash: o.hash, at: o.at, kid: o.kid, prev: o.prev, sig: o.sig };
}

export type LogProblemReason = 'CHECKPOINT_MALFORMED' | 'CHECKPOINT_LINK_BROKEN' | 'CHECKPOINT_NOT_MONOTONE' | 'CHECKPOINT_UNKNOWN_KEY' | 'CHECKPOINT_BAD_SIGNATURE';

export interface LogProblem {
  /** 1-based line number in the log. */
  line: number;
  seq: number | null;
  reason: LogProblemReason;
  message: string;
}

export interface CheckedLog {
  /** The checkpoints authenticated by a valid signature, in log order. */
  trusted: Array<Checkpoint & { line: number }>;
  /** Lines read (complete lines only). */
  lines: number;
  /** Signatures actually verified (the last line signed by each key in turn). */
  signaturesChecked: number;
  problem: LogProblem | null;
}

/**
 * Checks a checkpoint log: every line well formed, linked to the line before
 * it, seq strictly increasing, time never going back, signed by a known key;
 * and the signature of the last line of every run of lines signed by the same
 * key (which, through the links, covers every line of that run and before).
 * `keys` maps key id → public key. Stops at the first problem; the lines
 * before it that a valid signature covers are still `trusted`.
 */
export function checkCheckpointLog(lines: readonly string[], keys: ReadonlyMap<string, string>): CheckedLog {
  const parsed: Array<Checkpoint & { line: number }> = [];
  let problem: LogProblem | null = null;
  let prevLine: string | null = null;
  for (let i = 0; i < lines.length; i++) {
    const n = i + 1;
    const text = lines[i]!;
    const c = parseCheckpoint(text);
    if (!c) {
      problem = { line: n, seq: null, reason: 'CHECKPOINT_MALFORMED', message: `checkpoint log line ${n}: not a well-formed checkpoint` };
      break;
    }
    const expectedPrev = prevLine === null ? GENESIS_HASH : lineHash(prevLine);
    if (c.prev !== expectedPrev) {
      problem = { line: n, seq: c.seq, reason: 'CHECKPOINT_LINK_BROKEN', message: `checkpoint log line ${n}: does not link to line ${n - 1} (a line before it was altered, inserted or removed)` };
      break;
    }
    const last = parsed[parsed.length - 1];
    if (last && (c.seq <= last.seq || c.at < last.at)) {
      problem = { line: n, seq: c.seq, reason: 'CHECKPOINT_NOT_MONOTONE', message: `checkpoint log line ${n}: record ${c.seq} at ${c.at} does not follow record ${last.seq} at ${last.at} (seq and time must increase)` };
      break;
    }
    if (!keys.has(c.kid)) {
      problem = { line: n, seq: c.seq, reason: 'CHECKPOINT_UNKNOWN_KEY', message: `checkpoint log line ${n}: signed by key ${c.kid}, which is not a trusted audit key` };
      break;
    }
    parsed.push({ ...c, line: n });
    prevLine = text;
  }
  // One signature per run of lines with the same key: the run's last line.
  const trusted: Array<Checkpoint & { line: number }> = [];
  let runStart = 0;
  let signaturesChecked = 0;
  for (let i = 0; i < parsed.length; i++) {
    const c = parsed[i]!;
    const next = parsed[i + 1];
    if (next && next.kid === c.kid) continue;
    signaturesChecked++;
    if (!sm2Verify(checkpointMessage(c), c.sig, keys.get(c.kid)!)) {
      problem = { line: c.line, seq: c.seq, reason: 'CHECKPOINT_BAD_SIGNATURE', message: `checkpoint log line ${c.line}: signature does not verify under key ${c.kid}` };
      break;
    }
    trusted.push(...parsed.slice(runStart, i + 1));
    runStart = i + 1;
  }
  return { trusted, lines: lines.length, signaturesChecked, problem };
}

/** Splits a log file's text into complete lines and a trailing fragment (a write cut short), if any. */
export function splitLog(text: string): { lines: string[]; fragment: string | null } {
  const parts = text.split('\n');
  const tail = parts.pop()!;
  return { lines: parts, fragment: tail === '' ? null : tail };
}
