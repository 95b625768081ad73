import { describe, expect, it } from 'vitest';
import { AppError, problemOf } from './errors.ts';
import { badQueryEncoding, fieldName, findUnstorable, MAX_INPUT_DEPTH } from './input.ts';

describe('findUnstorable (SPEC §10, issue 12 items 10 and 11)', () => {
  it('finds NUL, lone surrogates and non-finite numbers in values and keys, with their path', () => {
    expect(findUnstorable({ a: [1, { b: 'x\u0000' }] })).toEqual({ code: 'NUL_BYTE', path: ['a', 1, 'b'] });
    expect(findUnstorable({ ['k\u0000']: 1 })).toEqual({ code: 'NUL_BYTE', path: ['k\u0000'], inKey: true });
    expect(findUnstorable(['ok', '\ud800'])).toEqual({ code: 'INVALID_UTF8', path: [1] });
    expect(findUnstorable({ x: 'a\udc00' })).toEqual({ code: 'INVALID_UTF8', path: ['x'] });
    expect(findUnstorable({ ['\udbff']: 1 })).toMatchObject({ code: 'INVALID_UTF8', inKey: true });
    expect(findUnstorable({ n: Infinity })).toEqual({ code: 'NUMBER_OUT_OF_RANGE', path: ['n'] });
    expect(findUnstorable({ n: -Infinity })).toMatchObject({ code: 'NUMBER_OUT_OF_RANGE' });
  });

  it('accepts ordinary text, surrogate pairs, control characters other than NUL, and -0', () => {
    expect(findUnstorable({ a: '上海😀', b: ['\t\r\n', "'; drop table users; --", '<script>'], c: -0, d: 1e308, e: null, f: true })).toBeNull();
  });

  it('bounds depth without recursion, even 1,000,000 levels', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 1_000_000; i++) deep = [deep];
    expect(findUnstorable({ x: deep })).toMatchObject({ code: 'INPUT_TOO_DEEP' });
    let ok: unknown = 1;
    for (let i = 0; i < MAX_INPUT_DEPTH - 1; i++) ok = [ok];
    expect(findUnstorable({ x: ok })).toBeNull();
    expect(findUnstorable({ x: [ok] })).toMatchObject({ code: 'INPUT_TOO_DEEP' });
  });

  it('names a field with NUL and surrogates written as escapes', () => {
    expect(fieldName(['a', 0, 'b\u0000'])).toBe('a.0.b\\u0000');
    expect(fieldName(['\ud800'])).toBe('\\ud800');
    expect(fieldName(['😀\u0000'])).toBe('😀\\u0000');
  });
});

describe('badQueryEncoding (issue 12 item 10)', () => {
  it('names the query parameter whose percent-escapes are not UTF-8', () => {
    expect(badQueryEncoding('q=%E4%B8%8A%E6%B5%B7&page=2')).toBeNull();
    expect(badQueryEncoding('q=100%25&x=%zz&y=a+b')).toBeNull();
    expect(badQueryEncoding('page=1&q=%FF')).toBe('q');
    expect(badQueryEncoding('q=%E4%B8')).toBe('q');
    expect(badQueryEncoding('q=%ED%A0%80')).toBe('q');
    expect(badQueryEncoding('%C0%AF=1')).toBe('%C0%AF');
  });
});

describe('problemOf (RFC 9457, issue 12 item 12)', () => {
  it('never lets extra members replace the standard ones: status is the HTTP status number', () => {
    const p = problemOf(new AppError('APPLICATION_BAD_TRANSITION', 409, '当前状态不允许此操作', { field: 'f', detail: 'd', extra: { status: 'approved', type: 'x', title: 'x', code: 'X', detail: 'x', field: 'x', state: 'approved' } }));
    expect(p).toEqual({ type: 'https://qifu.dev/problems/application-bad-transition', title: '当前状态不允许此操作', status: 409, code: 'APPLICATION_BAD_TRANSITION', detail: 'd', field: 'f', state: 'approved' });
  });
});
