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
/** A rule builder's rule has a handful of conditions; the pair search looks at no more than this many. */
const MAX_CANDIDATES = 24;
/** Truth patterns of up to this many conditions fit a base-3 key below 2^53. */
const MAX_KEYED_ATOMS = 30;
/** Patterns cached per policy (near-miss sets; JSON strings, which are bigger); past it, new ones are computed each time. */
const SETS_PER_POLICY = 4096;
const JSON_PER_POLICY = 256;

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
  /** Indexes of `attrs` in the set's distinct attribute list (each is looked up once per enterprise). */
  attrIx: number[];
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

/**
 * The cheap first pass over one enterprise (政策体检): every policy's outcome and, for the
 * false ones, whether it is a near miss and by how many changes — without building any
 * explanation. `compactAt` then explains only the policies a caller will show.
 */
export interface Triage {
  /** Per policy, in the order prepared: 0 false, 1 unknown, 2 true. */
  readonly status: Uint8Array;
  /**
   * Per false policy: the fewest condition changes (1 or 2) that lift it off false, i.e. the
   * size of its first near-miss set; 0 when it is no near miss (or not false).
   */
  readonly changes: Uint8Array;
}

/** Many policies prepared together: each distinct condition is evaluated once per enterprise. */
export interface PolicySetExplainer {
  explainAll(data: unknown): PolicyExplanation[];
  /** Like explainAll without trees; `conditions` for the statuses listed (default: true and unknown). */
  explainCompact(data: unknown, opts?: { conditionsFor?: readonly Truth[] }): CompactExplanation[];
  triage(data: unknown): Triage;
  /** The compact explanation of policy `i` (index in the order prepared) from a triage of the same data. */
  compactAt(t: Triage, i: number, opts?: { conditions?: boolean }): CompactExplanation;
  /** JSON.stringify of compactAt without its id, cached where it depends only on the conditions' truth. */
  compactJsonAt(t: Triage, i: number, opts?: { conditions?: boolean }): string;
  /** compactJsonAt written into `out`: the cached parts as pieces (encoded once), the enterprise's own values as text. */
  writeCompactJsonAt(t: Triage, i: number, opts: { conditions?: boolean }, out: JsonSink): void;
}

/** A piece of JSON that recurs across enterprises, with its UTF-8 encoding made once. */
export interface JsonPiece {
  readonly s: string;
  readonly b: Uint8Array;
}

/** Where writeCompactJsonAt puts its output: recurring pieces, and text that is new each time. */
export interface JsonSink {
  piece(p: JsonPiece): void;
  text(s: string): void;
}

const utf8 = new TextEncoder();

export function jsonPiece(s: string): JsonPiece {
  return { s, b: utf8.encode(s) };
}

/** A sink that builds the string (compactJsonAt, and the tests' reference). */
class StringSink implements JsonSink {
  s = '';
  piece(p: JsonPiece): void {
    this.s += p.s;
  }
  text(t: string): void {
    this.s += t;
  }
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
  /** The flip-count bound equals the near-miss search's answer: distinct conditions, no IF, few enough to search all. */
  exact: boolean;
  /**
   * For an exact rule that is an AND of groups, each one condition or an OR of conditions (the
   * usual shapes: requirements, "industry is one of …"): the groups' atoms one after another
   * (~id when negated), and each group's length. triage walks these instead of the tree.
   */
  flat: { atoms: Int32Array; groups: Int32Array } | null;
}

/** A triage with the state compactAt needs, tied to the policy set that made it. */
class TriageOf implements Triage {
  constructor(
    readonly set: readonly PreparedPolicy[],
    readonly st: AtomState,
    readonly status: Uint8Array,
    readonly changes: Uint8Array,
  ) {}
}

/**
 * Kleene outcome and the fewest flips up (off false) and down (off true) in one walk, packed
 * as status | up << 2 | down << 4 with the counts capped at 3 ("more than two"). The same
 * numbers as kleene and flipsNeeded; only for rules without IF (see PreparedPolicy.exact).
 */
