import { recordWith, type Column, type ColumnStore } from './columns.ts';
import { compare } from './operators.ts';
import { interpret } from './interpret.ts';
import { buildSkeleton, type Skel } from './skeleton.ts';
import { RuleError, type Catalog, type EvalOptions, type JsonValue, type Rule, type RuleIssue } from './types.ts';
import { argsOf, attrType, isLogic, opOf, parseDate, truthy } from './values.ts';
import { validateRule } from './validate.ts';
import { OPERATORS } from './operators.ts';

export type CmpOp = '<' | '<=' | '>' | '>=' | '==' | '!=';

/**
 * A distinct atomic predicate (a leaf condition of some policy). Each is computed once per
 * batch into a bitset that every policy using it shares. Plain data, so it crosses to workers.
 */
export type AtomSpec =
  /** attr op c [and attr op2 c2] on a number column. */
  | { kind: 'num'; attr: string; tests: { op: CmpOp; c: number }[]; nullValue: boolean; miss: string[] }
  /** The same on a date column, constants as epoch days. */
  | { kind: 'date'; attr: string; tests: { op: CmpOp; c: number }[]; nullValue: boolean; miss: string[] }
  /** Any condition on one dictionary column: evaluated once per dictionary entry into a lookup table. */
  | { kind: 'lut'; attr: string; rule: Rule; miss: string[] }
  /** Tag-set tests: contains one (in), has_any, has_all. */
  | { kind: 'tags'; attr: string; tags: string[]; all: boolean; nullValue: boolean; miss: string[] }
  | { kind: 'const'; value: boolean; miss: string[] }
  /** Anything else: evaluated row by row on a rebuilt record (correct, slower). */
  | { kind: 'generic'; rule: Rule; reads: string[]; miss: string[] };

export interface PolicyInput {
  id: string;
  rule: Rule;
}

export interface PlanPolicy {
  id: string;
  /** Skeleton whose leaves are atom indexes. */
  root: Skel;
}

export interface MatchPlan {
  atoms: AtomSpec[];
  /** The folded leaf rule of each atom, for row-at-a-time (incremental) evaluation. */
  atomRules: Rule[];
  policies: PlanPolicy[];
  today?: string;
}

const CMP: Readonly<Record<string, CmpOp>> = { '<': '<', '<=': '<=', '>': '>', '>=': '>=', '==': '==', '===': '==', '!=': '!=', '!==': '!=' };
const FLIP: Readonly<Record<CmpOp, CmpOp>> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=', '==': '==', '!=': '!=' };

function varPath(r: Rule): string | undefined {
  if (!isLogic(r) || opOf(r) !== 'var') return undefined;
  const a = argsOf(r, 'var');
  if (a.length !== 1) return undefined;
  const p = a[0];
  return typeof p === 'string' && p !== '' ? p : typeof p === 'number' ? String(p) : undefined;
}

/** Every root-scope datum a condition may read; undefined when it reads something dynamic. */
function readsOf(rule: Rule): string[] | undefined {
  const out = new Set<string>();
  let dynamic = false;
  const visit = (r: Rule, root: boolean): void => {
    if (Array.isArray(r)) return r.forEach((x) => visit(x, root));
    if (!isLogic(r)) return;
    const op = opOf(r);
    const args = argsOf(r, op);
    if (root && op === 'var') {
      const p = args[0];
      if ((typeof p === 'string' && p !== '') || typeof p === 'number') out.add(String(p));
      else dynamic = true;
    } else if (root && (op === 'missing' || op === 'missing_some')) {
      const keys = op === 'missing' ? (args.length === 1 && Array.isArray(args[0]) ? args[0] : args) : args[1];
      if (Array.isArray(keys) && keys.every((k) => typeof k === 'string' || typeof k === 'number')) keys.forEach((k) => out.add(String(k)));
      else dynamic = true;
    }
    const scoped = OPERATORS.get(op)?.kind === 'scoped';
    args.forEach((a, i) => visit(a, scoped && i === 1 ? false : root));
  };
  visit(rule, true);
  return dynamic ? undefined : [...out];
}

