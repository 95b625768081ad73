import { RuleError, type EvalOptions, type JsonValue } from './types.ts';
import { dateAdd, dateDiff, isDateUnit, lookup, truthy } from './values.ts';

/** How an operator is evaluated: eager ops get evaluated arguments; the rest manage their own. */
export type OpKind = 'eager' | 'if' | 'and' | 'or' | 'scoped';

export interface OpInfo {
  kind: OpKind;
  min: number;
  max: number;
  /** true for our extensions (documented in docs/rules.md). */
  extension: boolean;
}

const INF = Number.POSITIVE_INFINITY;
const std = (kind: OpKind, min: number, max: number): OpInfo => ({ kind, min, max, extension: false });
const ext = (min: number, max: number): OpInfo => ({ kind: 'eager', min, max, extension: true });

/**
 * Every operator the engine knows, with its arity. Arity is the lenient JsonLogic one
 * (the official suite calls `if` with no arguments), strict only where extra arguments
 * would be silently ignored by json-logic-js.
 */
export const OPERATORS: ReadonlyMap<string, OpInfo> = new Map<string, OpInfo>([
  ['var', std('eager', 0, 2)],
  ['missing', std('eager', 0, INF)],
  ['missing_some', std('eager', 2, 2)],
  ['if', std('if', 0, INF)],
  ['?:', std('if', 3, 3)],
  ['==', std('eager', 2, 2)],
  ['===', std('eager', 2, 2)],
  ['!=', std('eager', 2, 2)],
  ['!==', std('eager', 2, 2)],
  ['>', std('eager', 2, 2)],
  ['>=', std('eager', 2, 2)],
  ['<', std('eager', 2, 3)],
  ['<=', std('eager', 2, 3)],
  ['!', std('eager', 1, 1)],
  ['!!', std('eager', 1, 1)],
  ['and', std('and', 1, INF)],
  ['or', std('or', 1, INF)],
  ['%', std('eager', 2, 2)],
  ['log', std('eager', 1, 1)],
  ['in', std('eager', 2, 2)],
  ['cat', std('eager', 0, INF)],
  ['substr', std('eager', 2, 3)],
  ['+', std('eager', 0, INF)],
  ['*', std('eager', 1, INF)],
  ['-', std('eager', 1, 2)],
  ['/', std('eager', 2, 2)],
  ['min', std('eager', 1, INF)],
  ['max', std('eager', 1, INF)],
  ['merge', std('eager', 0, INF)],
  ['map', std('scoped', 2, 2)],
  ['filter', std('scoped', 2, 2)],
  ['reduce', std('scoped', 2, 3)],
  ['all', std('scoped', 2, 2)],
  ['some', std('scoped', 2, 2)],
  ['none', std('scoped', 2, 2)],
  // Extensions.
  ['starts_with', ext(2, 2)],
  ['has_any', ext(2, 2)],
  ['has_all', ext(2, 2)],
  ['today', ext(0, 0)],
  ['date_add', ext(3, 3)],
  ['date_diff', ext(3, 3)],
]);

/** Operators that mean "a condition" in the three-valued view and combine truth values. */
export const LOGICAL_OPS: ReadonlySet<string> = new Set(['and', 'or', '!', '!!', 'if', '?:']);

// JS operators on JSON values are exactly JsonLogic's semantics (json-logic-js is the
// reference implementation); these casts only silence the type checker, they do not convert.
type Loose = number;
const L = (v: unknown): Loose => v as Loose;

export function looseEq(a: unknown, b: unknown): boolean {
  return a == b;
}

export function compare(op: string, a: unknown, b: unknown): boolean {
  switch (op) {
    case '<':
      return L(a) < L(b);
    case '<=':
      return L(a) <= L(b);
    case '>':
      return L(a) > L(b);
    case '>=':
      return L(a) >= L(b);
    case '==':
      return a == b;
    case '===':
      return a === b;
    case '!=':
      return a != b;
    case '!==':
      return a !== b;
    default:
      return false;
  }
}

/** `in`: substring for strings, strict membership for arrays, false otherwise. */
export function inOp(a: unknown, b: unknown): boolean {
  if (!b) return false;
  if (typeof b === 'string') return b.indexOf(String(a)) !== -1;
  if (Array.isArray(b)) return b.indexOf(a) !== -1;
  return false;
}

export function startsWith(a: unknown, b: unknown): boolean {
  return typeof a === 'string' && typeof b === 'string' && a.startsWith(b);
}

