import { createRequire } from 'node:module';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compileMatchPlan,
  compileRule,
  interpret,
  loadRecords,
  matchColumns,
  preparePolicySet,
  readAttributes,
  prepareRowMatcher,
  rematchRow,
  setRecord,
  statusAt,
  truthy,
  validateRule,
  type Catalog,
  type JsonValue,
  type Rule,
} from './index.ts';

/**
 * Random rules and data (with missing values) through every evaluation path:
 * reference = closure = columnar (two- and three-valued) = incremental, and
 * reference = json-logic-js on the standard operators.
 */

const catalog: Catalog = { n: 'number', m: 'money', d: 'date', e: 'enum', t: 'text', g: 'tags', b: 'boolean' };
const NUMS = [-1, 0, 1, 2, 5, 10, 300, 2.5];
const DATES = ['2019-12-31', '2020-01-01', '2022-06-15', '2024-02-29'];
const ENUMS = ['C39', 'C3911', 'I65', 'A', ''];
const TAGS = ['x', 'y', 'z', 'w'];

const v = (name: string): Rule => ({ var: name });
const num = fc.constantFrom(...NUMS);
const date = fc.constantFrom(...DATES);
const str = fc.constantFrom(...ENUMS);
const tag = fc.constantFrom(...TAGS);
const cmpOp = fc.constantFrom('==', '===', '!=', '!==', '<', '<=', '>', '>=');

/** Absent catalog attributes become null, the one representation the column store has (docs/rules.md). */
const normalise = (r: Record<string, JsonValue>): Record<string, JsonValue> => ({ n: null, m: null, d: null, e: null, t: null, g: null, b: null, ...r });

const recordArb = fc.record(
  {
    n: fc.option(num, { nil: null }),
    m: fc.option(fc.constantFrom(0, 100, 250, 100_000), { nil: null }),
    d: fc.option(date, { nil: null }),
    e: fc.option(str, { nil: null }),
    t: fc.option(str, { nil: null }),
    g: fc.option(fc.subarray(TAGS), { nil: null }),
    b: fc.option(fc.boolean(), { nil: null }),
  },
  { requiredKeys: [] },
).map(normalise) as fc.Arbitrary<Record<string, JsonValue>>;

/** Leaf conditions of every shape the columnar engine classifies, plus generic ones. */
const leafArb = fc.oneof(
  fc.tuple(cmpOp, fc.constantFrom('n', 'm'), num, fc.boolean()).map(([op, a, c, flip]) => ({ [op]: flip ? [c, v(a)] : [v(a), c] }) as Rule),
  fc.tuple(cmpOp, date, fc.boolean()).map(([op, c, flip]) => ({ [op]: flip ? [c, v('d')] : [v('d'), c] }) as Rule),
  fc.tuple(cmpOp, fc.constantFrom('e', 't'), str).map(([op, a, c]) => ({ [op]: [v(a), c] }) as Rule),
  fc.tuple(fc.constantFrom('<', '<='), num, num).map(([op, lo, hi]) => ({ [op]: [lo, v('n'), hi] }) as Rule),
  fc.tuple(fc.constantFrom('<', '<='), date, date).map(([op, lo, hi]) => ({ [op]: [lo, v('d'), hi] }) as Rule),
  fc.tuple(fc.constantFrom('e', 't'), fc.subarray(ENUMS)).map(([a, xs]) => ({ in: [v(a), xs] })),
  tag.map((x) => ({ in: [x, v('g')] })),
  fc.tuple(fc.constantFrom('has_any', 'has_all'), fc.subarray([...TAGS, 'never'])).map(([op, xs]) => ({ [op]: [v('g'), xs] }) as Rule),
  fc.tuple(fc.constantFrom('e', 't'), fc.constantFrom('C', 'C39', 'I', '')).map(([a, p]) => ({ starts_with: [v(a), p] })),
  fc.constant(v('b')),
  fc.boolean().map((x) => ({ '==': [v('b'), x] })),
  // Generic shapes: several attributes, arithmetic, null tests, defaults, missing, constants.
  num.map((c) => ({ '>': [{ '+': [v('n'), v('m')] }, c] })),
  fc.constant({ '==': [v('n'), null] }),
  num.map((c) => ({ '>=': [{ var: ['n', 3] }, c] })),
  fc.constant({ missing: ['n', 'e'] }),
  fc.constant({ '<': [v('d'), { date_add: ['2021-01-01', 1, 'year'] }] }),
  fc.boolean(),
) as unknown as fc.Arbitrary<Rule>;