function triageNode(s: Skel, truth: Uint8Array): number {
  switch (s.k) {
    case 'leaf': {
      const t = truth[s.leaf] as number;
      return t | ((t === F ? 1 : 0) << 2) | ((t === T ? 1 : 0) << 4);
    }
    case 'and':
    case 'or': {
      // AND: outcome min, up = sum, down = min; OR: outcome max, up = min, down = sum.
      const and = s.k === 'and';
      let st = and ? T : F;
      let sum = 0;
      let min = 3;
      for (let k = 0; k < s.cs.length; k++) {
        const r = triageNode(s.cs[k] as Skel, truth);
        const cs = r & 3;
        if (and ? cs < st : cs > st) st = cs;
        const add = and ? (r >> 2) & 3 : (r >> 4) & 3;
        const low = and ? (r >> 4) & 3 : (r >> 2) & 3;
        sum = Math.min(3, sum + add);
        if (low < min) min = low;
      }
      return and ? st | (sum << 2) | (min << 4) : st | (min << 2) | (sum << 4);
    }
    case 'not': {
      const r = triageNode(s.c, truth);
      return (T - (r & 3)) | (((r >> 4) & 3) << 2) | (((r >> 2) & 3) << 4);
    }
    case 'bool':
      return triageNode(s.c, truth);
    case 'if':
      throw new Error('triageNode: IF is not supported');
  }
}

/**
 * A rule that is an AND (or one group) of groups, each a condition or an OR of conditions, each
 * condition possibly negated, as the groups' atom ids (~id for a negated one); null for any
 * other shape. A group's truth is its highest; the rule's is the lowest group's, and with
 * distinct conditions the fewest flips up are the false groups — what triageNode computes.
 */
function flatAnd(root: Skel): number[][] | null {
  const signed = (s: Skel): number | null => {
    if (s.k === 'leaf') return s.leaf;
    if (s.k === 'bool') return signed(s.c);
    if (s.k === 'not') {
      const x = signed(s.c);
      return x === null ? null : ~x;
    }
    return null;
  };
  const group = (s: Skel): number[] | null => {
    const one = signed(s);
    if (one !== null) return [one];
    if (s.k !== 'or') return null;
    const all = s.cs.map(signed);
    return all.length > 0 && all.every((x) => x !== null) ? (all as number[]) : null;
  };
  const one = group(root);
  if (one !== null) return [one];
  if (root.k !== 'and' || root.cs.length === 0) return null;
  const all = root.cs.map(group);
  return all.every((x) => x !== null) ? (all as number[][]) : null;
}

function hasIf(s: Skel): boolean {
  switch (s.k) {
    case 'leaf':
      return false;
    case 'and':
    case 'or':
      return s.cs.some(hasIf);
    case 'not':
    case 'bool':
      return hasIf(s.c);
    case 'if':
      return true;
  }
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
  data: unknown;
  truth: Uint8Array;
  values: JsonValue[];
  /** Built on demand (most conditions are never shown): see usesOf. */
  uses: (AttributeUse[] | undefined)[];
}

function prepareSet(rules: readonly { id: string; rule: Rule }[], opts: ExplainOptions): { atoms: PreparedAtom[]; policies: PreparedPolicy[]; skeletons: Skeleton[]; attrNames: string[] } {
  const catalog = opts.catalog;
  const atoms: PreparedAtom[] = [];
  const attrNames: string[] = [];
  const attrIndex = (name: string): number => {
    let k = attrNames.indexOf(name);
    if (k < 0) k = attrNames.push(name) - 1;
    return k;
  };
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
          attrIx: l.attrs.map(attrIndex),
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
    const distinct = atomsOf.length === ids.length;
    const exact = distinct && !hasIf(root) && atomsOf.length <= MAX_CANDIDATES;
    const groups = exact ? flatAnd(root) : null;
    const flat = groups ? { atoms: Int32Array.from(groups.flat()), groups: Int32Array.from(groups.map((g) => g.length)) } : null;
    return { id, root, atoms: atomsOf, distinct, monotone: isMonotone(root), exact, flat };
  });
  return { atoms, policies, skeletons, attrNames };
}

