import { describe, expect, it } from 'vitest';
import {
  compileRule,
  dateAdd,
  dateDiff,
  evaluateBenefit,
  evaluateRule,
  explainRule,
  interpret,
  preparePolicySet,
  roundFen,
  RuleError,
  validateFormula,
  validateRule,
  type Catalog,
  type JsonValue,
  type Rule,
} from './index.ts';

const catalog: Catalog = {
  employees: { type: 'number', label: '从业人数' },
  revenue: 'money',
  founded: 'date',
  industry: 'enum',
  name: 'text',
  tags: 'tags',
  hightech: 'boolean',
};

const issuesOf = (rule: unknown, withCatalog = true): { code: string; path: string }[] =>
  validateRule(rule, withCatalog ? { catalog } : {}).issues.map(({ code, path }) => ({ code, path }));

describe('validation', () => {
  it('reports each problem with the JSON Pointer of the offending node', () => {
    expect(issuesOf({ and: [{ '<=': [{ var: 'employees' }, '300'] }, { nope: [1] }, { var: 'ghost' }, { '!': [1, 2] }] })).toEqual([
      { code: 'TYPE_MISMATCH', path: '/and/0/<=/1' },
      { code: 'UNKNOWN_OPERATOR', path: '/and/1' },
      { code: 'UNKNOWN_ATTRIBUTE', path: '/and/2/var' },
      { code: 'WRONG_ARITY', path: '/and/3' },
    ]);
  });

  it('checks dates, tags, starts_with and enum lists by type', () => {
    expect(issuesOf({ '>': [{ var: 'founded' }, '2020-02-30'] })).toEqual([{ code: 'TYPE_MISMATCH', path: '/>/1' }]);
    expect(issuesOf({ '==': [{ var: 'tags' }, 'x'] })).toEqual([{ code: 'TYPE_MISMATCH', path: '/==/1' }]);
    expect(issuesOf({ starts_with: [{ var: 'employees' }, 'C'] })).toEqual([{ code: 'TYPE_MISMATCH', path: '/starts_with/0' }]);
    expect(issuesOf({ in: [{ var: 'industry' }, ['C39', 5]] })).toEqual([{ code: 'TYPE_MISMATCH', path: '/in/1/1' }]);
    expect(issuesOf({ '+': [{ var: 'founded' }, 1] })).toEqual([{ code: 'TYPE_MISMATCH', path: '/+/0' }]);
    expect(issuesOf({ date_add: [{ var: 'founded' }, 1, 'week'] })).toEqual([{ code: 'INVALID_ARGUMENT', path: '/date_add/2' }]);
    expect(issuesOf({ and: [{ '>=': [{ var: 'founded' }, { date_add: [{ today: [] }, -3, 'year'] }] }, { in: ['高新', { var: 'tags' }] }, { has_all: [{ var: 'tags' }, ['a', 'b']] }] })).toEqual([]);
  });

  it('rejects malformed, too deep and too large rules without overflowing the stack', () => {
    expect(issuesOf({ a: 1, b: 2 }, false)).toEqual([{ code: 'MALFORMED', path: '' }]);
    let deep: JsonValue = true;
    for (let i = 0; i < 100_000; i++) deep = { '!': [deep] };
    const d = validateRule(deep);
    expect(d.ok).toBe(false);
    expect(d.issues[0]?.code).toBe('TOO_DEEP');
    expect(d.issues[0]?.path.startsWith('/!/0/!/0')).toBe(true);
    const wide = { or: Array.from({ length: 20_000 }, (_, i) => ({ '==': [{ var: 'employees' }, i] })) };
    expect(validateRule(wide).issues[0]).toMatchObject({ code: 'TOO_LARGE', path: '' });
    expect(validateRule({ '==': ['x'.repeat(5000), 1] }).issues[0]).toMatchObject({ code: 'TOO_LARGE', path: '/==/0' });
    expect(() => evaluateRule(deep, {})).toThrow(RuleError);
  });

  it('escapes JSON Pointer segments', () => {
    expect(issuesOf({ 'a/b~c': [1] }, false)).toEqual([{ code: 'UNKNOWN_OPERATOR', path: '' }]);
    expect(issuesOf({ and: [{ 'x/y': [] }] }, false)).toEqual([{ code: 'UNKNOWN_OPERATOR', path: '/and/0' }]);
  });
});

