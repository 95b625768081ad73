import { sql } from 'kysely';
import { addressKey, release, reserve, THROTTLE_RULES, waitSeconds, type ThrottleRule, type ThrottleState } from '../../platform/auth/rate-limit.ts';
import type { Db, Tx } from '../../platform/db/schema.ts';
import { AppError } from '../../platform/errors.ts';

/** One throttle key, its rule, and what a success does to it. */
export interface ThrottleKey {
  key: string;
  rule: ThrottleRule;
  onSuccess: 'reset' | 'refund';
}

/** Keys for a login: this username from this address, and every username from this address. */
export function loginKeys(username: string, ip: string): ThrottleKey[] {
  const addr = addressKey(ip);
  // The username is last: it may contain anything, the address never contains '|'.
  return [
    { key: `login|${addr}|${username}`, rule: THROTTLE_RULES.accountAtAddress, onSuccess: 'reset' },
    { key: `addr|${addr}`, rule: THROTTLE_RULES.address, onSuccess: 'refund' },
  ];
}

/** Keys for checking the current password of a signed-in user (POST /auth/password); the address budget is the login's. */
export function passwordChangeKeys(userId: number, ip: string): ThrottleKey[] {
  const addr = addressKey(ip);
  return [
    { key: `password|${addr}|${userId}`, rule: THROTTLE_RULES.accountAtAddress, onSuccess: 'reset' },
    { key: `addr|${addr}`, rule: THROTTLE_RULES.address, onSuccess: 'refund' },
  ];
}

export function tooManyAttempts(waitSec: number): AppError {
  const minutes = Math.ceil(waitSec / 60);
  return new AppError('TOO_MANY_ATTEMPTS', 429, '尝试次数过多，请稍后再试', {
    detail: waitSec < 120 ? `请在 ${waitSec} 秒后重试` : `请在约 ${minutes} 分钟后重试`,
    extra: { retryAfter: waitSec },
  });
}

interface Row {
  key: string;
  level: number;
  leak_from: Date;
  blocked_until: Date | null;
  now: Date;
}

const stateOf = (r: Row): ThrottleState => ({ level: Number(r.level), leakFrom: new Date(r.leak_from), blockedUntil: r.blocked_until ? new Date(r.blocked_until) : null });

/**
 * Locks the keys' rows (creating them), in key order so that two callers
 * never wait on each other crosswise, and returns their state with the
 * database clock — one clock for every app node.
 */
async function lockKeys(tx: Tx, keys: readonly string[]): Promise<Map<string, Row>> {
  const sorted = [...new Set(keys)].sort();
  // ON CONFLICT DO UPDATE takes the row lock even when nothing changes; rows start empty.
  const rows = await tx
    .insertInto('auth_throttle')
    .values(sorted.map((key) => ({ key, level: 0, leak_from: sql<Date>`now()`, blocked_until: null, updated_at: sql<Date>`now()` })))
    .onConflict((oc) => oc.column('key').doUpdateSet({ key: (eb) => eb.ref('excluded.key') }))
    .returning(['key', 'level', 'leak_from', 'blocked_until', sql<Date>`now()`.as('now')])
    .execute();
  return new Map(rows.map((r) => [r.key, r as Row]));
}

/**
 * Reserves one attempt on every key, atomically: either all keys are free
 * and each counts the attempt (as a failure until `attemptSucceeded`), or
 * none counts it and the caller gets 429 with the longest wait. Call before
 * verifying the password, so parallel guesses are counted before any of them
 * is checked.
 */
export async function reserveAttempt(db: Db, keys: readonly ThrottleKey[]): Promise<void> {
  const wait = await db.transaction().execute(async (tx) => {
    const rows = await lockKeys(tx, keys.map((k) => k.key));
    const now = new Date(rows.values().next().value!.now);
    let longest = 0;
    for (const k of keys) longest = Math.max(longest, waitSeconds(stateOf(rows.get(k.key)!), now));
    if (longest > 0) {
      // Nothing was counted: rows created just now for this check would only pile up under a flood.
      await tx.deleteFrom('auth_throttle').where('key', 'in', [...rows.keys()]).where('level', '=', 0).where('blocked_until', 'is', null).execute();
      return longest;
    }
    for (const k of keys) {
      const next = reserve(k.rule, stateOf(rows.get(k.key)!), now);
      await tx.updateTable('auth_throttle').set({ level: next.level, leak_from: next.leakFrom, blocked_until: next.blockedUntil, updated_at: now }).where('key', '=', k.key).execute();
    }
    return 0;
  });
  if (wait > 0) throw tooManyAttempts(wait);
}

/** The reserved attempt proved right: reset the account's key, give the address its attempt back, sweep stale keys. */
export async function attemptSucceeded(db: Db, keys: readonly ThrottleKey[]): Promise<void> {
  await db.transaction().execute(async (tx) => {
    const rows = await lockKeys(tx, keys.map((k) => k.key));
    const now = new Date(rows.values().next().value!.now);
    for (const k of keys) {
      const next = release(k.rule, stateOf(rows.get(k.key)!), now, k.onSuccess);
      if (!next || next.level === 0) await tx.deleteFrom('auth_throttle').where('key', '=', k.key).execute();
      else await tx.updateTable('auth_throttle').set({ level: next.level, leak_from: next.leakFrom, blocked_until: next.blockedUntil }).where('key', '=', k.key).execute();
    }
    // Keys a day old have leaked to zero under every rule: the table stays small without a timer.
    // Rows another login holds are skipped, not waited for (no lock cycle with it).
    await sql`
      delete from auth_throttle where key in (
        select key from auth_throttle
        where updated_at < now() - interval '1 day' and (blocked_until is null or blocked_until < now())
        limit 1000 for update skip locked
      )`.execute(tx);
  });
}