function classify(rule: Rule, miss: string[], catalog: Catalog, opts: EvalOptions): AtomSpec {
  const reads = readsOf(rule);
  if (reads !== undefined && reads.length === 0) return { kind: 'const', value: truthy(interpret(rule, {}, opts)), miss };
  const generic = (): AtomSpec => ({ kind: 'generic', rule, reads: reads ?? Object.keys(catalog), miss });
  if (reads === undefined || reads.length !== 1) return generic();
  const attr = reads[0] as string;
  const type = attrType(catalog, attr);
  if (type === undefined) return generic();
  if (type === 'enum' || type === 'text' || type === 'boolean') return { kind: 'lut', attr, rule, miss };
  if (!isLogic(rule)) return generic();
  const op = opOf(rule);
  const args = argsOf(rule, op);
  // The value on a missing attribute, which the store holds as null.
  const nullValue = (): boolean => truthy(interpret(rule, recordWith(attr, null), opts));
  if (type === 'number' || type === 'money' || type === 'date') {
    const isDate = type === 'date';
    const konst = (v: JsonValue | undefined): number | undefined => (isDate ? parseDate(v) : typeof v === 'number' && Number.isFinite(v) ? v : undefined);
    const cmp = CMP[op];
    if (cmp === undefined) return generic();
    let tests: { op: CmpOp; c: number }[] | undefined;
    if (args.length === 2) {
      const [a, b] = args;
      const ka = konst(a);
      const kb = konst(b);
      if (varPath(a as Rule) === attr && kb !== undefined) tests = [{ op: cmp, c: kb }];
      else if (varPath(b as Rule) === attr && ka !== undefined) tests = [{ op: FLIP[cmp], c: ka }];
      // === on a number column with a number constant is ==; with anything else it is generic.
    } else if (args.length === 3 && (op === '<' || op === '<=')) {
      const [lo, x, hi] = args;
      const klo = konst(lo);
      const khi = konst(hi);
      if (varPath(x as Rule) === attr && klo !== undefined && khi !== undefined) tests = [{ op: FLIP[cmp], c: klo }, { op: cmp, c: khi }];
    }
    if (tests === undefined) return generic();
    return isDate ? { kind: 'date', attr, tests, nullValue: nullValue(), miss } : { kind: 'num', attr, tests, nullValue: nullValue(), miss };
  }
  if (type === 'tags') {
    if (op === 'in' && args.length === 2 && typeof args[0] === 'string' && varPath(args[1] as Rule) === attr) return { kind: 'tags', attr, tags: [args[0]], all: false, nullValue: nullValue(), miss };
    if ((op === 'has_any' || op === 'has_all') && varPath(args[0] as Rule) === attr && Array.isArray(args[1]) && args[1].every((t) => typeof t === 'string')) {
      return { kind: 'tags', attr, tags: args[1] as string[], all: op === 'has_all', nullValue: nullValue(), miss };
    }
  }
  return generic();
}

export interface PlanOptions {
  catalog: Catalog;
  today?: string;
}

/**
 * Validates every policy against the catalog and compiles them together: leaves are folded
 * (today-relative dates become constants), deduplicated across policies, and classified
 * into typed kernels. Errors carry JSON Pointers into the policy array (/3/rule/and/1).
 */