describe('semantics', () => {
  it('never reaches prototypes through var, missing or the compiled path', () => {
    for (const path of ['__proto__', 'constructor', 'toString', 'a.__proto__', 'a.constructor.name', '__proto__.polluted']) {
      const data = { a: {} };
      expect(interpret({ var: path }, data)).toBe(null);
      expect(compileRule({ var: path })(data)).toBe(null);
      expect(interpret({ missing: [path] }, data)).toEqual([path]);
    }
    const parsed = JSON.parse('{"__proto__": {"x": 1}}') as JsonValue;
    expect(interpret({ var: '__proto__.x' }, parsed)).toBe(1); // an own key named __proto__ is data
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it('implements the extensions', () => {
    expect(interpret({ starts_with: [{ var: 'i' }, 'C39'] }, { i: 'C3911' })).toBe(true);
    expect(interpret({ starts_with: [{ var: 'i' }, 'C39'] }, {})).toBe(false);
    expect(interpret({ has_any: [{ var: 't' }, ['a', 'z']] }, { t: ['a', 'b'] })).toBe(true);
    expect(interpret({ has_all: [{ var: 't' }, ['a', 'z']] }, { t: ['a', 'b'] })).toBe(false);
    expect(interpret({ date_add: [{ today: [] }, -3, 'year'] }, {}, { today: '2024-02-29' })).toBe('2021-02-28');
    expect(interpret({ date_diff: ['2020-05-10', { today: [] }, 'year'] }, {}, { today: '2025-05-09' })).toBe(4);
    expect(() => interpret({ today: [] }, {})).toThrow(/today/);
    expect(dateAdd('2024-01-31', 1, 'month')).toBe('2024-02-29');
    expect(dateAdd('2024-12-31', 1, 'day')).toBe('2025-01-01');
    expect(dateDiff('2025-03-01', '2024-03-01', 'month')).toBe(-12);
    expect(dateDiff('2024-01-01', '2024-03-01', 'day')).toBe(60);
  });

  it('keeps standard coercions of missing values (null <= 300 is true in JsonLogic)', () => {
    expect(interpret({ '<=': [{ var: 'employees' }, 300] }, {})).toBe(true);
    expect(interpret({ '>=': [{ var: 'employees' }, 300] }, {})).toBe(false);
  });
});

describe('explanation', () => {
  const rule: Rule = {
    and: [
      { '<=': [{ var: 'employees' }, 300] },
      { starts_with: [{ var: 'industry' }, 'C39'] },
      { '>': [{ var: 'founded' }, { date_add: [{ today: [] }, -3, 'year'] }] },
      { or: [{ in: ['专精特新', { var: 'tags' }] }, { '==': [{ var: 'hightech' }, true] }] },
    ],
  };
  const today = '2025-11-24';

  it('gives each node its truth, the values used and a near miss with the value needed', () => {
    const e = explainRule(rule, { employees: 320, industry: 'C3911', founded: '2024-01-01', tags: ['专精特新'], hightech: false }, { catalog, today });
    expect(e.status).toBe('false');
    expect(e.matched).toBe(false);
    expect(e.tree.children?.map((c) => c.truth)).toEqual(['false', 'true', 'true', 'true']);
    expect(e.tree.children?.[2]?.text).toBe('founded > 2022-11-24');
    expect(e.nearMisses).toEqual([{ wouldBe: 'true', changes: [{ path: '/and/0', needed: '从业人数 ≤ 300', attribute: 'employees', yours: 320, text: '从业人数 ≤ 300（当前：320）' }] }]);
  });

  it('is unknown, not false, when an attribute is missing, and lists what to ask for', () => {
    const e = explainRule(rule, { employees: 100, industry: 'C3911', tags: [] }, { catalog, today });
    expect(e.status).toBe('unknown');
    expect(e.missing.sort()).toEqual(['founded', 'hightech']);
    expect(e.tree.children?.[2]?.attributes).toEqual([{ name: 'founded', value: null, missing: true }]);
    // A false condition decides even with missing data elsewhere.
    expect(explainRule(rule, { employees: 500 }, { catalog, today }).status).toBe('false');
  });

  it('finds two-condition near misses when one is not enough', () => {
    const e = explainRule({ and: [{ '<=': [{ var: 'employees' }, 300] }, { '>=': [{ var: 'revenue' }, 100] }] }, { employees: 400, revenue: 5 }, { catalog });
    expect(e.nearMisses.map((n) => n.changes.map((c) => c.text))).toEqual([['从业人数 ≤ 300（当前：400）', 'revenue ≥ 100（当前：5）']]);
  });

  it('explains a policy set with shared conditions evaluated once', () => {
    const set = preparePolicySet(
      [
        { id: 'a', rule: { '<=': [{ var: 'employees' }, 300] } },
        { id: 'b', rule: { '!': { '<=': [{ var: 'employees' }, 300] } } },
      ],
      { catalog },
    );
    const out = set.explainAll({ employees: 10 });
    expect(out.map((o) => [o.id, o.status, o.matched])).toEqual([
      ['a', 'true', true],
      ['b', 'false', false],
    ]);
    expect(out[1]?.nearMisses[0]?.changes[0]?.needed).toBe('从业人数 > 300');
  });
});

describe('benefit formulas', () => {
  it('returns integer fen with the stated rounding, clamp at zero and cap', () => {
    const f = { amount: { '*': [{ var: 'revenue' }, 0.05] }, cap: 50_000_000 };
    expect(evaluateBenefit(f, { revenue: 1010 })).toEqual({ status: 'ok', fen: 51, raw: 50.5, capped: false, rounding: 'half_up' });
    expect(evaluateBenefit({ ...f, rounding: 'down' }, { revenue: 1010 })).toMatchObject({ fen: 50 });
    expect(evaluateBenefit({ ...f, rounding: 'half_even' }, { revenue: 1010 })).toMatchObject({ fen: 50 });
    expect(evaluateBenefit(f, { revenue: 10_000_000_000 })).toMatchObject({ fen: 50_000_000, capped: true });
    expect(evaluateBenefit({ amount: { '-': [{ var: 'revenue' }, 100] } }, { revenue: 5 })).toMatchObject({ fen: 0 });
    expect(evaluateBenefit(f, {})).toEqual({ status: 'unknown', missing: ['revenue'] });
    expect(roundFen(0.1 * 3 * 10 + 0.5, 'half_up')).toBe(4); // 3.5000000000000004 snaps to 3.5 → 4
    expect(roundFen(2.675 * 100, 'half_up')).toBe(268); // 267.49999999999997 is really 267.5
    expect(validateFormula({ amount: { '*': [{ var: 'industry' }, 2] }, cap: -1 }, catalog).map((i) => i.code)).toEqual(['TYPE_MISMATCH', 'TYPE_MISMATCH', 'INVALID_ARGUMENT']);
  });

  it('refuses literal operands of arithmetic that JsonLogic would coerce, when checked against a catalog (issue 12 item 13)', () => {
    for (const lit of ['0x10', '5', true, [1, 2], null, 'Infinity']) {
      const issues = validateFormula({ amount: { '*': [{ var: 'employees' }, lit] as JsonValue[] } as Rule }, catalog);
      expect(issues.map((i) => `${i.code} ${i.path}`), JSON.stringify(lit)).toEqual(['TYPE_MISMATCH /amount/*/1']);
    }
    expect(validateFormula({ amount: { '*': [{ var: 'employees' }, 1.5] } }, catalog)).toEqual([]);
    // Without a catalog the JsonLogic semantics stand (the conformance suite).
    expect(validateRule({ '+': ['1', 1] }).ok).toBe(true);
  });

  it('reports a formula nested 10,000 deep as too deep instead of overflowing the stack (issue 12 item 11)', () => {
    let amount: JsonValue = { var: 'employees' };
    for (let i = 0; i < 10_000; i++) amount = { '+': [amount, 1] };
    const issues = validateFormula({ amount: amount as Rule }, catalog);
    expect(issues.length).toBeGreaterThan(0);
    expect(new Set(issues.map((i) => i.code))).toEqual(new Set(['TOO_DEEP']));
    expect(issues[0]!.path.startsWith('/amount')).toBe(true);
    expect(new Set(validateFormula({ amount: amount as Rule }).map((i) => i.code))).toEqual(new Set(['TOO_DEEP']));
  });
});
