import type { Translate } from '../../locales';
import type { AttributeDef, AttributeType } from '../enterprises/api';
import { attrLabel, fenToWan, wanToFen } from '../enterprises/format';

// The visual rule builder's model and its two-way mapping to canonical
// JsonLogic (docs/rules.md). Rules the builder cannot represent are shown
// read-only as text (describeRule) and kept as they are.

export type CondOp =
  | '==' | '!=' | '>' | '>=' | '<' | '<=' | 'between'
  | 'in' | 'notIn' | 'contains' | 'notContains' | 'has_any' | 'has_all'
  | 'starts_with'
  | 'before' | 'after' | 'yearsAtLeast' | 'yearsWithin'
  | 'is';

export type CondValue = string | number | boolean | string[] | Array<number | null> | null | undefined;

export interface Cond {
  kind: 'cond';
  id: string;
  attr?: string;
  op?: CondOp;
  /** In UI units: money in 万元, "years" ops a number of years, between [low, high]. */
  value?: CondValue;
}

export interface Group {
  kind: 'group';
  id: string;
  combinator: 'and' | 'or';
  children: Array<Cond | Group>;
}

let seq = 0;
export const newId = (): string => `n${++seq}`;
export const emptyCond = (): Cond => ({ kind: 'cond', id: newId() });
export const emptyGroup = (combinator: 'and' | 'or' = 'and'): Group => ({ kind: 'group', id: newId(), combinator, children: [emptyCond()] });

export const OPS_BY_TYPE: Readonly<Record<AttributeType, readonly CondOp[]>> = {
  number: ['==', '!=', '>', '>=', '<', '<=', 'between'],
  money: ['==', '!=', '>', '>=', '<', '<=', 'between'],
  enum: ['==', 'in', 'notIn'],
  tags: ['contains', 'notContains', 'has_all', 'has_any'],
  text: ['==', 'starts_with'],
  date: ['before', 'after', 'yearsAtLeast', 'yearsWithin'],
  boolean: ['is'],
};

type Catalog = readonly AttributeDef[];
type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const one = (v: unknown): [string, unknown] | null => {
  if (!isObj(v)) return null;
  const keys = Object.keys(v);
  return keys.length === 1 ? [keys[0]!, v[keys[0]!]] : null;
};
/** {"var":"x"} → "x". */
function varName(v: unknown): string | null {
  const o = one(v);
  if (!o || o[0] !== 'var') return null;
  const a = o[1];
  if (typeof a === 'string') return a;
  if (Array.isArray(a) && a.length === 1 && typeof a[0] === 'string') return a[0];
  return null;
}
/** {"date_add":[{"today":[]},-N,"year"]} → N. */
function yearsAgo(v: unknown): number | null {
  const o = one(v);
  if (!o || o[0] !== 'date_add' || !Array.isArray(o[1]) || o[1].length !== 3) return null;
  const [base, n, unit] = o[1] as unknown[];
  const b = one(base);
  if (!b || b[0] !== 'today' || typeof n !== 'number' || (unit !== 'year' && unit !== 'years')) return null;
  return -n;
}
const yearsExpr = (n: number): Json => ({ date_add: [{ today: [] }, -n, 'year'] });
const v = (name: string): Json => ({ var: name });

// ---------- builder → JsonLogic ----------

export class IncompleteRule extends Error {}

function condToLogic(c: Cond, catalog: Catalog): Json {
  const def = catalog.find((a) => a.key === c.attr);
  if (!def || !c.op) throw new IncompleteRule('incomplete');
  const val = c.value;
  const need = (ok: boolean) => {
    if (!ok) throw new IncompleteRule('incomplete');
  };
  switch (c.op) {
    case '==': case '!=': case '>': case '>=': case '<': case '<=': {
      if (def.type === 'number' || def.type === 'money') {
        need(typeof val === 'number');
        const n = def.type === 'money' ? wanToFen(val as number)! : (val as number);
        return { [c.op]: [v(def.key), n] };
      }
      need(typeof val === 'string' && val.trim() !== '');
      return { [c.op]: [v(def.key), (val as string).trim()] };
    }
    case 'between': {
      need(Array.isArray(val) && val.length === 2 && typeof val[0] === 'number' && typeof val[1] === 'number');
      const [lo, hi] = (val as number[]).map((x) => (def.type === 'money' ? wanToFen(x)! : x));
      return { '<=': [lo!, v(def.key), hi!] };
    }
    case 'in': case 'notIn': {
      need(Array.isArray(val) && val.length > 0);
      const r: Json = { in: [v(def.key), val as string[]] };
      return c.op === 'in' ? r : { '!': r };
    }
    case 'contains': case 'notContains': {
      need(typeof val === 'string' && val !== '');
      // One tag: the standard form (docs/rules.md).
      const r: Json = { in: [val as string, v(def.key)] };
      return c.op === 'contains' ? r : { '!': r };
    }
    case 'has_any': case 'has_all':
      need(Array.isArray(val) && val.length > 0);
      return { [c.op]: [v(def.key), val as string[]] };
    case 'starts_with':
      need(typeof val === 'string' && val.trim() !== '');
      return { starts_with: [v(def.key), (val as string).trim()] };
    case 'before': case 'after':
      need(typeof val === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(val));
      return { [c.op === 'before' ? '<' : '>']: [v(def.key), val as string] };
    case 'yearsAtLeast': case 'yearsWithin':
      need(typeof val === 'number' && Number.isInteger(val) && val >= 0);
      return { [c.op === 'yearsAtLeast' ? '<=' : '>=']: [v(def.key), yearsExpr(val as number)] };
    case 'is':
      need(typeof val === 'boolean');
      return { '==': [v(def.key), val as boolean] };
  }
}

