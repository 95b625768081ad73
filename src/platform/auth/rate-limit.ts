/**
 * Login throttle (SPEC F-3): after `maxFailures` failed logins for one
 * username or one client address within `windowMs`, further attempts get 429
 * until the window passes. Kept in memory on purpose: it protects one
 * process against guessing; losing it on restart only resets the counters.
 */
export class LoginThrottle {
  private readonly failures = new Map<string, number[]>();
  constructor(
    private readonly maxFailures = 5,
    private readonly windowMs = 15 * 60 * 1000,
  ) {}

  private recent(key: string, now: number): number[] {
    const list = (this.failures.get(key) ?? []).filter((t) => now - t < this.windowMs);
    if (list.length) this.failures.set(key, list);
    else this.failures.delete(key);
    return list;
  }

  /** Seconds to wait before trying again, or 0 when allowed. */
  blockedFor(keys: string[], now = Date.now()): number {
    let wait = 0;
    for (const k of keys) {
      const list = this.recent(k, now);
      if (list.length >= this.maxFailures) wait = Math.max(wait, Math.ceil((list[0]! + this.windowMs - now) / 1000));
    }
    return wait;
  }

  fail(keys: string[], now = Date.now()): void {
    for (const k of keys) this.failures.set(k, [...this.recent(k, now), now]);
    if (this.failures.size > 100_000) this.failures.clear(); // bound memory under a flood of random names
  }

  succeed(keys: string[]): void {
    for (const k of keys) this.failures.delete(k);
  }
}