function evalAtoms(atoms: readonly PreparedAtom[], attrNames: readonly string[], data: unknown, keepValues = true): AtomState {
  const n = atoms.length;
  const truth = new Uint8Array(n);
  // The values are for explanation trees only; triage needs the truth alone.
  const values: JsonValue[] = keepValues ? new Array<JsonValue>(n) : [];
  const missing = new Uint8Array(attrNames.length);
  for (let k = 0; k < attrNames.length; k++) if (isMissing(lookup(data, attrNames[k] as string))) missing[k] = 1;
  for (let i = 0; i < n; i++) {
    const l = atoms[i] as PreparedAtom;
    let unknown = false;
    for (let j = 0; j < l.attrIx.length; j++) if (missing[l.attrIx[j] as number] === 1) unknown = true;
    const v = l.fn(data);
    if (keepValues) values[i] = v;
    truth[i] = unknown ? U : truthy(v) ? T : F;
  }
  return { data, truth, values, uses: new Array<AttributeUse[] | undefined>(n) };
}

/** The attributes condition `i` reads, with the enterprise's values (built once per state). */
function usesOf(atoms: readonly PreparedAtom[], st: AtomState, i: number): AttributeUse[] {
  let u = st.uses[i];
  if (u) return u;
  const l = atoms[i] as PreparedAtom;
  u = l.attrs.map((name, j) => {
    const v = lookup(st.data, name);
    const use: AttributeUse = { name, value: v, missing: isMissing(v) };
    const label = l.labels[j];
    if (label !== undefined) use.label = label;
    return use;
  });
  st.uses[i] = u;
  return u;
}

