import { cellValue, isMissingAt, rowRecord, type Column, type ColumnStore } from './columns.ts';
import { compileRule, type CompiledRule } from './compile.ts';
import { kleene } from './explain.ts';
import { prepareAtoms, type CmpOp, type MatchPlan, type PlanPolicy, type PreparedAtom } from './plan.ts';
import type { Skel } from './skeleton.ts';
import type { JsonValue, Truth } from './types.ts';
import { truthy } from './values.ts';

/**
 * Result of a batch match: per policy, a bitset of rows whose rule is truthy (standard
 * JsonLogic answer) and a bitset of rows whose three-valued status is unknown.
 * Eligible for sure = matched ∧ ¬unknown; not eligible = ¬matched ∧ ¬unknown.
 */
export interface MatchResult {
  rows: number;
  words: number;
  policyIds: string[];
  matched: Int32Array[];
  unknown: Int32Array[];
}

/** Rows per block: 1,024 words = 32,768 rows keeps every atom's block bitset in cache. */
const BLOCK_WORDS = 1024;

export function allocateResult(store: ColumnStore, plan: MatchPlan): MatchResult {
  const mk = (): Int32Array => new Int32Array(new SharedArrayBuffer(Math.max(8, store.words * 4)));
  return {
    rows: store.rows,
    words: store.words,
    policyIds: plan.policies.map((p) => p.id),
    matched: plan.policies.map(mk),
    unknown: plan.policies.map(mk),
  };
}

// ---- kernels: one tight loop per comparison so V8 keeps each monomorphic ----

type Vals = Float64Array | Int32Array;
const B = (b: boolean): number => b as unknown as number;

function cmpKernel(v: Vals, op: CmpOp, c: number, out: Int32Array, w0: number, w1: number): void {
  let o = 0;
  switch (op) {
    case '<':
      for (let w = w0; w < w1; w++) {
        let b = 0;
        const base = w << 5;
        for (let j = 0; j < 32; j++) b |= B(v[base + j]! < c) << j;
        out[o++] = b;
      }
      return;
    case '<=':
      for (let w = w0; w < w1; w++) {
        let b = 0;
        const base = w << 5;
        for (let j = 0; j < 32; j++) b |= B(v[base + j]! <= c) << j;
        out[o++] = b;
      }
      return;
    case '>':
      for (let w = w0; w < w1; w++) {
        let b = 0;
        const base = w << 5;
        for (let j = 0; j < 32; j++) b |= B(v[base + j]! > c) << j;
        out[o++] = b;
      }
      return;
    case '>=':
      for (let w = w0; w < w1; w++) {
        let b = 0;
        const base = w << 5;
        for (let j = 0; j < 32; j++) b |= B(v[base + j]! >= c) << j;
        out[o++] = b;
      }
      return;
    case '==':
      for (let w = w0; w < w1; w++) {
        let b = 0;
        const base = w << 5;
        for (let j = 0; j < 32; j++) b |= B(v[base + j]! === c) << j;
        out[o++] = b;
      }
      return;
    case '!=':
      for (let w = w0; w < w1; w++) {
        let b = 0;
        const base = w << 5;
        for (let j = 0; j < 32; j++) b |= B(v[base + j]! !== c) << j;
        out[o++] = b;
      }
      return;
  }
}

function lutKernel(codes: Uint32Array, lut: Uint8Array, out: Int32Array, w0: number, w1: number): void {
  let o = 0;
  const n = lut.length;
  for (let w = w0; w < w1; w++) {
    let b = 0;
    const base = w << 5;
    for (let j = 0; j < 32; j++) {
      const code = codes[base + j]!;
      // Codes beyond the table were added after it was built; they are recomputed by rematchRow.
      b |= (code < n ? lut[code]! : 0) << j;
    }
    out[o++] = b;
  }
}

