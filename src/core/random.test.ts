import { describe, expect, it } from 'vitest';
import { createRng, seedFromString } from './random.ts';

describe('createRng (mulberry32)', () => {
  it('is deterministic for a seed', () => {
    const a = createRng(42);
    const b = createRng(42);
    const xs = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(xs);
    expect(createRng(43).next()).not.toBe(xs[0]);
  });

  it('keeps values in range', () => {
    const r = createRng(7);
    for (let i = 0; i < 1000; i++) {
      const x = r.next();
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
      const n = r.int(-3, 3);
      expect(n).toBeGreaterThanOrEqual(-3);
      expect(n).toBeLessThanOrEqual(3);
    }
  });

  it('picks and shuffles without losing elements', () => {
    const r = createRng(1);
    expect(['a', 'b', 'c']).toContain(r.pick(['a', 'b', 'c']));
    expect(r.shuffle([1, 2, 3, 4, 5]).sort()).toEqual([1, 2, 3, 4, 5]);
    expect(() => r.pick([])).toThrow(RangeError);
  });

  it('derives stable seeds from strings', () => {
    expect(seedFromString('qifu')).toBe(seedFromString('qifu'));
    expect(seedFromString('qifu')).not.toBe(seedFromString('Qifu'));
  });
});
