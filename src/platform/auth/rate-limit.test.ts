import { describe, expect, it } from 'vitest';
import { addressKey, delaySeconds, leaked, release, reserve, THROTTLE_RULES, waitSeconds, type ThrottleState } from './rate-limit.ts';

const rule = THROTTLE_RULES.accountAtAddress;
const t0 = new Date('2026-03-02T09:00:00Z');
const at = (sec: number) => new Date(t0.getTime() + sec * 1000);

/** Reserves `n` attempts at time `sec`, as a guesser who tries whenever allowed. */
function fail(s: ThrottleState | null, n: number, sec: number): ThrottleState | null {
  for (let i = 0; i < n; i++) {
    if (waitSeconds(s, at(sec)) > 0) break;
    s = reserve(rule, s, at(sec));
  }
  return s;
}

describe('throttle policy (F-3, §11): a delay that grows, not a lock', () => {
  it('lets `burst` failures through at once, then makes the next attempt wait', () => {
    let s: ThrottleState | null = null;
    for (let i = 1; i <= rule.burst; i++) {
      expect(waitSeconds(s, t0)).toBe(0);
      s = reserve(rule, s, t0);
    }
    expect(s!.level).toBe(5);
    expect(waitSeconds(s, t0)).toBe(30);
    expect(waitSeconds(s, at(29))).toBe(1);
    expect(waitSeconds(s, at(30))).toBe(0);
  });

  it('doubles the delay with each further failure up to 15 minutes', () => {
    expect([4, 5, 6, 7, 8, 9, 10, 11, 20].map((l) => delaySeconds(rule, l))).toEqual([0, 30, 60, 120, 240, 480, 900, 900, 900]);
    expect(delaySeconds(rule, 1000)).toBe(900);
  });

  it('forgives one failure every 12 minutes, so a patient guesser gets 5 an hour', () => {
    let s = fail(null, 5, 0)!;
    expect(leaked(rule, s, at(12 * 60 - 1)).level).toBe(5);
    expect(leaked(rule, s, at(12 * 60)).level).toBe(4);
    expect(leaked(rule, s, at(60 * 60)).level).toBe(0);
    // Always trying as soon as allowed, for a day: after the first hour's ramp (30 s, 1, 2, 4, 8 min)
    // the guesser keeps up the leak rate and no more.
    const tries: number[] = [];
    for (let now = 30; now < 24 * 3600; now += waitSeconds(s, at(now)) || 1) {
      if (waitSeconds(s, at(now)) === 0) {
        s = reserve(rule, s, at(now));
        tries.push(now);
      }
    }
    expect(tries.filter((sec) => sec < 3600).length).toBeLessThanOrEqual(10);
    const lastTwelveHours = tries.filter((sec) => sec >= 12 * 3600).length;
    expect(lastTwelveHours).toBeGreaterThanOrEqual(12 * 5 - 1);
    expect(lastTwelveHours).toBeLessThanOrEqual(12 * 5 + 1);
  });

  it('a success resets the account key and gives the address back only its own attempt', () => {
    const s = fail(null, 5, 0)!;
    expect(release(rule, s, at(1), 'reset')).toBeNull();
    const addr = THROTTLE_RULES.address;
    let a: ThrottleState | null = null;
    for (let i = 0; i < addr.burst; i++) a = reserve(addr, a, t0);
    expect(waitSeconds(a, t0)).toBe(30);
    // The 100th attempt was a success: the address is below its burst again.
    const back = release(addr, a!, t0, 'refund')!;
    expect(back.level).toBe(99);
    expect(waitSeconds(back, t0)).toBe(0);
  });
});

describe('addressKey', () => {
  it('keys IPv4 as is, IPv4-mapped IPv6 as IPv4, and IPv6 by its /64', () => {
    expect(addressKey('203.0.113.7')).toBe('203.0.113.7');
    expect(addressKey('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(addressKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8:1:2:ffff:ffff:ffff:ffff')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
    expect(addressKey('64:ff9b::192.0.2.1')).toBe('64:ff9b:0:0::/64');
  });
});