function tagsKernel(bits: Int32Array, wpr: number, masks: Int32Array, all: boolean, out: Int32Array, w0: number, w1: number): void {
  let o = 0;
  if (wpr === 1) {
    const m = masks[0]!;
    for (let w = w0; w < w1; w++) {
      let b = 0;
      const base = w << 5;
      if (all) for (let j = 0; j < 32; j++) b |= B((bits[base + j]! & m) === m) << j;
      else for (let j = 0; j < 32; j++) b |= B((bits[base + j]! & m) !== 0) << j;
      out[o++] = b;
    }
    return;
  }
  for (let w = w0; w < w1; w++) {
    let b = 0;
    const base = w << 5;
    for (let j = 0; j < 32; j++) {
      const r = (base + j) * wpr;
      let ok = all;
      for (let k = 0; k < wpr; k++) {
        const m = masks[k]!;
        const x = bits[r + k]! & m;
        if (all ? x !== m : x !== 0) {
          ok = !all;
          break;
        }
      }
      b |= B(ok) << j;
    }
    out[o++] = b;
  }
}

/** Rows of a missing attribute take the value the rule has on null (exactly JsonLogic's answer). */
function fixMissing(out: Int32Array, missing: Int32Array, nullValue: boolean, w0: number, n: number): void {
  for (let i = 0; i < n; i++) {
    const m = missing[w0 + i]!;
    out[i] = nullValue ? out[i]! | m : out[i]! & ~m;
  }
}

/** A store as seen by a worker: columns only (no indexes), arrays shared. */
export interface StoreView {
  rows: number;
  words: number;
  columns: Map<string, Column>;
}

interface Scratch {
  r: Int32Array[];
  t: Int32Array[];
  f: Int32Array[];
  tmp: Int32Array;
  regs: { r: Int32Array; t: Int32Array; f: Int32Array }[];
  generic: (CompiledRule | undefined)[];
}

function makeScratch(atoms: readonly PreparedAtom[]): Scratch {
  const mk = (): Int32Array => new Int32Array(BLOCK_WORDS);
  return {
    r: atoms.map(mk),
    t: atoms.map(mk),
    f: atoms.map(mk),
    tmp: mk(),
    regs: [],
    generic: atoms.map((a) => (a.kind === 'generic' ? compileRule(a.rule, a.today === undefined ? {} : { today: a.today }) : undefined)),
  };
}

function computeAtom(view: StoreView, a: PreparedAtom, idx: number, s: Scratch, w0: number, w1: number): void {
  const out = s.r[idx]!;
  const n = w1 - w0;
  switch (a.kind) {
    case 'num':
    case 'date': {
      const col = view.columns.get(a.attr)!;
      const vals = (col as { values: Vals }).values;
      const first = a.tests[0]!;
      cmpKernel(vals, first.op, first.c, out, w0, w1);
      for (let k = 1; k < a.tests.length; k++) {
        const t = a.tests[k]!;
        cmpKernel(vals, t.op, t.c, s.tmp, w0, w1);
        for (let i = 0; i < n; i++) out[i] = out[i]! & s.tmp[i]!;
      }
      fixMissing(out, col.missing, a.nullValue, w0, n);
      break;
    }
    case 'lut': {
      const col = view.columns.get(a.attr) as Column & { kind: 'dict' };
      lutKernel(col.codes, a.lut, out, w0, w1);
      break;
    }
    case 'tags': {
      const col = view.columns.get(a.attr) as Column & { kind: 'tags' };
      if (a.impossible) out.fill(0, 0, n);
      else tagsKernel(col.bits, col.wordsPerRow, a.masks, a.all, out, w0, w1);
      fixMissing(out, col.missing, a.nullValue, w0, n);
      break;
    }
    case 'const':
      out.fill(a.value ? -1 : 0, 0, n);
      break;
    case 'generic': {
      const fn = s.generic[idx]!;
      const rows = view.rows;
      for (let i = 0; i < n; i++) {
        let b = 0;
        const base = (w0 + i) << 5;
        for (let j = 0; j < 32 && base + j < rows; j++) {
          if (truthy(fn(rowRecord(view, base + j, a.reads)))) b |= 1 << j;
        }
        out[i] = b;
      }
      break;
    }
  }
  // Kleene view: known = no attribute of the condition missing.
  const t = s.t[idx]!;
  const f = s.f[idx]!;
  const miss = a.miss.map((m) => view.columns.get(m)?.missing).filter((m): m is Int32Array => m !== undefined);
  if (miss.length === 0) {
    for (let i = 0; i < n; i++) {
      t[i] = out[i]!;
      f[i] = ~out[i]!;
    }
  } else if (miss.length === 1) {
    const mm = miss[0]!;
    for (let i = 0; i < n; i++) {
      const kn = ~mm[w0 + i]!;
      t[i] = out[i]! & kn;
      f[i] = ~out[i]! & kn;
    }
  } else {
    for (let i = 0; i < n; i++) {
      let m = 0;
      for (let k = 0; k < miss.length; k++) m |= miss[k]![w0 + i]!;
      const kn = ~m;
      t[i] = out[i]! & kn;
      f[i] = ~out[i]! & kn;
    }
  }
}

