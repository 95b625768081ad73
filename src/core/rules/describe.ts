import type { Catalog, JsonValue, Rule } from './types.ts';
import { argsOf, attrSpec, isLogic, opOf } from './values.ts';

/**
 * Human wording of one leaf condition, and of its negation, for explanations —
 * in Chinese (SPEC §1: Chinese UI text), with comparison symbols as the policy
 * pages write them: 从业人数 ≤ 300, 企业标签 包含 首贷户, 行业代码 以 I65 开头.
 */
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

/** A constant as people read it: text bare, lists joined with 、, true/false as 是/否, null as 空. */
function fmt(v: JsonValue): string {
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.map(fmt).join('、');
  if (v === true) return '是';
  if (v === false) return '否';
  if (v === null) return '空';
  return JSON.stringify(v);
}

export function describeLeaf(rule: Rule, catalog: Catalog | undefined): LeafText {
  const label = (name: string): string => (catalog ? (attrSpec(catalog, name)?.label ?? name) : name);
  const generic = (): LeafText => ({ text: JSON.stringify(rule), negated: `不满足 ${JSON.stringify(rule)}` });
  if (!isLogic(rule)) return { text: fmt(rule), negated: `不满足 ${fmt(rule)}` };
  const op = opOf(rule);
  const args = argsOf(rule, op);
  if (op === 'var') {
    const n = varName(rule);
    if (n === undefined) return generic();
    return { text: `${label(n)} 为 是`, negated: `${label(n)} 为 否`, attribute: n };
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
      return { text: `${fmt(a)} ${SYM[op]} ${label(vb)} ${SYM[op]} ${fmt(c)}`, negated: `${label(vb)} 不在 ${fmt(a)}–${fmt(c)} 之间`, attribute: vb };
    }
  }
  if (op === 'in') {
    if (va !== undefined && Array.isArray(b) && !b.some(isLogic)) return { text: `${label(va)} 属于 ${fmt(b)}`, negated: `${label(va)} 不属于 ${fmt(b)}`, attribute: va };
    if (vb !== undefined && !isLogic(a)) return { text: `${label(vb)} 包含 ${fmt(a)}`, negated: `${label(vb)} 不包含 ${fmt(a)}`, attribute: vb };
  }
  if (op === 'starts_with' && va !== undefined && typeof b === 'string') {
    return { text: `${label(va)} 以 ${b} 开头`, negated: `${label(va)} 不以 ${b} 开头`, attribute: va };
  }
  if ((op === 'has_any' || op === 'has_all') && va !== undefined && Array.isArray(b)) {
    const list = fmt(b);
    if (b.length === 1) return op === 'has_any' || op === 'has_all' ? { text: `${label(va)} 包含 ${list}`, negated: `${label(va)} 不包含 ${list}`, attribute: va } : generic();
    if (op === 'has_any') return { text: `${label(va)} 包含 ${list} 中任一项`, negated: `${label(va)} 不包含 ${list} 中任何一项`, attribute: va };
    return { text: `${label(va)} 包含 ${list} 全部各项`, negated: `${label(va)} 缺少 ${list} 中至少一项`, attribute: va };
  }
  return generic();
}
