import { compileRule, type CompiledRule } from './compile.ts';
import { describeLeaf, type LeafText } from './describe.ts';
import { buildSkeleton, type Skel, type Skeleton } from './skeleton.ts';
import type { Catalog, EvalOptions, JsonValue, Rule, Truth } from './types.ts';
import { attrSpec, isLogic, isMissing, lookup, opOf, truthy } from './values.ts';

export interface ExplainOptions extends EvalOptions {
  catalog?: Catalog;
  /** Most near-miss sets to report (default 3). */
  maxNearMisses?: number;
  /** Skip the pair search when a lower bound says 3+ changes are needed (default true; off only to test the bound). */
  pruneNearMisses?: boolean;
}

export interface AttributeUse {
  name: string;
  label?: string;
  value: JsonValue;
  missing: boolean;
}

export interface ExplainNode {
  /** JSON Pointer of this node in the rule. */
  path: string;
  op: string;
  truth: Truth;
  /** Leaf conditions only: wording, standard JsonLogic value, attributes read. */
  text?: string;
  value?: JsonValue;
  attributes?: AttributeUse[];
  children?: ExplainNode[];
}

export interface NearMissChange {
  path: string;
  /** The condition as it would have to read, e.g. "employees ≤ 300". */
  needed: string;
  attribute?: string;
  yours: JsonValue;
  /** "从业人数 ≤ 300（当前：320）". */
  text: string;
}

export interface NearMiss {
  /** 'true' if these changes alone make the rule pass; 'unknown' if it then depends on missing data. */
  wouldBe: 'true' | 'unknown';
  changes: NearMissChange[];
}

export interface Explanation {
  /** Standard JsonLogic value of the rule. */
  result: JsonValue;
  matched: boolean;
  /** Three-valued outcome: unknown when it depends on missing attributes. */
  status: Truth;
  /** Attributes to ask the enterprise for (read by conditions that are unknown). */
  missing: string[];
  tree: ExplainNode;
  /** For a rule whose status is false: the smallest sets (1–2) of conditions to change. */
  nearMisses: NearMiss[];
}

// Kleene logic on 0 = false, 1 = unknown, 2 = true: and = min, or = max, not = 2 − x.
const F = 0;
const U = 1;
const T = 2;
const TRUTH: readonly Truth[] = ['false', 'unknown', 'true'];

export function kleene(s: Skel, leaf: ArrayLike<number>): number {
  switch (s.k) {
    case 'leaf':
      return leaf[s.leaf] as number;
    case 'and': {
      let r = T;
      for (const c of s.cs) {
        const v = kleene(c, leaf);
        if (v < r) r = v;
        if (r === F) break;
      }
      return r;
    }
    case 'or': {
      let r = F;
      for (const c of s.cs) {
        const v = kleene(c, leaf);
        if (v > r) r = v;
        if (r === T) break;
      }
      return r;
    }
    case 'not':
      return T - kleene(s.c, leaf);
    case 'bool':
      return kleene(s.c, leaf);
    case 'if': {
      // truthy(if(c, a, b)) = (c ∧ a) ∨ (¬c ∧ b)
      const c = kleene(s.c, leaf);
      const a = kleene(s.a, leaf);
      const b = s.b === null ? F : kleene(s.b, leaf);
      return Math.max(Math.min(c, a), Math.min(T - c, b));
    }
  }
}

interface PreparedAtom {
  fn: CompiledRule;
  attrs: string[];
  labels: (string | undefined)[];
  text: LeafText;
  op: string;
}

/** A rule prepared once for explaining many enterprises (re-matching one enterprise is then cheap). */
export interface Explainer {
  readonly skeleton: Skeleton;
  explain(data: unknown): Explanation;
}

export interface PolicyExplanation extends Omit<Explanation, 'result'> {
  id: string;
}

/** A condition as shown to a person: its wording and its three-valued outcome. */
export interface ConditionOutcome {
  text: string;
  truth: Truth;
}

/**
 * The explanation without the tree (政策体检 lists): outcome, what to confirm, near misses,
 * and — where asked for — each condition's wording and outcome in rule order.
 */
export interface CompactExplanation {
  id: string;
  status: Truth;
  missing: string[];
  nearMisses: NearMiss[];
  conditions?: ConditionOutcome[];
}

/** Many policies prepared together: each distinct condition is evaluated once per enterprise. */
export interface PolicySetExplainer {
  explainAll(data: unknown): PolicyExplanation[];
  /** Like explainAll without trees; `conditions` for the statuses listed (default: true and unknown). */
  explainCompact(data: unknown, opts?: { conditionsFor?: readonly Truth[] }): CompactExplanation[];
}