interface Val {
  r: Int32Array;
  t: Int32Array;
  f: Int32Array;
}

function reg(s: Scratch, level: number): Val {
  while (s.regs.length <= level) s.regs.push({ r: new Int32Array(BLOCK_WORDS), t: new Int32Array(BLOCK_WORDS), f: new Int32Array(BLOCK_WORDS) });
  return s.regs[level]!;
}

function evalNode(node: Skel, s: Scratch, n: number, level: number): Val {
  switch (node.k) {
    case 'leaf':
      return { r: s.r[node.leaf]!, t: s.t[node.leaf]!, f: s.f[node.leaf]! };
    case 'bool':
      return evalNode(node.c, s, n, level);
    case 'not': {
      const c = evalNode(node.c, s, n, level + 1);
      const o = reg(s, level);
      for (let i = 0; i < n; i++) {
        o.r[i] = ~c.r[i]!;
        o.t[i] = c.f[i]!;
        o.f[i] = c.t[i]!;
      }
      return o;
    }
    case 'and':
    case 'or': {
      // Child k lives in register level + 1 + k (its subtree only uses levels above), so all
      // children can be combined in one pass per word: 3k loads and 3 stores, not 9k.
      const K = node.cs.length;
      const vals: Val[] = new Array<Val>(K);
      for (let k = 0; k < K; k++) vals[k] = evalNode(node.cs[k]!, s, n, level + 1 + k);
      const o = reg(s, level);
      const or = o.r;
      const ot = o.t;
      const of = o.f;
      if (node.k === 'and') {
        for (let i = 0; i < n; i++) {
          let r = -1;
          let t = -1;
          let f = 0;
          for (let k = 0; k < K; k++) {
            const v = vals[k]!;
            r &= v.r[i]!;
            t &= v.t[i]!;
            f |= v.f[i]!;
          }
          or[i] = r;
          ot[i] = t;
          of[i] = f;
        }
      } else {
        for (let i = 0; i < n; i++) {
          let r = 0;
          let t = 0;
          let f = -1;
          for (let k = 0; k < K; k++) {
            const v = vals[k]!;
            r |= v.r[i]!;
            t |= v.t[i]!;
            f &= v.f[i]!;
          }
          or[i] = r;
          ot[i] = t;
          of[i] = f;
        }
      }
      return o;
    }
    case 'if': {
      // truthy(if(c, a, b)) = (c ∧ a) ∨ (¬c ∧ b), in both two- and three-valued logic.
      // o (level) and the copy of c (level + 1) stay put while children use the levels above.
      const o = reg(s, level);
      const cc = reg(s, level + 1);
      const c = evalNode(node.c, s, n, level + 2);
      for (let i = 0; i < n; i++) {
        cc.r[i] = c.r[i]!;
        cc.t[i] = c.t[i]!;
        cc.f[i] = c.f[i]!;
      }
      const a = evalNode(node.a, s, n, level + 2);
      for (let i = 0; i < n; i++) {
        o.r[i] = cc.r[i]! & a.r[i]!;
        o.t[i] = cc.t[i]! & a.t[i]!;
        o.f[i] = cc.f[i]! | a.f[i]!;
      }
      const b = node.b === null ? null : evalNode(node.b, s, n, level + 2);
      for (let i = 0; i < n; i++) {
        const br = b === null ? 0 : b.r[i]!;
        const bt = b === null ? 0 : b.t[i]!;
        const bf = b === null ? -1 : b.f[i]!;
        o.r[i] = o.r[i]! | (~cc.r[i]! & br);
        o.t[i] = o.t[i]! | (cc.f[i]! & bt);
        o.f[i] = o.f[i]! & (cc.t[i]! | bf);
      }
      return o;
    }
  }
}