function missingOf(p: PreparedPolicy, atoms: readonly PreparedAtom[], st: AtomState): string[] {
  // Ask only for attributes of unknown conditions.
  const missing: string[] = [];
  for (const i of p.atoms) {
    if (st.truth[i] !== U) continue;
    for (const a of usesOf(atoms, st, i)) if (a.missing && !missing.includes(a.name)) missing.push(a.name);
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
  return nearMisses(p, atoms, st, maxNear, prune);
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
  const { truth, values } = st;
  const status = kleene(p.root, truth);
  const missing = status === U ? missingOf(p, atoms, st) : [];
  const build = (s: Skel): ExplainNode => {
    switch (s.k) {
      case 'leaf': {
        const l = atoms[s.leaf] as PreparedAtom;
        return { path: s.path, op: l.op, truth: TRUTH[truth[s.leaf] as number] as Truth, text: l.text.text, value: values[s.leaf] ?? null, attributes: usesOf(atoms, st, s.leaf) };
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
  const { atoms, policies, skeletons, attrNames } = prepareSet([{ id: '', rule }], opts);
  const whole = compileRule(rule, opts);
  const maxNear = opts.maxNearMisses ?? 3;
  const p = policies[0] as PreparedPolicy;
  return {
    skeleton: skeletons[0] as Skeleton,
    explain(data) {
      const e = explainPolicy(p, atoms, evalAtoms(atoms, attrNames, data), maxNear, opts.pruneNearMisses ?? true);
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
  const { atoms, policies: prepared, attrNames } = prepareSet(policies, opts);
  const maxNear = opts.maxNearMisses ?? 3;
  const prune = opts.pruneNearMisses ?? true;
  // What depends only on a policy's conditions' truth is cached per policy, keyed by that
  // truth in base 3: the near-miss sets, and the JSON of eligible and unknown explanations.
  // Enterprises fall into few such patterns per policy, so a 政策体检 rarely searches or serialises.
  const setCache = prepared.map(() => new Map<number, NearSet[]>());
  const jsonCache = prepared.map(() => new Map<number | string, JsonPiece>());
  const truthKey = (p: PreparedPolicy, truth: Uint8Array): number => {
    let k = 0;
    for (let j = 0; j < p.atoms.length; j++) k = k * 3 + (truth[p.atoms[j] as number] as number);
    return k;
  };
  const setsOf = (i: number, st: AtomState): NearSet[] => {
    const p = prepared[i] as PreparedPolicy;
    if (p.atoms.length > MAX_KEYED_ATOMS) return nearMissSets(p, st.truth, maxNear, prune);
    const key = truthKey(p, st.truth);
    const cache = setCache[i] as Map<number, NearSet[]>;
    let sets = cache.get(key);
    if (!sets) {
      sets = nearMissSets(p, st.truth, maxNear, prune);
      if (cache.size < SETS_PER_POLICY) cache.set(key, sets);
    }
    return sets;
  };
  // Triage keeps its atom state for compactAt.
  const stateOf = (t: Triage): AtomState => {
    if (!(t instanceof TriageOf) || t.set !== prepared) throw new Error('explainer: triage from another policy set');
    return t.st;
  };
  const triage = (data: unknown): Triage => {
    const st = evalAtoms(atoms, attrNames, data, false);
    const n = prepared.length;
    const status = new Uint8Array(n);
    const changes = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const p = prepared[i] as PreparedPolicy;
      const flat = p.flat;
      if (prune && flat !== null) {
        // AND of groups of distinct conditions: the outcome is the lowest group, the flips up are the false groups.
        const truth = st.truth;
        const fa = flat.atoms;
        const fg = flat.groups;
        let s = T;
        let up = 0;
        for (let g = 0, j = 0; g < fg.length; g++) {
          let v = F;
          for (const end = j + (fg[g] as number); j < end; j++) {
            const a = fa[j] as number;
            const x = a >= 0 ? (truth[a] as number) : T - (truth[~a] as number);
            if (x > v) v = x;
          }
          if (v < s) s = v;
          if (v === F) up++;
        }
        status[i] = s;
        if (s === F && maxNear > 0 && up <= 2) changes[i] = up;
        continue;
      }
      if (prune && p.exact) {
        // Outcome and near-miss size in one walk (the common case).
        const r = triageNode(p.root, st.truth);
        const s = r & 3;
        const up = (r >> 2) & 3;
        status[i] = s;
        if (s === F && maxNear > 0 && up <= 2) changes[i] = up;
        continue;
      }
      const s = kleene(p.root, st.truth);
      status[i] = s;
      if (s !== F || maxNear <= 0) continue;
      const bound = prune && p.distinct ? flipsNeeded(p.root, st.truth, true) : 0;
      if (bound > 2) continue;
      // Exact: the search would find sets of exactly this size, so it runs only if the policy is shown.
      changes[i] = prune && p.exact ? bound : (setsOf(i, st)[0]?.set.length ?? 0);
    }
    return new TriageOf(prepared, st, status, changes);
  };
  const compactAt = (t: Triage, i: number, o: { conditions?: boolean } = {}): CompactExplanation => {
    const st = stateOf(t);
    const p = prepared[i] as PreparedPolicy;
    const s = t.status[i] as number;
    const near = s === F && (t.changes[i] as number) > 0 ? materialize(setsOf(i, st), p, atoms, st) : [];
    const e: CompactExplanation = { id: p.id, status: TRUTH[s] as Truth, missing: s === U ? missingOf(p, atoms, st) : [], nearMisses: near };
    if (o.conditions) e.conditions = conditionsOf(p.root, atoms, st.truth);
    return e;
  };
  const compactJson = (t: Triage, i: number, o: { conditions?: boolean }): string => {
    const { id: _id, ...e } = compactAt(t, i, o);
    return JSON.stringify(e);
  };
  const nearCache = prepared.map(() => new Map<number, NearTemplate[]>());
  const writeCompactJsonAt = (t: Triage, i: number, o: { conditions?: boolean }, out: JsonSink): void => {
    const st = stateOf(t);
    const p = prepared[i] as PreparedPolicy;
    const s = t.status[i] as number;
    if (p.atoms.length > MAX_KEYED_ATOMS || (s === F && (o.conditions || t.changes[i] === 0))) {
      out.text(compactJson(t, i, o));
      return;
    }
    const k = truthKey(p, st.truth);
    if (s === F) {
      // Near misses quote the enterprise's own values: only those are written per request.
      const cache = nearCache[i] as Map<number, NearTemplate[]>;
      let tpl = cache.get(k);
      if (!tpl) {
        tpl = setsOf(i, st).map((f) => nearTemplate(f, p, atoms, st.truth));
        if (cache.size < SETS_PER_POLICY) cache.set(k, tpl);
      }
      writeNear(tpl, atoms, st.data, out);
      return;
    }
    // True: the pattern says it all (a number key, no string built); unknown: which attributes are missing too.
    const key = s === U ? `${k}|${missingOf(p, atoms, st).join(',')}${o.conditions ? '+' : ''}` : k * 2 + (o.conditions ? 1 : 0);
    const cache = jsonCache[i] as Map<number | string, JsonPiece>;
    let json = cache.get(key);
    if (json === undefined) {
      json = jsonPiece(compactJson(t, i, o));
      if (cache.size < JSON_PER_POLICY) cache.set(key, json);
    }
    out.piece(json);
  };
  const compactJsonAt = (t: Triage, i: number, o: { conditions?: boolean } = {}): string => {
    const out = new StringSink();
    writeCompactJsonAt(t, i, o, out);
    return out.s;
  };
  return {
    explainAll(data) {
      const st = evalAtoms(atoms, attrNames, data);
      return prepared.map((p) => ({ id: p.id, ...explainPolicy(p, atoms, st, maxNear, prune) }));
    },
    explainCompact(data, o = {}) {
      const withConditions = o.conditionsFor ?? ['true', 'unknown'];
      const t = triage(data);
      return prepared.map((_p, i) => compactAt(t, i, { conditions: withConditions.includes(TRUTH[t.status[i] as number] as Truth) }));
    },
    triage,
    compactAt,
    compactJsonAt,
    writeCompactJsonAt,
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
function nearMisses(p: PreparedPolicy, atoms: readonly PreparedAtom[], st: AtomState, max: number, prune: boolean): NearMiss[] {
  return materialize(nearMissSets(p, st.truth, max, prune), p, atoms, st);
}

/** A near miss as conditions to change (atom ids), before it is worded for one enterprise. */
interface NearSet {
  wouldBe: 'true' | 'unknown';
  set: number[];
}

/** A near-miss set's JSON with holes for the enterprise's values (see writeNear). */
interface NearTemplate {
  head: JsonPiece;
  /** Per change: the JSON up to `"yours":`, from after it up to the value in `text`, and the rest. */
  changes: { head: JsonPiece; mid: JsonPiece; tail: JsonPiece; atom: number }[];
}

/** The inside of a JSON string literal: JSON escaping is per character, so these concatenate. */
const inner = (s: string): string => JSON.stringify(s).slice(1, -1);

function nearTemplate(f: NearSet, p: PreparedPolicy, atoms: readonly PreparedAtom[], truth: Uint8Array): NearTemplate {
  return {
    head: jsonPiece(`{"wouldBe":${JSON.stringify(f.wouldBe)},"changes":[`),
    changes: f.set.map((i) => {
      const l = atoms[i] as PreparedAtom;
      const needed = truth[i] === T ? l.text.negated : l.text.text;
      const attr = l.text.attribute;
      return {
        head: jsonPiece(`{"path":${JSON.stringify(leafPath(p.root, i) ?? '')},"needed":${JSON.stringify(needed)},"yours":`),
        mid: jsonPiece(`,"text":"${inner(`${needed}（当前：`)}`),
        tail: jsonPiece(`${inner('）')}"${attr !== undefined ? `,"attribute":${JSON.stringify(attr)}}` : '}'}`),
        atom: i,
      };
    }),
  };
}

/** What changeOf calls `yours`, read straight from the data. */
function yoursOf(l: PreparedAtom, data: unknown): JsonValue {
  const attr = l.text.attribute;
  if (attr !== undefined) return l.attrs.includes(attr) ? lookup(data, attr) : null;
  if (l.attrs.length === 1) return lookup(data, l.attrs[0] as string);
  return Object.fromEntries(l.attrs.map((a) => [a, lookup(data, a)]));
}

const NEAR_OPEN = jsonPiece('{"status":"false","missing":[],"nearMisses":[');
const COMMA = jsonPiece(',');
const CLOSE_LIST = jsonPiece(']}');

/** = JSON.stringify of a false policy's compact explanation without conditions (tested against it). */
function writeNear(sets: readonly NearTemplate[], atoms: readonly PreparedAtom[], data: unknown, out: JsonSink): void {
  out.piece(NEAR_OPEN);
  for (let k = 0; k < sets.length; k++) {
    const set = sets[k] as NearTemplate;
    if (k > 0) out.piece(COMMA);
    out.piece(set.head);
    for (let j = 0; j < set.changes.length; j++) {
      const c = set.changes[j] as NearTemplate['changes'][number];
      const yours = yoursOf(atoms[c.atom] as PreparedAtom, data);
      if (j > 0) out.piece(COMMA);
      out.piece(c.head);
      out.text(JSON.stringify(yours));
      out.piece(c.mid);
      out.text(inner(shown(yours)));
      out.piece(c.tail);
    }
    out.piece(CLOSE_LIST);
  }
  out.piece(CLOSE_LIST);
}

function materialize(sets: readonly NearSet[], p: PreparedPolicy, atoms: readonly PreparedAtom[], st: AtomState): NearMiss[] {
  return sets.map((f) => ({
    wouldBe: f.wouldBe,
    changes: f.set.map((i) => changeOf(atoms[i] as PreparedAtom, leafPath(p.root, i) ?? '', st.truth[i] === T, usesOf(atoms, st, i))),
  }));
}

/** The near-miss sets of a false rule: they depend only on its conditions' truth. */
function nearMissSets(p: PreparedPolicy, truth: Uint8Array, max: number, prune: boolean): NearSet[] {
  const root = p.root;
  const known: number[] = [];
  for (const i of p.atoms) if (truth[i] === F) known.push(i);
  // In a monotone rule a set with a true→false flip never lifts the rule where the rest alone does not.
  if (!(prune && p.monotone)) for (const i of p.atoms) if (truth[i] === T) known.push(i);
  const cand = known.slice(0, MAX_CANDIDATES);
  const trial = truth; // flipped and restored in place: T - x turns true into false and back
  const found: { set: number[]; r: number }[] = [];
  for (const i of cand) {
    trial[i] = T - (trial[i] as number);
    const r = kleene(root, trial);
    trial[i] = T - (trial[i] as number);
    if (r !== F) found.push({ set: [i], r });
  }
  if (!found.some((f) => f.r === T)) {
    for (let x = 0; x < cand.length; x++) {
      for (let y = x + 1; y < cand.length; y++) {
        const i = cand[x] as number;
        const j = cand[y] as number;
        trial[i] = T - (trial[i] as number);
        trial[j] = T - (trial[j] as number);
        const r = kleene(root, trial);
        trial[i] = T - (trial[i] as number);
        trial[j] = T - (trial[j] as number);
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
  return chosen.slice(0, max).map((f) => ({ wouldBe: f.r === T ? ('true' as const) : ('unknown' as const), set: f.set }));
}

/** One-shot explanation of a rule for one record. */
export function explainRule(rule: Rule, data: unknown, opts: ExplainOptions = {}): Explanation {
  return prepareExplainer(rule, opts).explain(data);
}