export function compileMatchPlan(policies: readonly PolicyInput[], opts: PlanOptions): MatchPlan {
  const issues: RuleIssue[] = [];
  policies.forEach((p, i) => {
    for (const is of validateRule(p.rule, { catalog: opts.catalog }).issues) issues.push({ ...is, path: `/${i}/rule${is.path}`, message: `policy ${p.id}: ${is.message}` });
  });
  if (issues.length > 0) throw new RuleError(issues);
  const evalOpts: EvalOptions = opts.today === undefined ? {} : { today: opts.today };
  const atoms: AtomSpec[] = [];
  const atomRules: Rule[] = [];
  const byKey = new Map<string, number>();
  const out: PlanPolicy[] = policies.map((p) => {
    const sk = buildSkeleton(p.rule, evalOpts);
    const ids = sk.leaves.map((l) => {
      let id = byKey.get(l.key);
      if (id === undefined) {
        id = atoms.length;
        atoms.push(classify(l.rule, l.attrs, opts.catalog, evalOpts));
        atomRules.push(l.rule);
        byKey.set(l.key, id);
      }
      return id;
    });
    const remap = (s: Skel): Skel => {
      switch (s.k) {
        case 'leaf':
          return { ...s, leaf: ids[s.leaf] as number };
        case 'and':
        case 'or':
          return { ...s, cs: s.cs.map(remap) };
        case 'not':
        case 'bool':
          return { ...s, c: remap(s.c) };
        case 'if':
          return { ...s, c: remap(s.c), a: remap(s.a), b: s.b === null ? null : remap(s.b) };
      }
    };
    return { id: p.id, root: remap(sk.root) };
  });
  const plan: MatchPlan = { atoms, atomRules, policies: out };
  if (opts.today !== undefined) plan.today = opts.today;
  return plan;
}

/** A kernel ready to run: lookup tables built against the store's current dictionaries. */
export type PreparedAtom =
  | { kind: 'num' | 'date'; attr: string; tests: { op: CmpOp; c: number }[]; nullValue: boolean; miss: string[] }
  | { kind: 'lut'; attr: string; lut: Uint8Array; miss: string[] }
  | { kind: 'tags'; attr: string; masks: Int32Array; all: boolean; impossible: boolean; nullValue: boolean; miss: string[] }
  | { kind: 'const'; value: boolean; miss: string[] }
  | { kind: 'generic'; rule: Rule; reads: string[]; miss: string[]; today?: string };

export function prepareAtoms(store: ColumnStore, plan: MatchPlan): PreparedAtom[] {
  const opts: EvalOptions = plan.today === undefined ? {} : { today: plan.today };
  return plan.atoms.map((a): PreparedAtom => {
    switch (a.kind) {
      case 'lut': {
        const col = store.columns.get(a.attr) as Column & { kind: 'dict' };
        const lut = new Uint8Array(col.dict.length);
        // Entry 0 is "missing": the rule's value with the attribute absent, exactly as the reference gives it.
        lut[0] = truthy(interpret(a.rule, recordWith(a.attr, null), opts)) ? 1 : 0;
        for (let c = 1; c < col.dict.length; c++) lut[c] = truthy(interpret(a.rule, recordWith(a.attr, col.dict[c] as JsonValue), opts)) ? 1 : 0;
        return { kind: 'lut', attr: a.attr, lut, miss: a.miss };
      }
      case 'tags': {
        const col = store.columns.get(a.attr) as Column & { kind: 'tags' };
        const masks = new Int32Array(col.wordsPerRow);
        let impossible = false;
        for (const t of a.tags) {
          const c = col.index.get(t);
          if (c === undefined) {
            if (a.all) impossible = true; // a required tag no row has
            continue;
          }
          masks[c >>> 5] = (masks[c >>> 5] as number) | (1 << (c & 31));
        }
        return { kind: 'tags', attr: a.attr, masks, all: a.all, impossible, nullValue: a.nullValue, miss: a.miss };
      }
      case 'generic': {
        const g: PreparedAtom = { kind: 'generic', rule: a.rule, reads: a.reads, miss: a.miss };
        if (plan.today !== undefined) g.today = plan.today;
        return g;
      }
      default:
        return a;
    }
  });
}

/** For tests and the incremental path: a comparison test on one scalar, as JS would do it. */
export function testScalar(op: CmpOp, x: number, c: number): boolean {
  return compare(op, x, c);
}