/** Canonical JsonLogic for the builder tree; throws IncompleteRule if a row is unfinished. */
export function toLogic(g: Group, catalog: Catalog): Json {
  if (g.children.length === 0) throw new IncompleteRule('empty');
  return { [g.combinator]: g.children.map((c) => (c.kind === 'group' ? toLogic(c, catalog) : condToLogic(c, catalog))) };
}

// ---------- JsonLogic → builder ----------

function logicToCond(rule: unknown, catalog: Catalog): Cond | null {
  const o = one(rule);
  if (!o) return null;
  // {"!": x}: only the negations the builder offers (不属于, 不包含).
  if (o[0] === '!') {
    const inner = Array.isArray(o[1]) ? (o[1].length === 1 ? o[1][0] : null) : o[1];
    const c = inner ? logicToCond(inner, catalog) : null;
    if (c?.op === 'in') return { ...c, op: 'notIn' };
    const io = one(inner);
    if (c?.op === 'contains' && io?.[0] === 'in') return { ...c, op: 'notContains' };
    return null;
  }
  if (!Array.isArray(o[1])) return null;
  const [op, args] = o as [string, unknown[]];
  const cond = (attr: string, cop: CondOp, value: CondValue): Cond | null => {
    const def = catalog.find((a) => a.key === attr);
    return def && OPS_BY_TYPE[def.type].includes(cop) ? { kind: 'cond', id: newId(), attr, op: cop, value } : null;
  };
  // {"<=": [low, {"var": x}, high]} — between.
  if (op === '<=' && args.length === 3 && typeof args[0] === 'number' && typeof args[2] === 'number' && varName(args[1])) {
    const name = varName(args[1])!;
    const money = catalog.find((a) => a.key === name)?.type === 'money';
    return cond(name, 'between', [args[0], args[2]].map((x) => (money ? fenToWan(x as number) : (x as number))));
  }
  // {"in": ["tag", {"var": "tags"}]} — the standard one-tag form.
  if (op === 'in' && args.length === 2 && typeof args[0] === 'string' && varName(args[1])) return cond(varName(args[1])!, 'contains', args[0]);
  if (args.length !== 2) return null;
  const name = varName(args[0]);
  if (!name) return null;
  const def = catalog.find((a) => a.key === name);
  if (!def) return null;
  const rhs = args[1];
  if (['==', '!=', '>', '>=', '<', '<='].includes(op)) {
    const years = yearsAgo(rhs);
    if (def.type === 'date') {
      if (years !== null && op === '<=') return cond(name, 'yearsAtLeast', years);
      if (years !== null && op === '>=') return cond(name, 'yearsWithin', years);
      if (typeof rhs === 'string' && op === '<') return cond(name, 'before', rhs);
      if (typeof rhs === 'string' && op === '>') return cond(name, 'after', rhs);
      return null;
    }
    if (def.type === 'boolean' && op === '==' && typeof rhs === 'boolean') return cond(name, 'is', rhs);
    if ((def.type === 'number' || def.type === 'money') && typeof rhs === 'number') return cond(name, op as CondOp, def.type === 'money' ? fenToWan(rhs) : rhs);
    if ((def.type === 'enum' || def.type === 'text') && (op === '==' ) && typeof rhs === 'string') return cond(name, '==', rhs);
    return null;
  }
  const strings = Array.isArray(rhs) && rhs.every((x) => typeof x === 'string') ? (rhs as string[]) : null;
  if (op === 'in' && strings) return cond(name, 'in', strings);
  if (op === 'starts_with' && typeof rhs === 'string') return cond(name, 'starts_with', rhs);
  if ((op === 'has_any' || op === 'has_all') && strings) {
    if (op === 'has_any' && strings.length === 1) return cond(name, 'contains', strings[0]);
    return cond(name, op, strings);
  }
  return null;
}

function logicToNode(rule: unknown, catalog: Catalog): Cond | Group | null {
  const o = one(rule);
  if (o && (o[0] === 'and' || o[0] === 'or') && Array.isArray(o[1]) && o[1].length > 0) {
    const children: Array<Cond | Group> = [];
    for (const r of o[1]) {
      const n = logicToNode(r, catalog);
      if (!n) return null;
      children.push(n);
    }
    return { kind: 'group', id: newId(), combinator: o[0], children };
  }
  return logicToCond(rule, catalog);
}

