import { describe, expect, it } from 'vitest';
import {
  compileMatchPlan,
  countResult,
  createMatchPool,
  interpret,
  loadRecords,
  matchColumns,
  prepareRowMatcher,
  rematchRow,
  setRecord,
  statusAt,
  truthy,
  type Catalog,
  type JsonValue,
  type PolicyInput,
} from './index.ts';

const catalog: Catalog = {
  'size.employees': 'number',
  industry: 'enum',
  founded: 'date',
  tags: { type: 'tags', values: Array.from({ length: 40 }, (_, i) => `t${i}`) }, // two words per row
  ok: 'boolean',
};

function records(n: number): Record<string, JsonValue>[] {
  let s = 7;
  const r = (): number => ((s = (s * 1103515245 + 12345) % 2147483648), s / 2147483648);
  return Array.from({ length: n }, (): Record<string, JsonValue> => ({
    size: r() < 0.1 ? {} : { employees: Math.floor(r() * 1000) },
    industry: r() < 0.05 ? null : ['C3911', 'C40', 'I65', 'A01'][Math.floor(r() * 4)] ?? null,
    founded: r() < 0.05 ? null : `20${10 + Math.floor(r() * 15)}-0${1 + Math.floor(r() * 9)}-15`,
    tags: r() < 0.05 ? null : [`t${Math.floor(r() * 40)}`, `t${Math.floor(r() * 40)}`],
    ok: r() < 0.3 ? null : r() < 0.5,
  }));
}

const policies: PolicyInput[] = [
  { id: 'a', rule: { and: [{ '<=': [{ var: 'size.employees' }, 300] }, { starts_with: [{ var: 'industry' }, 'C'] }] } },
  { id: 'b', rule: { or: [{ in: ['t35', { var: 'tags' }] }, { has_all: [{ var: 'tags' }, ['t1', 't2']] }, { '>=': [{ var: 'founded' }, { date_add: [{ today: [] }, -5, 'year'] }] }] } },
  { id: 'c', rule: { if: [{ var: 'ok' }, { '<': [10, { var: 'size.employees' }, 500] }, { '!': { in: [{ var: 'industry' }, ['A01', 'I65']] } }] } },
];
const today = '2025-11-24';

describe('columnar matcher', () => {
  const recs = records(70_000); // three blocks of 32,768 rows
  const store = loadRecords(catalog, recs, recs.length + 10);
  const plan = compileMatchPlan(policies, { catalog, today });

  it('gives the reference answer for every row, across blocks, with dotted names and wide tag sets', () => {
    const result = matchColumns(store, plan);
    const counts = countResult(result);
    policies.forEach((p, i) => {
      let want = 0;
      for (const rec of recs) if (truthy(interpret(p.rule, rec, { today }))) want++;
      expect(counts[i]?.matched).toBe(want);
      expect((counts[i]?.eligible ?? 0) + (counts[i]?.ineligible ?? 0) + (counts[i]?.unknown ?? 0)).toBe(recs.length);
    });
  });

  it('worker threads by row ranges give the same bits', async () => {
    const single = matchColumns(store, plan);
    const pool = await createMatchPool(2);
    try {
      const multi = await pool.match(store, plan);
      for (let p = 0; p < policies.length; p++) {
        expect(Buffer.from(multi.matched[p]?.buffer as ArrayBuffer).equals(Buffer.from(single.matched[p]?.buffer as ArrayBuffer))).toBe(true);
        expect(Buffer.from(multi.unknown[p]?.buffer as ArrayBuffer).equals(Buffer.from(single.unknown[p]?.buffer as ArrayBuffer))).toBe(true);
      }
    } finally {
      await pool.close();
    }
  });

  it('updates one enterprise incrementally, including values new to the dictionary', () => {
    const result = matchColumns(store, plan);
    const before = countResult(result);
    const row = 12_345;
    const changed = { size: { employees: 100 }, industry: 'C9999', founded: '2024-01-01', tags: ['t35'], ok: true };
    const old = recs[row] as Record<string, JsonValue>;
    setRecord(store, row, changed);
    rematchRow(store, prepareRowMatcher(plan), result, row);
    policies.forEach((p, i) => expect(statusAt(result, i, row)).toBe(truthy(interpret(p.rule, changed, { today })) ? 'true' : 'false'));
    const fresh = countResult(matchColumns(store, plan));
    expect(countResult(result)).toEqual(fresh);
    setRecord(store, row, old);
    rematchRow(store, prepareRowMatcher(plan), result, row);
    expect(countResult(result)).toEqual(before);
  });

  it('refuses a policy that does not fit the catalog, naming the policy and the path', () => {
    expect(() => compileMatchPlan([{ id: 'x', rule: { '==': [{ var: 'size.employees' }, 'many'] } }], { catalog })).toThrow(/policy x/);
    try {
      compileMatchPlan([{ id: 'x', rule: { '==': [{ var: 'size.employees' }, 'many'] } }], { catalog });
    } catch (e) {
      expect((e as { path: string }).path).toBe('/0/rule/==/1');
    }
  });
});
