import { compileRule, type CompiledRule } from './compile.ts';
import { describeLeaf, type LeafText } from './describe.ts';
import { buildSkeleton, type Skel, type Skeleton } from './skeleton.ts';
import type { Catalog, EvalOptions, JsonValue, Rule, Truth } from './types.ts';
import { attrSpec, isLogic, isMissing, lookup, opOf, truthy } from './values.ts';

export interface ExplainOptions extends EvalOptions {
  catalog?: Catalog;
  /** Most near-miss sets to report (default 3). */
  maxNearMisses?: number;
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
  /** "employees ≤ 300; yours: 320". */
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

interface PreparedLeaf {
  fn: CompiledRule;
  attrs: string[];
  labels: (string | undefined)[];
  text: LeafText;
  path: string;
  op: string;
}

/** A rule prepared once for explaining many enterprises (re-matching one enterprise is then cheap). */
export interface Explainer {
  readonly skeleton: Skeleton;
  explain(data: unknown): Explanation;
}

export function prepareExplainer(rule: Rule, opts: ExplainOptions = {}): Explainer {
  const skeleton = buildSkeleton(rule, opts);
  const whole = compileRule(rule, opts);
  const catalog = opts.catalog;
  const maxNear = opts.maxNearMisses ?? 3;
  const leaves: PreparedLeaf[] = skeleton.leaves.map((l) => ({
    fn: compileRule(l.rule, opts),
    attrs: l.attrs,
    labels: l.attrs.map((a) => (catalog ? attrSpec(catalog, a)?.label : undefined)),
    text: describeLeaf(l.rule, catalog),
    path: l.path,
    op: isLogic(l.rule) ? opOf(l.rule) : 'const',
  }));
  const n = leaves.length;

  const explain = (data: unknown): Explanation => {
    const truth = new Uint8Array(n);
    const values: JsonValue[] = new Array<JsonValue>(n);
    const uses: AttributeUse[][] = new Array<AttributeUse[]>(n);
    const missing: string[] = [];
    for (let i = 0; i < n; i++) {
      const l = leaves[i] as PreparedLeaf;
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
    const status = kleene(skeleton.root, truth);
    if (status === U) {
      // Ask only for attributes of unknown conditions that can still change the outcome.
      const seen = new Set<string>();
      for (let i = 0; i < n; i++) {
        if (truth[i] !== U) continue;
        for (const a of uses[i] as AttributeUse[]) if (a.missing && !seen.has(a.name)) (seen.add(a.name), missing.push(a.name));
      }
    }
    const build = (s: Skel): ExplainNode => {
      switch (s.k) {
        case 'leaf': {
          const l = leaves[s.leaf] as PreparedLeaf;
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
    const result = whole(data);
    return {
      result,
      matched: truthy(result),
      status: TRUTH[status] as Truth,
      missing,
      tree: build(skeleton.root),
      nearMisses: status === F ? nearMisses(skeleton.root, truth, leaves, uses, maxNear) : [],
    };
  };
  return { skeleton, explain };
}

function changeOf(l: PreparedLeaf, wasTrue: boolean, uses: AttributeUse[]): NearMissChange {
  const needed = wasTrue ? l.text.negated : l.text.text;
  const attr = l.text.attribute;
  const yours: JsonValue = attr !== undefined ? (uses.find((u) => u.name === attr)?.value ?? null) : uses.length === 1 ? (uses[0]?.value ?? null) : Object.fromEntries(uses.map((u) => [u.name, u.value]));
  const c: NearMissChange = { path: l.path, needed, yours, text: `${needed}; yours: ${typeof yours === 'string' ? yours : JSON.stringify(yours)}` };
  if (attr !== undefined) c.attribute = attr;
  return c;
}

/**
 * Smallest sets of known conditions whose flip makes the rule pass: all singles first, then
 * pairs. Conditions that are false come first (the usual case: an AND of requirements).
 */
function nearMisses(root: Skel, truth: Uint8Array, leaves: readonly PreparedLeaf[], uses: readonly AttributeUse[][], max: number): NearMiss[] {
  const known: number[] = [];
  for (let i = 0; i < truth.length; i++) if (truth[i] === F) known.push(i);
  for (let i = 0; i < truth.length; i++) if (truth[i] === T) known.push(i);
  // A rule builder's rule has a handful of conditions; the cap keeps pair search bounded.
  const cand = known.slice(0, 24);
  const trial = Uint8Array.from(truth);
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
  const best = found.some((f) => f.r === T) ? found.filter((f) => f.r === T) : found;
  const minSize = Math.min(...best.map((f) => f.set.length));
  return best
    .filter((f) => f.set.length === minSize)
    .slice(0, max)
    .map((f) => ({
      wouldBe: f.r === T ? ('true' as const) : ('unknown' as const),
      changes: f.set.map((i) => changeOf(leaves[i] as PreparedLeaf, truth[i] === T, uses[i] as AttributeUse[])),
    }));
}

/** One-shot explanation of a rule for one record. */
export function explainRule(rule: Rule, data: unknown, opts: ExplainOptions = {}): Explanation {
  return prepareExplainer(rule, opts).explain(data);
}
