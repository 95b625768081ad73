import { interpret } from './interpret.ts';
import { LOGICAL_OPS, OPERATORS } from './operators.ts';
import type { EvalOptions, JsonValue, Rule } from './types.ts';
import { argsOf, isLogic, opOf, ptr } from './values.ts';

/**
 * The logical skeleton of a rule in boolean context: and / or / not / if over leaf
 * conditions. Explanation (three-valued) and the columnar evaluator (bitsets) share it,
 * so "unknown" means the same thing on every path.
 */
export type Skel =
  | { k: 'leaf'; leaf: number; path: string }
  | { k: 'and' | 'or'; cs: Skel[]; path: string; op: string }
  | { k: 'not' | 'bool'; c: Skel; path: string; op: string }
  | { k: 'if'; c: Skel; a: Skel; b: Skel | null; path: string; op: string };

export interface Leaf {
  /** The condition with constant sub-expressions folded (e.g. date_add(today, -3, "year") → "2022-11-24"). */
  rule: Rule;
  /** Canonical key: equal keys are the same predicate (shared bitset in the columnar engine). */
  key: string;
  /** JSON Pointer of the condition in the original rule. */
  path: string;
  /** Attributes whose absence makes this condition unknown (root-scope `var` without default). */
  attrs: string[];
}

export interface Skeleton {
  root: Skel;
  leaves: Leaf[];
}

/** Canonical JSON that keeps NaN and ±Infinity apart from null. */
export function ruleKey(rule: Rule): string {
  return JSON.stringify(rule, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? `\u0000${String(v)}` : v));
}

function argPathOf(node: Record<string, JsonValue>, op: string, base: string, i: number): string {
  return Array.isArray(node[op]) ? ptr(ptr(base, op), i) : ptr(base, op);
}

export function buildSkeleton(rule: Rule, opts?: EvalOptions): Skeleton {
  const leaves: Leaf[] = [];
  const leafOf = (r: Rule, path: string): Skel => {
    const folded = foldConstants(r, opts);
    leaves.push({ rule: folded, key: ruleKey(folded), path, attrs: leafAttributes(folded) });
    return { k: 'leaf', leaf: leaves.length - 1, path };
  };
  const walk = (r: Rule, path: string): Skel => {
    if (!isLogic(r)) return leafOf(r, path);
    const op = opOf(r);
    if (!LOGICAL_OPS.has(op)) return leafOf(r, path);
    const args = argsOf(r, op);
    const at = (i: number): string => argPathOf(r, op, path, i);
    switch (op) {
      case 'and':
      case 'or':
        if (args.length === 0) return leafOf(r, path);
        return { k: op, cs: args.map((a, i) => walk(a, at(i))), path, op };
      case '!':
      case '!!':
        return { k: op === '!' ? 'not' : 'bool', c: walk(args[0] ?? null, at(0)), path, op };
      default: {
        // if / ?: — chains become nested ifs; a missing else is null, i.e. false.
        if (args.length === 0) return leafOf(r, path);
        const chain = (i: number): Skel | null => {
          if (i >= args.length) return null;
          if (i === args.length - 1) return walk(args[i] as Rule, at(i));
          return { k: 'if', c: walk(args[i] as Rule, at(i)), a: walk(args[i + 1] as Rule, at(i + 1)), b: chain(i + 2), path, op };
        };
        return chain(0) ?? leafOf(null, path);
      }
    }
  };
  const root = walk(rule, '');
  return { root, leaves };
}

/**
 * Calls `at` for every operation of a rule read against the root record (not inside map/filter/… scopes),
 * in pre-order. Iterative: it also runs on rules that have not been validated (a benefit formula nested
 * 10,000 deep must give a validation issue, not a stack overflow).
 */
function visitRootOps(rule: Rule, at: (op: string, args: Rule[]) => void): void {
  const stack: Array<[Rule, boolean]> = [[rule, true]];
  while (stack.length) {
    const [r, root] = stack.pop()!;
    if (Array.isArray(r)) {
      for (let i = r.length - 1; i >= 0; i--) stack.push([r[i] as Rule, root]);
      continue;
    }
    if (!isLogic(r)) continue;
    const op = opOf(r);
    const args = argsOf(r, op);
    if (root) at(op, args);
    const scoped = OPERATORS.get(op)?.kind === 'scoped';
    for (let i = args.length - 1; i >= 0; i--) stack.push([args[i] as Rule, scoped && i === 1 ? false : root]);
  }
}

const isLiteralPath = (p: unknown): p is string | number => (typeof p === 'string' && p !== '') || typeof p === 'number';

/** Root-scope `var` paths (literal, no default) that a condition reads. */
export function leafAttributes(rule: Rule): string[] {
  const out = new Set<string>();
  visitRootOps(rule, (op, args) => {
    if (op === 'var' && args.length === 1 && isLiteralPath(args[0])) out.add(String(args[0]));
  });
  return [...out];
}

/**
 * Every root-scope attribute a rule may read — `var` with or without a default, and the
 * names `missing` / `missing_some` ask about — or null when that cannot be known (a path
 * computed at run time, or the whole record). A record of just these gives the same result.
 */
export function readAttributes(rule: Rule): string[] | null {
  const out = new Set<string>();
  let unknowable = false;
  const literal = (p: unknown): void => {
    if (isLiteralPath(p)) out.add(String(p));
    else unknowable = true;
  };
  visitRootOps(rule, (op, args) => {
    if (op === 'var') literal(args[0]);
    if (op === 'missing') for (const a of args.length === 1 && Array.isArray(args[0]) ? args[0] : args) literal(a);
    if (op === 'missing_some') {
      if (Array.isArray(args[1])) for (const a of args[1]) literal(a);
      else unknowable = true;
    }
  });
  return unknowable ? null : [...out];
}

function isEmbeddable(v: JsonValue): boolean {
  if (v === null || typeof v !== 'object') return true;
  if (Array.isArray(v)) return v.every(isEmbeddable);
  return false;
}

/** Whether a node's value is the same for every record. */
function isConstant(r: Rule, root: boolean, opts: EvalOptions | undefined): boolean {
  if (Array.isArray(r)) return r.every((x) => isConstant(x, root, opts));
  if (!isLogic(r)) return r === null || typeof r !== 'object';
  const op = opOf(r);
  const info = OPERATORS.get(op);
  if (info === undefined || op === 'log') return false;
  if (op === 'today') return opts?.today !== undefined;
  if (root && (op === 'var' || op === 'missing' || op === 'missing_some')) return false;
  const args = argsOf(r, op);
  return args.every((a, i) => isConstant(a, info.kind === 'scoped' && i === 1 ? false : root, opts));
}

/** Replaces every constant sub-expression by its value, keeping the rule's meaning. */
export function foldConstants(rule: Rule, opts?: EvalOptions): Rule {
  const go = (r: Rule, root: boolean): Rule => {
    if (Array.isArray(r)) return r.map((x) => go(x, root));
    if (!isLogic(r)) return r;
    if (isConstant(r, root, opts)) {
      const v = interpret(r, null, opts);
      if (isEmbeddable(v)) return v;
    }
    const op = opOf(r);
    const raw = r[op];
    const scoped = OPERATORS.get(op)?.kind === 'scoped';
    if (!Array.isArray(raw)) return { [op]: go(raw as Rule, root) };
    return { [op]: raw.map((a, i) => go(a, scoped && i === 1 ? false : root)) };
  };
  return go(rule, true);
}
