import { describe, expect, it } from 'vitest';
import { formatDate, parseDate } from './values.ts';

/** The definition parseDate must keep: ISO calendar date, read through Date (years 0–99 refused). */
function reference(s: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return undefined;
  const t = Date.UTC(y, mo - 1, d);
  const back = new Date(t);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return undefined;
  return Math.round(t / 86_400_000);
}

describe('parseDate (digit-by-digit fast path)', () => {
  it('agrees with the Date-based definition on every day, and every impossible one, of many years', () => {
    const years = [0, 1, 99, 100, 1582, 1600, 1700, 1899, 1900, 1969, 1970, 2000, 2023, 2024, 2025, 2026, 2027, 2100, 2400, 9999];
    for (let y = 1940; y <= 2060; y++) years.push(y);
    for (const y of years)
      for (let mo = 0; mo <= 13; mo++)
        for (let d = 0; d <= 32; d++) {
          const s = `${String(y).padStart(4, '0')}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
          expect(parseDate(s), s).toBe(reference(s));
        }
  });

  it('refuses what is not YYYY-MM-DD, and round-trips with formatDate', () => {
    for (const s of ['2024-1-01', '2024-01-1x', '2024/01/01', '２０２４-01-01', '2024-01-01 ', '', 'abcd-ef-gh', '2024-0a-01', '-024-01-01']) expect(parseDate(s), s).toBeUndefined();
    expect(parseDate(20240101)).toBeUndefined();
    for (const s of ['1970-01-01', '2024-02-29', '2026-11-24', '0100-03-01']) expect(formatDate(parseDate(s)!)).toBe(s);
  });
});
