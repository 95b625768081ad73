import { describe, expect, it } from 'vitest';
import { maskPersonal, maskValue, personalReplacements, replaceQuoted } from './masking.ts';

describe('the masking rule (SPEC §11)', () => {
  it('keeps the first character of a value and stars the rest', () => {
    expect(maskValue('沈立新')).toBe('沈**');
    expect(maskValue('欧阳娜娜')).toBe('欧***');
    expect(maskValue('王')).toBe('王*');
    expect(maskValue('𠀋𠀌')).toBe('𠀋*'); // by code point, not UTF-16 unit
    expect(maskValue('310101199001011234')).toBe('3' + '*'.repeat(17));
    expect(maskValue(['张三', '李四'])).toEqual(['张*', '李*']);
    expect(maskValue(null)).toBeNull();
    expect(maskValue('')).toBe('');
    expect(maskValue(42)).toBe('***');
  });

  it('masks only personal attributes, and returns the same object when there is nothing to mask', () => {
    const v = { legalRep: '沈立新', name: '上海闵欣', employees: 86 };
    expect(maskPersonal(v, ['legalRep'])).toEqual({ legalRep: '沈**', name: '上海闵欣', employees: 86 });
    expect(v.legalRep).toBe('沈立新');
    expect(maskPersonal(v, [])).toBe(v);
    const empty = { legalRep: null, name: 'x' };
    expect(maskPersonal(empty, ['legalRep'])).toBe(empty);
  });

  it('replaces full values wherever an output quotes them, keys included', () => {
    const pairs = personalReplacements({ legalRep: '沈立新', idNo: '310101199001011234', other: 'x' }, ['legalRep', 'idNo']);
    const out = replaceQuoted({ text: '法定代表人 = 张三（当前：沈立新）', yours: '沈立新', n: 3, list: [{ '沈立新': true }, null], id: 'ID 310101199001011234.' }, pairs);
    expect(out).toEqual({ text: '法定代表人 = 张三（当前：沈**）', yours: '沈**', n: 3, list: [{ '沈**': true }, null], id: `ID 3${'*'.repeat(17)}.` });
    const same = { a: 1 };
    expect(replaceQuoted(same, [])).toBe(same);
  });
});
