import type { Catalog, JsonValue, Rule } from './types.ts';
import { argsOf, attrSpec, isLogic, opOf } from './values.ts';

/** Human wording of one leaf condition, and of its negation, for explanations. */
export interface LeafText {
  text: string;
  negated: string;
  /** The attribute the condition constrains, when it is a simple attribute-vs-constant test. */
  attribute?: string;
}

const SYM: Readonly<Record<string, string>> = { '<': '<', '<=': '≤', '>': '>', '>=': '≥', '==': '=', '===': '=', '!=': '≠', '!==': '≠' };
const NEG: Readonly<Record<string, string>> = { '<': '>=', '<=': '>', '>': '<=', '>=': '<', '==': '!=', '===': '!==', '!=': '==', '!==': '===' };
const FLIP: Readonly<Record<string, string>> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=', '==': '==', '===': '===', '!=': '!=', '!==': '!==' };

function varName(r: Rule): string | undefined {
  if (!isLogic(r) || opOf(r) !== 'var') return undefined;
  const a = argsOf(r, 'var')[0];
  return typeof a === 'string' || typeof a === 'number' ? String(a) : undefined;
}

function fmt(v: JsonValue): string {
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return `[${v.map(fmt).join(', ')}]`;
  return JSON.stringify(v);
}

export function describeLeaf(rule: Rule, catalog: Catalog | undefined): LeafText {
  const label = (name: string): string => (catalog ? (attrSpec(catalog, name)?.label ?? name) : name);
  const generic = (): LeafText => ({ text: JSON.stringify(rule), negated: `not ${JSON.stringify(rule)}` });
  if (!isLogic(rule)) return { text: fmt(rule), negated: `not ${fmt(rule)}` };
  const op = opOf(rule);
  const args = argsOf(rule, op);
  if (op === 'var') {
    const n = varName(rule);
    if (n === undefined) return generic();
    return { text: `${label(n)} is true`, negated: `${label(n)} is false`, attribute: n };
  }
  const a = args[0] ?? null;
  const b = args[1] ?? null;
  const va = varName(a);
  const vb = varName(b);
  if (SYM[op] !== undefined && args.length === 2) {
    if (va !== undefined && vb === undefined && !isLogic(b)) {
      return { text: `${label(va)} ${SYM[op]} ${fmt(b)}`, negated: `${label(va)} ${SYM[NEG[op] ?? op]} ${fmt(b)}`, attribute: va };
    }
    if (vb !== undefined && va === undefined && !isLogic(a)) {
      const f = FLIP[op] ?? op;
      return { text: `${label(vb)} ${SYM[f]} ${fmt(a)}`, negated: `${label(vb)} ${SYM[NEG[f] ?? f]} ${fmt(a)}`, attribute: vb };
    }
  }
  if ((op === '<' || op === '<=') && args.length === 3) {
    const c = args[2] ?? null;
    if (vb !== undefined && !isLogic(a) && !isLogic(c)) {
      return { text: `${fmt(a)} ${SYM[op]} ${label(vb)} ${SYM[op]} ${fmt(c)}`, negated: `${label(vb)} outside ${fmt(a)}–${fmt(c)}`, attribute: vb };
    }
  }
  if (op === 'in') {
    if (va !== undefined && Array.isArray(b) && !b.some(isLogic)) return { text: `${label(va)} in ${fmt(b)}`, negated: `${label(va)} not in ${fmt(b)}`, attribute: va };
    if (vb !== undefined && !isLogic(a)) return { text: `${label(vb)} contains ${fmt(a)}`, negated: `${label(vb)} does not contain ${fmt(a)}`, attribute: vb };
  }
  if (op === 'starts_with' && va !== undefined && typeof b === 'string') {
    return { text: `${label(va)} starts with ${b}`, negated: `${label(va)} does not start with ${b}`, attribute: va };
  }
  if ((op === 'has_any' || op === 'has_all') && va !== undefined && Array.isArray(b)) {
    const w = op === 'has_any' ? 'any' : 'all';
    return { text: `${label(va)} has ${w} of ${fmt(b)}`, negated: `${label(va)} lacks ${w === 'any' ? 'all' : 'some'} of ${fmt(b)}`, attribute: va };
  }
  return generic();
}
