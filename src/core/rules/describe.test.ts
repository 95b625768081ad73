import { describe, expect, it } from 'vitest';
import { describeLeaf } from './describe.ts';
import { explainRule } from './explain.ts';
import type { Catalog, Rule } from './types.ts';

const catalog: Catalog = {
  employees: { type: 'number', label: '从业人数' },
  industry: { type: 'enum', label: '行业代码' },
  creditGrade: { type: 'enum', label: '信用等级' },
  tags: { type: 'tags', label: '企业标签' },
  hightech: { type: 'boolean', label: '高新技术企业' },
  revenue: 'money',
};
const v = (name: string) => ({ var: name });
/** Latin words that used to leak into the Chinese explanations. */
const ENGLISH = /\b(contains|does not|starts with|start with|in|not|is true|is false|has|any|all|lacks|some|of|outside)\b/;

describe('describeLeaf: Chinese wording of one condition and its negation', () => {
  const cases: Array<[string, Rule, string, string]> = [
    ['comparison', { '<=': [v('employees'), 300] }, '从业人数 ≤ 300', '从业人数 > 300'],
    ['flipped comparison', { '<': [100, v('employees')] }, '从业人数 > 100', '从业人数 ≤ 100'],
    ['equality', { '==': [v('creditGrade'), 'A'] }, '信用等级 = A', '信用等级 ≠ A'],
    ['between', { '<=': [10, v('employees'), 300] }, '10 ≤ 从业人数 ≤ 300', '从业人数 不在 10–300 之间'],
    ['one of a list', { in: [v('creditGrade'), ['A', 'B']] }, '信用等级 属于 A、B', '信用等级 不属于 A、B'],
    ['tag contained', { in: ['首贷户', v('tags')] }, '企业标签 包含 首贷户', '企业标签 不包含 首贷户'],
    ['prefix', { starts_with: [v('industry'), 'I65'] }, '行业代码 以 I65 开头', '行业代码 不以 I65 开头'],
    ['any of several tags', { has_any: [v('tags'), ['专精特新', '小巨人']] }, '企业标签 包含 专精特新、小巨人 中任一项', '企业标签 不包含 专精特新、小巨人 中任何一项'],
    ['all of several tags', { has_all: [v('tags'), ['专精特新', '小巨人']] }, '企业标签 包含 专精特新、小巨人 全部各项', '企业标签 缺少 专精特新、小巨人 中至少一项'],
    ['one tag of a list', { has_any: [v('tags'), ['首贷户']] }, '企业标签 包含 首贷户', '企业标签 不包含 首贷户'],
    ['boolean attribute', v('hightech'), '高新技术企业 为 是', '高新技术企业 为 否'],
    ['boolean constant', { '==': [v('hightech'), true] }, '高新技术企业 = 是', '高新技术企业 ≠ 是'],
  ];
  for (const [name, rule, text, negated] of cases) {
    it(name, () => {
      const d = describeLeaf(rule, catalog);
      expect(d.text).toBe(text);
      expect(d.negated).toBe(negated);
      expect(d.text).not.toMatch(ENGLISH);
      expect(d.negated).not.toMatch(ENGLISH);
    });
  }

  it('names the attribute a simple condition constrains', () => {
    expect(describeLeaf({ in: ['首贷户', v('tags')] }, catalog).attribute).toBe('tags');
    expect(describeLeaf({ '>=': [v('employees'), 10] }, catalog).attribute).toBe('employees');
  });

  it('falls back to the key without a catalog, and to the JSON for shapes it does not know', () => {
    expect(describeLeaf({ in: ['首贷户', v('tags')] }, undefined).text).toBe('tags 包含 首贷户');
    const odd = { '>=': [{ '+': [v('employees'), 1] }, 10] };
    expect(describeLeaf(odd, catalog)).toEqual({ text: JSON.stringify(odd), negated: `不满足 ${JSON.stringify(odd)}` });
  });

  it('near misses read as one Chinese sentence with the current value', () => {
    const e = explainRule({ and: [{ in: ['首贷户', v('tags')] }, { '>=': [v('employees'), 10] }] }, { tags: ['专精特新'], employees: 50 }, { catalog });
    expect(e.status).toBe('false');
    const text = e.nearMisses[0]!.changes[0]!.text;
    expect(text).toMatch(/^企业标签 包含 首贷户（当前：/);
    expect(text).not.toMatch(ENGLISH);
  });
});