interface PreparedPolicy {
  id: string;
  root: Skel;
  /** Distinct atom ids used by the policy, in leaf order. */
  atoms: number[];
  /** No condition occurs twice in the rule: the flip-count bound below is then exact. */
  distinct: boolean;
  /** Only AND/OR over conditions (no NOT, no IF): turning a true condition false never helps. */
  monotone: boolean;
}

function isMonotone(s: Skel): boolean {
  switch (s.k) {
    case 'leaf':
      return true;
    case 'and':
    case 'or':
      return s.cs.every(isMonotone);
    case 'bool':
      return isMonotone(s.c);
    case 'not':
    case 'if':
      return false;
  }
}

interface AtomState {
  truth: Uint8Array;
  values: JsonValue[];
  uses: AttributeUse[][];
}

function prepareSet(rules: readonly { id: string; rule: Rule }[], opts: ExplainOptions): { atoms: PreparedAtom[]; policies: PreparedPolicy[]; skeletons: Skeleton[] } {
  const catalog = opts.catalog;
  const atoms: PreparedAtom[] = [];
  const byKey = new Map<string, number>();
  const skeletons: Skeleton[] = [];
  const policies = rules.map(({ id, rule }) => {
    const sk = buildSkeleton(rule, opts);
    skeletons.push(sk);
    const ids = sk.leaves.map((l) => {
      let a = byKey.get(l.key);
      if (a === undefined) {
        a = atoms.length;
        byKey.set(l.key, a);
        atoms.push({
          fn: compileRule(l.rule, opts),
          attrs: l.attrs,
          labels: l.attrs.map((x) => (catalog ? attrSpec(catalog, x)?.label : undefined)),
          text: describeLeaf(l.rule, catalog),
          op: isLogic(l.rule) ? opOf(l.rule) : 'const',
        });
      }
      return a;
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
    const atomsOf = [...new Set(ids)];
    const root = remap(sk.root);
    return { id, root, atoms: atomsOf, distinct: atomsOf.length === ids.length, monotone: isMonotone(root) };
  });
  return { atoms, policies, skeletons };
}

function evalAtoms(atoms: readonly PreparedAtom[], data: unknown): AtomState {
  const n = atoms.length;
  const truth = new Uint8Array(n);
  const values: JsonValue[] = new Array<JsonValue>(n);
  const uses: AttributeUse[][] = new Array<AttributeUse[]>(n);
  for (let i = 0; i < n; i++) {
    const l = atoms[i] as PreparedAtom;
    let unknown = false;
    const u: AttributeUse[] = [];
    for (let j = 0; j < l.attrs.length; j++) {
      const name = l.attrs[j] as string;
      const v = lookup(data, name);
      const miss = isMissing(v);
      if (miss) unknown = true;
      const use: AttributeUse = { name, value: v, missing: miss };
      const label = l.labels[j];
      if (label !== undefined) use.label = label;
      u.push(use);
    }
    const v = l.fn(data);
    values[i] = v;
    uses[i] = u;
    truth[i] = unknown ? U : truthy(v) ? T : F;
  }
  return { truth, values, uses };
}

function missingOf(p: PreparedPolicy, truth: Uint8Array, uses: readonly AttributeUse[][]): string[] {
  // Ask only for attributes of unknown conditions.
  const missing: string[] = [];
  for (const i of p.atoms) {
    if (truth[i] !== U) continue;
    for (const a of uses[i] as AttributeUse[]) if (a.missing && !missing.includes(a.name)) missing.push(a.name);
  }
  return missing;
}

/**
 * Fewest flips of known conditions (true ↔ false; unknown ones cannot flip) that lift `s`
 * off false (`up`) or bring it off true (`down`). Exact when no condition occurs twice
 * (children then own disjoint conditions, so their counts add); `if` is not bounded (0).
 */
function flipsNeeded(s: Skel, truth: Uint8Array, up: boolean): number {
  switch (s.k) {
    case 'leaf':
      return truth[s.leaf] === (up ? F : T) ? 1 : 0;
    case 'and':
    case 'or': {
      // Off false: an AND needs every child off false, an OR one child; dually for off true.
      const all = (s.k === 'and') === up;
      let r = all ? 0 : Number.POSITIVE_INFINITY;
      for (const c of s.cs) {
        const n = flipsNeeded(c, truth, up);
        r = all ? r + n : Math.min(r, n);
      }
      return r;
    }
    case 'not':
      return flipsNeeded(s.c, truth, !up);
    case 'bool':
      return flipsNeeded(s.c, truth, up);
    case 'if':
      return 0;
  }
}

function nearMissesOf(p: PreparedPolicy, atoms: readonly PreparedAtom[], st: AtomState, maxNear: number, prune = true): NearMiss[] {
  // Near misses are sets of one or two changes: skip the pair search when more are needed.
  if (maxNear <= 0 || (prune && p.distinct && flipsNeeded(p.root, st.truth, true) > 2)) return [];
  return nearMisses(p, st.truth, atoms, st.uses, maxNear, prune);
}

function conditionsOf(s: Skel, atoms: readonly PreparedAtom[], truth: Uint8Array, out: ConditionOutcome[] = []): ConditionOutcome[] {
  switch (s.k) {
    case 'leaf':
      out.push({ text: (atoms[s.leaf] as PreparedAtom).text.text, truth: TRUTH[truth[s.leaf] as number] as Truth });
      break;
    case 'and':
    case 'or':
      for (const c of s.cs) conditionsOf(c, atoms, truth, out);
      break;
    case 'not':
    case 'bool':
      conditionsOf(s.c, atoms, truth, out);
      break;
    case 'if':
      conditionsOf(s.c, atoms, truth, out);
      conditionsOf(s.a, atoms, truth, out);
      if (s.b !== null) conditionsOf(s.b, atoms, truth, out);
  }
  return out;
}

function explainPolicy(p: PreparedPolicy, atoms: readonly PreparedAtom[], st: AtomState, maxNear: number, prune = true): Omit<Explanation, 'result'> {
  const { truth, values, uses } = st;
  const status = kleene(p.root, truth);
  const missing = status === U ? missingOf(p, truth, uses) : [];
  const build = (s: Skel): ExplainNode => {
    switch (s.k) {
      case 'leaf': {
        const l = atoms[s.leaf] as PreparedAtom;
        return { path: s.path, op: l.op, truth: TRUTH[truth[s.leaf] as number] as Truth, text: l.text.text, value: values[s.leaf] ?? null, attributes: uses[s.leaf] as AttributeUse[] };
      }
      case 'and':
      case 'or':
        return { path: s.path, op: s.op, truth: TRUTH[kleene(s, truth)] as Truth, children: s.cs.map(build) };
      case 'not':
      case 'bool':
        return { path: s.path, op: s.op, truth: TRUTH[kleene(s, truth)] as Truth, children: [build(s.c)] };
      case 'if':
        return { path: s.path, op: s.op, truth: TRUTH[kleene(s, truth)] as Truth, children: s.b === null ? [build(s.c), build(s.a)] : [build(s.c), build(s.a), build(s.b)] };
    }
  };
  const matched = twoValued(p.root, truth, values);
  return {
    matched,
    status: TRUTH[status] as Truth,
    missing,
    tree: build(p.root),
    nearMisses: status === F ? nearMissesOf(p, atoms, st, maxNear, prune) : [],
  };
}

/** Standard (two-valued) truthiness of the rule from its leaves' values. */
function twoValued(s: Skel, truth: Uint8Array, values: readonly JsonValue[]): boolean {
  switch (s.k) {
    case 'leaf':
      return truthy(values[s.leaf]);
    case 'and':
      return s.cs.every((c) => twoValued(c, truth, values));
    case 'or':
      return s.cs.some((c) => twoValued(c, truth, values));
    case 'not':
      return !twoValued(s.c, truth, values);
    case 'bool':
      return twoValued(s.c, truth, values);
    case 'if':
      return twoValued(s.c, truth, values) ? twoValued(s.a, truth, values) : s.b !== null && twoValued(s.b, truth, values);
  }
}

export function prepareExplainer(rule: Rule, opts: ExplainOptions = {}): Explainer {
  const { atoms, policies, skeletons } = prepareSet([{ id: '', rule }], opts);
  const whole = compileRule(rule, opts);
  const maxNear = opts.maxNearMisses ?? 3;
  const p = policies[0] as PreparedPolicy;
  return {
    skeleton: skeletons[0] as Skeleton,
    explain(data) {
      const e = explainPolicy(p, atoms, evalAtoms(atoms, data), maxNear, opts.pruneNearMisses ?? true);
      const result = whole(data);
      return { result, ...e, matched: truthy(result) };
    },
  };
}

/**
 * Prepares a set of policies for re-matching one enterprise at a time with explanations
 * (政策体检): shared conditions are evaluated once per enterprise, not once per policy.
 */
export function preparePolicySet(policies: readonly { id: string; rule: Rule }[], opts: ExplainOptions = {}): PolicySetExplainer {
  const { atoms, policies: prepared } = prepareSet(policies, opts);
  const maxNear = opts.maxNearMisses ?? 3;
  return {
    explainAll(data) {
      const st = evalAtoms(atoms, data);
      return prepared.map((p) => ({ id: p.id, ...explainPolicy(p, atoms, st, maxNear, opts.pruneNearMisses ?? true) }));
    },
    explainCompact(data, o = {}) {
      const st = evalAtoms(atoms, data);
      const withConditions = o.conditionsFor ?? ['true', 'unknown'];
      return prepared.map((p) => {
        const s = kleene(p.root, st.truth);
        const status = TRUTH[s] as Truth;
        const e: CompactExplanation = { id: p.id, status, missing: s === U ? missingOf(p, st.truth, st.uses) : [], nearMisses: s === F ? nearMissesOf(p, atoms, st, maxNear, opts.pruneNearMisses ?? true) : [] };
        if (withConditions.includes(status)) e.conditions = conditionsOf(p.root, atoms, st.truth);
        return e;
      });
    },
  };
}

/** A value as a person reads it: lists joined with 、, an empty list as 无. */
function shown(v: JsonValue): string {
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.length ? v.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join('、') : '无';
  return JSON.stringify(v);
}

function changeOf(l: PreparedAtom, path: string, wasTrue: boolean, uses: AttributeUse[]): NearMissChange {
  const needed = wasTrue ? l.text.negated : l.text.text;
  const attr = l.text.attribute;
  const yours: JsonValue = attr !== undefined ? (uses.find((u) => u.name === attr)?.value ?? null) : uses.length === 1 ? (uses[0]?.value ?? null) : Object.fromEntries(uses.map((u) => [u.name, u.value]));
  const c: NearMissChange = { path, needed, yours, text: `${needed}（当前：${shown(yours)}）` };
  if (attr !== undefined) c.attribute = attr;
  return c;
}

function leafPath(s: Skel, atom: number): string | undefined {
  switch (s.k) {
    case 'leaf':
      return s.leaf === atom ? s.path : undefined;
    case 'and':
    case 'or':
      for (const c of s.cs) {
        const p = leafPath(c, atom);
        if (p !== undefined) return p;
      }
      return undefined;
    case 'not':
    case 'bool':
      return leafPath(s.c, atom);
    case 'if':
      return leafPath(s.c, atom) ?? leafPath(s.a, atom) ?? (s.b === null ? undefined : leafPath(s.b, atom));
  }
}

/**
 * Smallest sets of known conditions whose flip makes the rule pass: all singles first, then
 * pairs. Conditions that are false come first (the usual case: an AND of requirements).
 */
function nearMisses(p: PreparedPolicy, truth: Uint8Array, atoms: readonly PreparedAtom[], uses: readonly AttributeUse[][], max: number, prune: boolean): NearMiss[] {
  const root = p.root;
  const known: number[] = [];
  for (const i of p.atoms) if (truth[i] === F) known.push(i);
  // In a monotone rule a set with a true→false flip never lifts the rule where the rest alone does not.
  if (!(prune && p.monotone)) for (const i of p.atoms) if (truth[i] === T) known.push(i);
  // A rule builder's rule has a handful of conditions; the cap keeps pair search bounded.
  const cand = known.slice(0, 24);
  const trial = truth; // flipped and restored in place
  const flip = (i: number): void => {
    trial[i] = T - (trial[i] as number);
  };
  const found: { set: number[]; r: number }[] = [];
  for (const i of cand) {
    flip(i);
    const r = kleene(root, trial);
    flip(i);
    if (r !== F) found.push({ set: [i], r });
  }
  if (!found.some((f) => f.r === T)) {
    for (let x = 0; x < cand.length; x++) {
      for (let y = x + 1; y < cand.length; y++) {
        const i = cand[x] as number;
        const j = cand[y] as number;
        flip(i);
        flip(j);
        const r = kleene(root, trial);
        flip(i);
        flip(j);
        if (r !== F) found.push({ set: [i, j], r });
      }
    }
  }
  if (found.length === 0) return [];
  // Smallest sets that make the rule pass; smaller sets that leave it depending only on
  // missing data come first when there are any ("employees ≤ 300, then rd is needed").
  const tSets = found.filter((f) => f.r === T);
  const tMin = tSets.length > 0 ? Math.min(...tSets.map((f) => f.set.length)) : Number.POSITIVE_INFINITY;
  const uSets = found.filter((f) => f.r === U && f.set.length < tMin);
  const uMin = uSets.length > 0 ? Math.min(...uSets.map((f) => f.set.length)) : Number.POSITIVE_INFINITY;
  const chosen = [...uSets.filter((f) => f.set.length === uMin), ...tSets.filter((f) => f.set.length === tMin)];
  return chosen.slice(0, max).map((f) => ({
    wouldBe: f.r === T ? ('true' as const) : ('unknown' as const),
    changes: f.set.map((i) => changeOf(atoms[i] as PreparedAtom, leafPath(root, i) ?? '', truth[i] === T, uses[i] as AttributeUse[])),
  }));
}

/** One-shot explanation of a rule for one record. */
export function explainRule(rule: Rule, data: unknown, opts: ExplainOptions = {}): Explanation {
  return prepareExplainer(rule, opts).explain(data);
}
