import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { neutraliseCell, restoreCell, writeCsv } from './csv.ts';

describe('CSV cells a spreadsheet would run (OWASP CSV injection, issue 12 item 15)', () => {
  it('prefixes text starting with = + - @ tab or CR with an apostrophe; numbers and other text stay', () => {
    for (const s of ['=1+1', '+1', '-1+2', '@SUM(A1)', '\t=1', '\r=1', '=HYPERLINK("http://x","y")']) expect(neutraliseCell(s)).toBe(`'${s}`);
    for (const v of ['上海市', ' =1', "'=1", '1-2', '', null, -5, 0, 12.5, true]) expect(neutraliseCell(v)).toBe(v);
  });

  it('restores what it neutralised, and only that', () => {
    for (const s of ['=1', '-x', '@a', '\t=1', 'plain', "'quoted", "'", '']) expect(restoreCell(neutraliseCell(s) as string)).toBe(s);
  });

  it('writes every cell through the rule, header included, with a BOM', () => {
    const text = writeCsv([['=h', 'b'], ['-3', -3], ['x,"y"', '@']]);
    expect(text.startsWith('\uFEFF')).toBe(true);
    expect(parse(text, { bom: true })).toEqual([["'=h", 'b'], ["'-3", '-3'], ['x,"y"', "'@"]]);
    expect(writeCsv([['a']], { bom: false })).toBe('a\n');
  });
});