/**
 * Evaluates every policy for rows in words [w0, w1), block by block: each distinct atom
 * once per block into a bitset, then AND/OR/NOT per policy. Used by the single-threaded
 * path and by each worker thread on its own row range.
 */
export function runRange(view: StoreView, atoms: readonly PreparedAtom[], policies: readonly PlanPolicy[], matched: readonly Int32Array[], unknown: readonly Int32Array[], w0: number, w1: number): void {
  const s = makeScratch(atoms);
  const rows = view.rows;
  for (let b0 = w0; b0 < w1; b0 += BLOCK_WORDS) {
    const b1 = Math.min(w1, b0 + BLOCK_WORDS);
    const n = b1 - b0;
    for (let a = 0; a < atoms.length; a++) computeAtom(view, atoms[a]!, a, s, b0, b1);
    for (let p = 0; p < policies.length; p++) {
      const v = evalNode(policies[p]!.root, s, n, 0);
      writeBlock(v, matched[p]!, unknown[p]!, b0, n, rows);
    }
  }
}

function writeBlock(v: Val, mo: Int32Array, uo: Int32Array, b0: number, n: number, rows: number): void {
  const r = v.r;
  const t = v.t;
  const f = v.f;
  for (let i = 0; i < n; i++) {
    mo[b0 + i] = r[i]!;
    uo[b0 + i] = ~(t[i]! | f[i]!);
  }
  // Bits past the last row are cleared (only the block holding the end needs it).
  const end = (b0 + n) << 5;
  if (end <= rows) return;
  for (let i = 0; i < n; i++) {
    const base = (b0 + i) << 5;
    if (base + 32 <= rows) continue;
    const keep = base >= rows ? 0 : (1 << (rows - base)) - 1;
    mo[b0 + i] = mo[b0 + i]! & keep;
    uo[b0 + i] = uo[b0 + i]! & keep;
  }
}

/** Single-threaded batch match of every row against every policy of the plan. */
export function matchColumns(store: ColumnStore, plan: MatchPlan): MatchResult {
  const result = allocateResult(store, plan);
  const atoms = prepareAtoms(store, plan);
  const words = Math.ceil(store.rows / 32);
  runRange(store, atoms, plan.policies, result.matched, result.unknown, 0, words);
  return result;
}