/** The builder tree for a rule, or null when the rule has shapes the builder does not offer. */
export function fromLogic(rule: unknown, catalog: Catalog): Group | null {
  if (rule === true || rule === null || rule === undefined) return emptyGroup();
  const n = logicToNode(rule, catalog);
  if (!n) return null;
  return n.kind === 'group' ? n : { kind: 'group', id: newId(), combinator: 'and', children: [n] };
}

// ---------- readable text ----------

const SYMBOL: Record<string, string> = { '==': '=', '===': '=', '!=': '≠', '!==': '≠', '>': '>', '>=': '≥', '<': '<', '<=': '≤' };

function literal(t: Translate, def: AttributeDef | undefined, x: unknown): string {
  if (def?.type === 'money' && typeof x === 'number') return `${fenToWan(x)!.toLocaleString('zh-CN')} ${t('pages.enterprises.unit.wanYuan')}`;
  if (typeof x === 'boolean') return x ? t('common.yes') : t('common.no');
  if (Array.isArray(x)) return x.map((e) => literal(t, def, e)).join('、');
  if (typeof x === 'string') return x;
  if (typeof x === 'number') return def?.unit && def.unit !== '分' ? `${x.toLocaleString('zh-CN')} ${def.unit}` : x.toLocaleString('zh-CN');
  return JSON.stringify(x);
}

/** A JsonLogic rule as Chinese (or English) text with attribute labels: 从业人数 ≥ 10 且 行业代码 以 I65 开头. */
export function describeRule(rule: unknown, catalog: Catalog, t: Translate, nested = false): string {
  if (rule === true) return t('pages.policies.rule.always');
  const o = one(rule);
  if (!o) return JSON.stringify(rule);
  const [op, raw] = o;
  const args = Array.isArray(raw) ? raw : [raw];
  const label = (name: string) => attrLabel(t, name, catalog.find((a) => a.key === name)?.label ?? name);
  const defOf = (x: unknown) => {
    const n = varName(x);
    return n ? catalog.find((a) => a.key === n) : undefined;
  };
  const term = (x: unknown): string => {
    const n = varName(x);
    if (n) return label(n);
    if (one(x)) return describeRule(x, catalog, t, true);
    return literal(t, undefined, x);
  };
  if (op === 'and' || op === 'or') {
    const text = args.map((a) => describeRule(a, catalog, t, true)).join(` ${t(op === 'and' ? 'pages.policies.rule.and' : 'pages.policies.rule.or')} `);
    return nested && args.length > 1 ? `（${text}）` : text;
  }
  if (op === '!') return `${t('pages.policies.rule.not')}（${describeRule(args[0], catalog, t)}）`;
  if (op in SYMBOL && args.length === 2) {
    const def = defOf(args[0]);
    const years = yearsAgo(args[1]);
    if (def?.type === 'date' && years !== null) {
      if (op === '<=') return t('pages.policies.rule.yearsAtLeastText', { label: term(args[0]), n: years });
      if (op === '>' || op === '>=') return t('pages.policies.rule.yearsWithinText', { label: term(args[0]), n: years });
    }
    const rhs = one(args[1]) ? term(args[1]) : literal(t, def, args[1]);
    return `${term(args[0])} ${SYMBOL[op]} ${rhs}`;
  }
  if ((op === '<' || op === '<=') && args.length === 3) return `${literal(t, defOf(args[1]), args[0])} ${SYMBOL[op]} ${term(args[1])} ${SYMBOL[op]} ${literal(t, defOf(args[1]), args[2])}`;
  if (op === 'starts_with' && args.length === 2) return t('pages.policies.rule.startsWithText', { label: term(args[0]), value: literal(t, undefined, args[1]) });
  if (op === 'in' && args.length === 2) {
    if (varName(args[1])) return t('pages.policies.rule.containsText', { label: term(args[1]), value: literal(t, undefined, args[0]) });
    return t('pages.policies.rule.inText', { label: term(args[0]), value: literal(t, defOf(args[0]), args[1]) });
  }
  if ((op === 'has_any' || op === 'has_all') && args.length === 2) {
    const list = Array.isArray(args[1]) ? args[1] : [args[1]];
    if (op === 'has_any' && list.length === 1) return t('pages.policies.rule.containsText', { label: term(args[0]), value: literal(t, undefined, list[0]) });
    return t(op === 'has_any' ? 'pages.policies.rule.hasAnyText' : 'pages.policies.rule.hasAllText', { label: term(args[0]), value: literal(t, undefined, list) });
  }
  if (op === 'date_add' && args.length === 3) return `${term(args[0])} ${Number(args[1]) >= 0 ? '+' : ''}${String(args[1])} ${String(args[2])}`;
  if (op === 'today') return t('pages.policies.rule.today');
  if (op === 'var') return label(String(Array.isArray(raw) ? raw[0] : raw));
  return JSON.stringify(rule);
}