const ruleArb: fc.Arbitrary<Rule> = fc.letrec<{ rule: Rule }>((tie) => ({
  rule: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leafArb,
    fc.array(tie('rule'), { minLength: 1, maxLength: 4 }).map((cs) => ({ and: cs })),
    fc.array(tie('rule'), { minLength: 1, maxLength: 4 }).map((cs) => ({ or: cs })),
    tie('rule').map((c) => ({ '!': c })),
    tie('rule').map((c) => ({ '!!': [c] })),
    fc.tuple(tie('rule'), tie('rule'), fc.option(tie('rule'), { nil: undefined })).map(([c, a, b]) => ({ if: b === undefined ? [c, a] : [c, a, b] })),
  ),
})).rule;

describe('property: every evaluation path agrees', () => {
  it('reference = closure = columnar (two- and three-valued) = incremental', () => {
    fc.assert(
      fc.property(fc.array(ruleArb, { minLength: 1, maxLength: 4 }), fc.array(recordArb, { minLength: 1, maxLength: 40 }), recordArb, (rules, records, changed) => {
        for (const r of rules) expect(validateRule(r, { catalog }).issues).toEqual([]);
        const policies = rules.map((rule, i) => ({ id: `p${i}`, rule }));
        const store = loadRecords(catalog, records, records.length + 1);
        const plan = compileMatchPlan(policies, { catalog });
        const result = matchColumns(store, plan);
        const explainer = preparePolicySet(policies, { catalog });
        records.forEach((rec, row) => {
          const ex = explainer.explainAll(rec);
          rules.forEach((rule, p) => {
            const ref = interpret(rule, rec);
            expect(JSON.stringify(compileRule(rule)(rec))).toBe(JSON.stringify(ref));
            const want = truthy(ref);
            const status = statusAt(result, p, row);
            expect(ex[p]?.matched).toBe(want);
            expect(status).toBe(ex[p]?.status === 'unknown' ? 'unknown' : want ? 'true' : 'false');
            if (ex[p]?.status !== 'unknown') expect(ex[p]?.status).toBe(want ? 'true' : 'false');
          });
        });
        // Incremental: change one row, recompute only it, compare with a fresh batch.
        const row = records.length - 1;
        setRecord(store, row, changed);
        rematchRow(store, prepareRowMatcher(plan), result, row);
        const fresh = matchColumns(store, plan);
        rules.forEach((_r, p) => {
          for (let i = 0; i < records.length; i++) expect(statusAt(result, p, i)).toBe(statusAt(fresh, p, i));
          expect(truthy(interpret(rules[p] as Rule, changed))).toBe(statusAt(fresh, p, row) === 'unknown' ? truthy(interpret(rules[p] as Rule, changed)) : statusAt(fresh, p, row) === 'true');
        });
      }),
      { numRuns: 300 },
    );
  });

  it('the near-miss bound hides no near miss; triage and compact = full explanation', () => {
    fc.assert(
      fc.property(fc.array(ruleArb, { minLength: 1, maxLength: 4 }), fc.array(recordArb, { minLength: 1, maxLength: 20 }), (rules, records) => {
        const policies = rules.map((rule, i) => ({ id: `p${i}`, rule }));
        const pruned = preparePolicySet(policies, { catalog });
        const exhaustive = preparePolicySet(policies, { catalog, pruneNearMisses: false });
        for (const rec of records) {
          const full = exhaustive.explainAll(rec);
          expect(pruned.explainAll(rec).map((e) => e.nearMisses)).toEqual(full.map((e) => e.nearMisses));
          // Triage (政策体检's first pass) names the same outcomes and near-miss sizes without searching.
          const t = pruned.triage(rec);
          full.forEach((f, i) => {
            expect(t.status[i]).toBe(['false', 'unknown', 'true'].indexOf(f.status));
            expect(t.changes[i]).toBe(f.status === 'false' ? (f.nearMisses[0]?.changes.length ?? 0) : 0);
          });
          const compact = pruned.explainCompact(rec, { conditionsFor: ['true', 'false', 'unknown'] });
          compact.forEach((c, i) => {
            const f = full[i]!;
            // The cached JSON (shared across records with the same truth pattern) = serialising afresh.
            const { id: _id, ...rest } = c;
            expect(pruned.compactJsonAt(t, i, { conditions: true })).toBe(JSON.stringify(rest));
            const { conditions: _c, ...bare } = rest;
            expect(pruned.compactJsonAt(t, i)).toBe(JSON.stringify(bare));
            expect({ id: c.id, status: c.status, missing: c.missing, nearMisses: c.nearMisses }).toEqual({ id: f.id, status: f.status, missing: f.missing, nearMisses: f.nearMisses });
            const leaves: Array<{ text: string; truth: string }> = [];
            const walk = (n: typeof f.tree): void => {
              if (n.children) n.children.forEach(walk);
              else leaves.push({ text: n.text ?? '', truth: n.truth });
            };
            walk(f.tree);
            expect(c.conditions).toEqual(leaves);
          });
        }
      }),
      { numRuns: 300 },
    );
  });

  it('a record of just the attributes a rule reads gives the same result', () => {
    fc.assert(
      fc.property(ruleArb, recordArb, (rule, rec) => {
        const names = readAttributes(rule);
        if (names === null) return;
        const part = Object.fromEntries(Object.entries(rec).filter(([k]) => names.some((n) => n === k || n.startsWith(`${k}.`))));
        expect(JSON.stringify(interpret(rule, part))).toBe(JSON.stringify(interpret(rule, rec)));
      }),
      { numRuns: 1000 },
    );
    expect(readAttributes({ in: [{ var: ['park', ''] }, ['莘庄工业区']] })).toEqual(['park']);
    expect(readAttributes({ missing: ['a', 'b'] })).toEqual(['a', 'b']);
    expect(readAttributes({ var: { cat: ['a', 'b'] } })).toBeNull();
  });

  interface JsonLogicJs {
    apply(rule: unknown, data: unknown): unknown;
  }
  const jl = createRequire(import.meta.url)('json-logic-js') as JsonLogicJs;

  /** Standard-operator expressions over loosely typed data: the coercion corners. */
  const anyVal = fc.oneof(fc.constantFrom(0, 1, -2, 3.5, '', '0', '1', 'a', 'ab', true, false, null), fc.constantFrom([], [1], ['a', 'b']));
  const stdArb: fc.Arbitrary<Rule> = fc.letrec<{ e: Rule }>((tie) => ({
    e: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      anyVal as fc.Arbitrary<Rule>,
      fc.constantFrom('p', 'q', 'r.s', 'arr', 'arr.0').map((p) => ({ var: p })),
      fc.tuple(fc.constantFrom('==', '===', '!=', '!==', '<', '<=', '>', '>=', '%', '/', '-', 'in', 'substr'), tie('e'), tie('e')).map(([op, a, b]) => ({ [op]: [a, b] }) as Rule),
      fc.tuple(fc.constantFrom('and', 'or', '+', '*', 'min', 'max', 'cat', 'merge', 'if', 'missing'), fc.array(tie('e'), { minLength: 1, maxLength: 3 })).map(([op, xs]) => ({ [op]: xs }) as Rule),
      fc.tuple(fc.constantFrom('!', '!!', '-'), tie('e')).map(([op, a]) => ({ [op]: [a] }) as Rule),
      fc.tuple(fc.constantFrom('map', 'filter', 'all', 'some', 'none'), tie('e')).map(([op, body]) => ({ [op]: [{ var: 'arr' }, body] }) as Rule),
      fc.tuple(tie('e'), tie('e')).map(([body, init]) => ({ reduce: [{ var: 'arr' }, body, init] })),
      fc.tuple(fc.constantFrom(1, 2), fc.constantFrom(['p', 'q'], ['p', 'q', 'r.s'])).map(([k, xs]) => ({ missing_some: [k, xs] })),
    ) as unknown as fc.Arbitrary<Rule>,
  })).e;
  const dataArb = fc.record({ p: anyVal, q: anyVal, r: fc.option(fc.record({ s: anyVal }), { nil: null }), arr: fc.array(fc.constantFrom(0, 1, 2, 'a', ''), { maxLength: 3 }) }, { requiredKeys: [] });

  it('reference = json-logic-js on the standard operators', () => {
    fc.assert(
      fc.property(stdArb, dataArb, (rule, data) => {
        let theirs: unknown;
        try {
          theirs = jl.apply(rule, data);
        } catch {
          return; // json-logic-js throws on some inputs (e.g. `*` with a reduce on []); nothing to compare
        }
        const ours = interpret(rule, data);
        // JSON.stringify maps NaN to null on both sides and ignores -0 vs 0 — as JSON output does.
        expect(JSON.stringify(ours)).toBe(JSON.stringify(theirs ?? null));
        expect(JSON.stringify(compileRule(rule)(data))).toBe(JSON.stringify(ours));
      }),
      { numRuns: 3000 },
    );
  });
});