export function hasAny(a: unknown, b: unknown): boolean {
  if (!Array.isArray(a) || !Array.isArray(b)) return false;
  for (const x of b) if (a.indexOf(x) !== -1) return true;
  return false;
}

export function hasAll(a: unknown, b: unknown): boolean {
  if (!Array.isArray(a) || !Array.isArray(b)) return false;
  for (const x of b) if (a.indexOf(x) === -1) return false;
  return true;
}

function substr(source: unknown, start: unknown, end: unknown): string {
  // String.prototype.substr is what json-logic-js uses; negative length emulates PHP.
  const s = String(source);
  if (L(end) < 0) {
    const temp = s.substr(L(start));
    return temp.substr(0, temp.length + L(end));
  }
  return s.substr(L(start), end === undefined ? undefined : L(end));
}

function missing(args: readonly JsonValue[], data: unknown): JsonValue[] {
  const first = args[0];
  const keys = Array.isArray(first) ? first : args;
  const out: JsonValue[] = [];
  for (const key of keys) {
    // json-logic-js evaluates {"var": key}, so an array key means [path, default].
    const v = Array.isArray(key) ? lookup(data, key[0], key.length > 1 ? (key[1] ?? null) : null) : lookup(data, key);
    if (v === null || v === '') out.push(key);
  }
  return out;
}

/** Applies an eager operator to already evaluated arguments. */
export function applyEager(op: string, v: readonly JsonValue[], data: unknown, opts: EvalOptions | undefined): JsonValue {
  switch (op) {
    case 'var': {
      const nf = v.length > 1 && v[1] !== undefined ? (v[1] as JsonValue) : null;
      return lookup(data, v[0], nf);
    }
    case 'missing':
      return missing(v, data);
    case 'missing_some': {
      const need = v[0];
      const options = v[1];
      const list = Array.isArray(options) ? options : [options as JsonValue];
      const miss = missing([list], data);
      return list.length - miss.length >= L(need) ? [] : miss;
    }
    case '==':
    case '===':
    case '!=':
    case '!==':
    case '>':
    case '>=':
      return compare(op, v[0], v[1]);
    case '<':
    case '<=':
      if (v.length < 3) return compare(op, v[0], v[1]);
      return compare(op, v[0], v[1]) && compare(op, v[1], v[2]);
    case '!':
      return !truthy(v[0]);
    case '!!':
      return truthy(v[0]);
    case '%':
      return L(v[0]) % L(v[1]);
    case 'log':
      opts?.onLog?.(v[0] ?? null);
      return v[0] ?? null;
    case 'in':
      return inOp(v[0], v[1]);
    case 'cat':
      // Array.prototype.join: null becomes "", arrays join with commas, as in json-logic-js.
      return v.join('');
    case 'substr':
      return substr(v[0], v[1], v[2]);
    case '+': {
      let s = 0;
      for (const x of v) s = s + Number.parseFloat(String(x));
      return s;
    }
    case '*': {
      // reduce without a seed: a single argument comes back unconverted, exactly like json-logic-js.
      if (v.length === 1) return v[0] ?? null;
      let p = Number.parseFloat(String(v[0]));
      for (let i = 1; i < v.length; i++) p = p * Number.parseFloat(String(v[i]));
      return p;
    }
    case '-':
      return v.length < 2 ? -L(v[0]) : L(v[0]) - L(v[1]);
    case '/':
      return L(v[0]) / L(v[1]);
    case 'min':
      return Math.min(...v.map(L));
    case 'max':
      return Math.max(...v.map(L));
    case 'merge': {
      const out: JsonValue[] = [];
      for (const x of v) {
        if (Array.isArray(x)) out.push(...x);
        else out.push(x);
      }
      return out;
    }
    case 'starts_with':
      return startsWith(v[0], v[1]);
    case 'has_any':
      return hasAny(v[0], v[1]);
    case 'has_all':
      return hasAll(v[0], v[1]);
    case 'today':
      if (opts?.today === undefined) {
        throw new RuleError([{ code: 'TODAY_REQUIRED', path: '', message: 'rule uses "today" but no --today / options.today was given' }]);
      }
      return opts.today;
    case 'date_add':
      return typeof v[0] === 'string' && typeof v[1] === 'number' && isDateUnit(v[2]) ? dateAdd(v[0], v[1], v[2]) : null;
    case 'date_diff':
      return typeof v[0] === 'string' && typeof v[1] === 'string' && isDateUnit(v[2]) ? dateDiff(v[0], v[1], v[2]) : null;
    default:
      throw new RuleError([{ code: 'UNKNOWN_OPERATOR', path: '', message: `unknown operator "${op}"` }]);
  }
}
