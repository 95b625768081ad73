import { isIPv4, isIPv6 } from 'node:net';

/**
 * Throttle for password guesses (SPEC F-3, §11) — the pure part: a rule, a
 * key's stored state and the time in; the decision and the next state out.
 * The state lives in the database (users module, table auth_throttle) so that
 * several app nodes share it (DESIGN "Scale: more than one app node"), and an
 * attempt is reserved there before the password is verified, so parallel
 * guesses cannot all pass the check before any of them is counted.
 *
 * Each key is a leaky bucket with a growing delay instead of a hard lock:
 * - `burst` failures pass without delay;
 * - from then on each counted attempt makes the next one wait
 *   `baseDelaySec · 2^(level − burst)`, at most `maxDelaySec` (HTTP 429 with
 *   Retry-After meanwhile; a refused attempt is not counted);
 * - one failure is forgiven every `leakEverySec`, so the sustained rate a
 *   guesser can keep up is one per `leakEverySec`, and an honest user's
 *   typos are forgotten.
 */
export interface ThrottleRule {
  burst: number;
  baseDelaySec: number;
  maxDelaySec: number;
  leakEverySec: number;
}

/**
 * The numbers (docs/operations.md "Login throttle"). Sources: NIST SP 800-63B
 * §5.2.2 (limit consecutive failures on an account to at most 100; prefer
 * delays that grow over hard lockout) and the OWASP Authentication Cheat
 * Sheet ("Account Lockout": lockout keyed on the account alone lets anyone
 * lock a user out). Keyed on account + client address, so a guesser at one
 * address slows only itself.
 */
export const THROTTLE_RULES = {
  /** One username (or one user's password change) from one client address: 5 at once, then 30 s doubling to 15 min; 5 per hour sustained. */
  accountAtAddress: { burst: 5, baseDelaySec: 30, maxDelaySec: 15 * 60, leakEverySec: 12 * 60 },
  /** All usernames from one client address (password spraying): 100 at once, then 30 s doubling to 15 min; 50 per hour sustained. */
  address: { burst: 100, baseDelaySec: 30, maxDelaySec: 15 * 60, leakEverySec: 72 },
} as const satisfies Record<string, ThrottleRule>;

/** What the database keeps per key. `leakFrom` is when the next forgiven failure starts to count down. */
export interface ThrottleState {
  level: number;
  leakFrom: Date;
  blockedUntil: Date | null;
}

/** The level after leaking up to `now` (whole failures only, the remainder kept in `leakFrom`). */
export function leaked(rule: ThrottleRule, s: ThrottleState, now: Date): ThrottleState {
  const step = rule.leakEverySec * 1000;
  const elapsed = now.getTime() - s.leakFrom.getTime();
  if (elapsed <= 0 || s.level === 0) return { ...s, level: s.level, leakFrom: s.level === 0 ? now : s.leakFrom };
  const forgiven = Math.floor(elapsed / step);
  const level = Math.max(0, s.level - forgiven);
  return { level, leakFrom: level === 0 ? now : new Date(s.leakFrom.getTime() + forgiven * step), blockedUntil: s.blockedUntil };
}

/** Seconds to wait before this key may try again, or 0. */
export function waitSeconds(s: ThrottleState | null, now: Date): number {
  if (!s?.blockedUntil) return 0;
  const ms = s.blockedUntil.getTime() - now.getTime();
  return ms > 0 ? Math.ceil(ms / 1000) : 0;
}

export function delaySeconds(rule: ThrottleRule, level: number): number {
  if (level < rule.burst) return 0;
  return Math.min(rule.maxDelaySec, rule.baseDelaySec * 2 ** Math.min(level - rule.burst, 30));
}

/** The state after one attempt is reserved (counted as a failure until it proves to be a success). */
export function reserve(rule: ThrottleRule, s: ThrottleState | null, now: Date): ThrottleState {
  const cur = s ? leaked(rule, s, now) : { level: 0, leakFrom: now, blockedUntil: null };
  const level = cur.level + 1;
  const delay = delaySeconds(rule, level);
  return { level, leakFrom: cur.leakFrom, blockedUntil: delay > 0 ? new Date(now.getTime() + delay * 1000) : null };
}

/**
 * The state after a reserved attempt succeeded. 'reset': the right password
 * for this account clears its failures here. 'refund': only the reserved
 * attempt is given back (a shared address keeps the other users' failures).
 */
export function release(rule: ThrottleRule, s: ThrottleState, now: Date, mode: 'reset' | 'refund'): ThrottleState | null {
  if (mode === 'reset') return null;
  const cur = leaked(rule, s, now);
  const level = Math.max(0, cur.level - 1);
  return { level, leakFrom: level === 0 ? now : cur.leakFrom, blockedUntil: level < rule.burst ? null : cur.blockedUntil };
}

/**
 * The client address as a throttle key: IPv4 as is (also when mapped into
 * IPv6), IPv6 by its /64 prefix — one subscriber usually holds a whole /64,
 * so single IPv6 addresses would be free for the taking.
 */
export function addressKey(ip: string): string {
  let a = ip.trim();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(a);
  if (mapped) a = mapped[1]!;
  if (isIPv4(a)) return a;
  if (!isIPv6(a)) return a.slice(0, 64) || 'unknown';
  const [head = '', tail = ''] = a.split('%')[0]!.split('::') as [string?, string?];
  const h = head ? head.split(':') : [];
  // A trailing dotted quad (64:ff9b::1.2.3.4) stands for two groups.
  const t = a.includes('::') && tail ? tail.split(':').flatMap((g) => (g.includes('.') ? ['0', '0'] : [g])) : [];
  const groups = a.includes('::') ? [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t] : h;
  return `${groups
    .slice(0, 4)
    .map((g) => parseInt(g, 16).toString(16))
    .join(':')}::/64`;
}
