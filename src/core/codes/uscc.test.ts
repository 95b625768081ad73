import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRng } from '../random.ts';
import {
  generateUscc,
  isValidUscc,
  normalizeUscc,
  orgCodeCheckChar,
  USCC_ALPHABET,
  USCC_WEIGHTS,
  usccCheckChar,
  validateUscc,
} from './uscc.ts';

/** Example code printed in GB 32100-2015. */
const STANDARD_EXAMPLE = '91350100M000100Y43';

function errorCodes(code: string): string[] {
  const r = validateUscc(code);
  return r.valid ? [] : r.errors.map((e) => e.code);
}

describe('validateUscc (GB 32100-2015)', () => {
  it('uses weights 3^(i-1) mod 31', () => {
    expect(USCC_WEIGHTS).toEqual([1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]);
    expect(USCC_ALPHABET).toHaveLength(31);
  });

  it('accepts the example of the standard and splits it into parts', () => {
    const r = validateUscc(STANDARD_EXAMPLE);
    expect(r.valid).toBe(true);
    if (!r.valid) return;
    expect(r.parts.authority).toEqual({ code: '9', name: '工商' });
    expect(r.parts.entityType).toEqual({ code: '1', name: '企业' });
    expect(r.parts.division).toBe('350100');
    expect(r.parts.orgCode).toBe('M000100Y-4');
    expect(r.warnings).toEqual([]);
  });

  it('accepts a code whose organisation code ends in X', () => {
    expect(usccCheckChar('9131000013221158X')).toBe('C');
    expect(orgCodeCheckChar('13221158')).toBe('X');
    expect(isValidUscc('9131000013221158XC')).toBe(true);
  });

  it('rejects a wrong length with the actual length', () => {
    const r = validateUscc('91350100M000100Y4');
    expect(r.valid).toBe(false);
    if (r.valid) return;
    expect(r.errors[0]?.code).toBe('USCC_LENGTH');
    expect(r.reason).toBe('长度应为18位，实际为17位');
    expect(errorCodes('')).toEqual(['USCC_EMPTY']);
  });

  it('rejects characters outside the alphabet, naming the position', () => {
    const r = validateUscc('91350100M000100I43');
    expect(r.valid).toBe(false);
    if (r.valid) return;
    expect(r.errors[0]).toMatchObject({ code: 'USCC_CHARACTER', position: 16, actual: 'I' });
    expect(r.reason).toContain('第16位');
    expect(errorCodes('91350100m000100Y43')).toEqual(['USCC_CHARACTER']);
    const lower = validateUscc('91350100m000100Y43');
    expect(lower.valid ? '' : lower.reason).toContain('小写');
  });

  it('rejects a wrong check character saying what was expected', () => {
    const r = validateUscc('91350100M000100Y44');
    expect(r.valid).toBe(false);
    if (r.valid) return;
    expect(r.errors).toEqual([
      { code: 'USCC_CHECK', message: '第18位校验码错误：应为3，实际为4', position: 18, expected: '3', actual: '4' },
    ]);
  });

  it('rejects an unknown authority and an entity type not valid for the authority', () => {
    const withPrefix = (p: string): string => {
      const first17 = p + STANDARD_EXAMPLE.slice(2, 17);
      return first17 + usccCheckChar(first17);
    };
    expect(errorCodes(withPrefix('B1'))).toEqual(['USCC_AUTHORITY']);
    expect(errorCodes(withPrefix('94'))).toEqual(['USCC_ENTITY_TYPE']);
    const r = validateUscc(withPrefix('94'));
    expect(r.valid ? '' : r.reason).toContain('1 企业、2 个体工商户、3 农民专业合作社');
    for (const ok of ['11', '12', '51', '52', '53', '92', '93', 'Y1', 'N2']) expect(isValidUscc(withPrefix(ok))).toBe(true);
  });

  it('rejects a division that is not 6 digits', () => {
    const first17 = '9135A100M000100Y4';
    expect(errorCodes(first17 + usccCheckChar(first17))).toEqual(['USCC_DIVISION']);
  });

  it('only warns when the embedded organisation code check fails', () => {
    const first17 = '91350100M000100Y5';
    const r = validateUscc(first17 + usccCheckChar(first17));
    expect(r.valid).toBe(true);
    expect(r.warnings.map((w) => w.code)).toEqual(['USCC_ORG_CODE_CHECK']);
    expect(r.warnings[0]?.message).toContain('应为4，实际为5');
  });

  it('normalizes whitespace and case for importers', () => {
    expect(normalizeUscc('  91350100m000100y43 ')).toBe(STANDARD_EXAMPLE);
  });
});

describe('generateUscc', () => {
  it('is deterministic from the seed and honours options', () => {
    expect(generateUscc(createRng(5))).toBe(generateUscc(createRng(5)));
    const code = generateUscc(createRng(9), { authority: '9', entityType: '2', division: '310112' });
    expect(code.slice(0, 8)).toBe('92310112');
    expect(() => generateUscc(createRng(1), { authority: '9', entityType: '9' })).toThrow(RangeError);
  });

  it('always produces codes the validator accepts without warnings (property)', () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const r = validateUscc(generateUscc(createRng(seed)));
        return r.valid && r.warnings.length === 0;
      }),
      { numRuns: 500 },
    );
  });

  it('any single-character substitution of a valid code is rejected (property)', () => {
    // Holds because 31 is prime and no weight is 0 mod 31: Δsum = Δvalue·w ≢ 0.
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 0, max: 17 }), fc.integer({ min: 1, max: 30 }), (seed, pos, shift) => {
        const code = generateUscc(createRng(seed));
        const old = USCC_ALPHABET.indexOf(code[pos] as string);
        const replaced = code.slice(0, pos) + USCC_ALPHABET[(old + shift) % 31] + code.slice(pos + 1);
        return !isValidUscc(replaced);
      }),
      { numRuns: 1000 },
    );
  });

  it('any swap of two different adjacent characters in positions 1-17 is rejected (property)', () => {
    // Δsum = (a−b)(w_i − w_{i+1}) = (a−b)·w_i·(1−3) ≢ 0 mod 31.
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 0, max: 15 }), (seed, pos) => {
        const code = generateUscc(createRng(seed));
        const a = code[pos] as string;
        const b = code[pos + 1] as string;
        if (a === b) return true;
        return !isValidUscc(code.slice(0, pos) + b + a + code.slice(pos + 2));
      }),
      { numRuns: 1000 },
    );
  });
});