export function popcount(bits: Int32Array, words = bits.length): number {
  let c = 0;
  for (let i = 0; i < words; i++) {
    let v = bits[i]!;
    v = v - ((v >>> 1) & 0x55555555);
    v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
    c += (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
  }
  return c;
}

export interface PolicyCounts {
  id: string;
  /** Rows whose rule is truthy (the standard answer). */
  matched: number;
  /** Rows eligible for sure / not eligible for sure / unknown (three-valued). */
  eligible: number;
  ineligible: number;
  unknown: number;
}

export function countResult(result: MatchResult): PolicyCounts[] {
  return result.policyIds.map((id, p) => {
    const m = result.matched[p]!;
    const u = result.unknown[p]!;
    let eligible = 0;
    let unknown = 0;
    let matched = 0;
    const tmp = new Int32Array(1);
    for (let w = 0; w < result.words; w++) {
      tmp[0] = m[w]! & ~u[w]!;
      eligible += popcount(tmp, 1);
      tmp[0] = u[w]!;
      unknown += popcount(tmp, 1);
      tmp[0] = m[w]!;
      matched += popcount(tmp, 1);
    }
    return { id, matched, eligible, unknown, ineligible: result.rows - eligible - unknown };
  });
}

export function bitAt(bits: Int32Array, row: number): boolean {
  return (((bits[row >>> 5] ?? 0) >>> (row & 31)) & 1) === 1;
}

function setBit(bits: Int32Array, row: number, on: boolean): void {
  const w = row >>> 5;
  const m = 1 << (row & 31);
  bits[w] = on ? bits[w]! | m : bits[w]! & ~m;
}

/** Three-valued status of one row for one policy (index into the plan). */
export function statusAt(result: MatchResult, policy: number, row: number): Truth {
  if (bitAt(result.unknown[policy]!, row)) return 'unknown';
  return bitAt(result.matched[policy]!, row) ? 'true' : 'false';
}

function twoValued(node: Skel, leaf: ArrayLike<number>): boolean {
  switch (node.k) {
    case 'leaf':
      return leaf[node.leaf] === 1;
    case 'and':
      return node.cs.every((c) => twoValued(c, leaf));
    case 'or':
      return node.cs.some((c) => twoValued(c, leaf));
    case 'not':
      return !twoValued(node.c, leaf);
    case 'bool':
      return twoValued(node.c, leaf);
    case 'if':
      return twoValued(node.c, leaf) ? twoValued(node.a, leaf) : node.b !== null && twoValued(node.b, leaf);
  }
}

/** Compiled atoms for row-at-a-time evaluation (incremental updates). */
export interface RowMatcher {
  plan: MatchPlan;
  atoms: CompiledRule[];
}

export function prepareRowMatcher(plan: MatchPlan): RowMatcher {
  const opts = plan.today === undefined ? {} : { today: plan.today };
  return { plan, atoms: plan.atomRules.map((r) => compileRule(r, opts)) };
}

/**
 * Incremental re-match: after one enterprise's columns changed, recompute its bit for every
 * policy; no other row is read or written.
 */
export function rematchRow(store: ColumnStore, matcher: RowMatcher, result: MatchResult, row: number): void {
  const rec = rowRecord(store, row);
  const { plan } = matcher;
  const two = new Uint8Array(plan.atoms.length);
  const three = new Uint8Array(plan.atoms.length);
  plan.atoms.forEach((a, i) => {
    const v = truthy(matcher.atoms[i]!(rec));
    two[i] = v ? 1 : 0;
    const unknown = a.miss.some((m) => {
      const col = store.columns.get(m);
      return col === undefined || isMissingAt(col, row);
    });
    three[i] = unknown ? 1 : v ? 2 : 0;
  });
  if (row >= result.rows) result.rows = row + 1;
  plan.policies.forEach((p, i) => {
    setBit(result.matched[i]!, row, twoValued(p.root, two));
    setBit(result.unknown[i]!, row, kleene(p.root, three) === 1);
  });
}

/** Values of the given attributes for one row, for showing next to a result. */
export function rowValues(store: ColumnStore, row: number, names: readonly string[]): Record<string, JsonValue> {
  const out: Record<string, JsonValue> = {};
  for (const n of names) {
    const col = store.columns.get(n);
    out[n] = col === undefined ? null : cellValue(col, row);
  }
  return out;
}
