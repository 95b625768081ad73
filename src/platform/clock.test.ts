import { afterEach, describe, expect, it, vi } from 'vitest';
import { shanghaiDate, todayInShanghai, yearInShanghai } from './clock.ts';

describe('Asia/Shanghai clock (issue 12 item 18)', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('01:46 on 3 December in Shanghai is 2026-12-03, although it is still 2 December in UTC', () => {
    expect(shanghaiDate(new Date('2026-12-02T17:46:00Z'))).toBe('2026-12-03');
    expect(shanghaiDate('2026-12-02T15:59:59.999Z')).toBe('2026-12-02');
    expect(shanghaiDate('2026-12-02T16:00:00Z')).toBe('2026-12-03');
    expect(shanghaiDate('2026-12-31T16:00:00Z')).toBe('2027-01-01');
    expect(() => shanghaiDate('not a date')).toThrow(RangeError);
  });

  it('today and this year follow the process clock, whatever the process time zone', () => {
    vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-12-02T17:46:00Z') });
    expect(todayInShanghai()).toBe('2026-12-03');
    vi.setSystemTime(new Date('2026-12-31T17:00:00Z'));
    expect(yearInShanghai()).toBe('2027');
  });
});
