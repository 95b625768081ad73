import { applyEager, hasAll, hasAny, inOp, OPERATORS, startsWith } from './operators.ts';
import { RuleError, type EvalOptions, type JsonValue, type Rule } from './types.ts';
import { argsOf, isLogic, lookup, opOf, truthy } from './values.ts';

/** A rule compiled for repeated evaluation against one record at a time. */
export type CompiledRule = (data: unknown) => JsonValue;

type Fn = (data: unknown) => JsonValue;

/**
 * Compiles a rule to nested closures. No source code is generated — a rule stays data and
 * can never become code — yet the tree walk, operator dispatch and path splitting happen
 * once here instead of on every evaluation. Semantics are the reference interpreter's.
 */
export function compileRule(rule: Rule, opts?: EvalOptions): CompiledRule {
  return build(rule, opts);
}

function constant(v: JsonValue): Fn {
  return () => v;
}

/** Fast own-property path lookup with pre-split segments. */
function varFn(path: JsonValue, notFound: JsonValue): Fn {
  if (path === '' || path === null) return (d) => (d ?? null) as JsonValue;
  const parts = String(path).split('.');
  if (parts.length === 1) {
    const k = parts[0] as string;
    return (d) => {
      if (d === null || d === undefined) return notFound;
      const v = (d as Record<string, JsonValue | undefined>)[k];
      // Own properties only: a key such as "constructor" never reads a prototype.
      if (v === undefined || !Object.hasOwn(Object(d) as object, k)) return notFound;
      return v;
    };
  }
  return (d) => lookup(d, path, notFound);
}

function build(rule: Rule, opts: EvalOptions | undefined): Fn {
  if (Array.isArray(rule)) {
    const fs = rule.map((r) => build(r, opts));
    return (d) => fs.map((f) => f(d));
  }
  if (!isLogic(rule)) return constant(rule);
  const op = opOf(rule);
  const info = OPERATORS.get(op);
  if (info === undefined) throw new RuleError([{ code: 'UNKNOWN_OPERATOR', path: '', message: `unknown operator "${op}"` }]);
  const args = argsOf(rule, op);
  const fs = args.map((a) => build(a, opts));
  const f0 = fs[0] ?? constant(null);
  const f1 = fs[1] ?? constant(null);

  switch (info.kind) {
    case 'if': {
      if (fs.length === 0) return constant(null);
      if (fs.length === 3) {
        const f2 = fs[2] as Fn;
        return (d) => (truthy(f0(d)) ? f1(d) : f2(d));
      }
      return (d) => {
        let i = 0;
        for (; i < fs.length - 1; i += 2) if (truthy((fs[i] as Fn)(d))) return (fs[i + 1] as Fn)(d);
        return i === fs.length - 1 ? (fs[i] as Fn)(d) : null;
      };
    }
    case 'and':
      if (fs.length === 2) {
        const g = fs[1] as Fn;
        return (d) => {
          const a = f0(d);
          return truthy(a) ? g(d) : a;
        };
      }
      return (d) => {
        let cur: JsonValue = null;
        for (let i = 0; i < fs.length; i++) {
          cur = (fs[i] as Fn)(d);
          if (!truthy(cur)) return cur;
        }
        return cur;
      };
    case 'or':
      return (d) => {
        let cur: JsonValue = null;
        for (let i = 0; i < fs.length; i++) {
          cur = (fs[i] as Fn)(d);
          if (truthy(cur)) return cur;
        }
        return cur;
      };
    case 'scoped':
      return scoped(op, fs);
    case 'eager':
      break;
  }

  // Specialisations of the hottest shapes; everything else goes through applyEager.
  if (op === 'var' && args.length >= 1 && !isLogic(args[0]) && !Array.isArray(args[0])) {
    if (args.length === 1) return varFn(args[0] as JsonValue, null);
    if (!isLogic(args[1]) && !Array.isArray(args[1])) return varFn(args[0] as JsonValue, args[1] as JsonValue);
  }
  if ((op === '==' || op === '===' || op === '!=' || op === '!==' || op === '>' || op === '>=' || ((op === '<' || op === '<=') && fs.length === 2)) && fs.length === 2) {
    switch (op) {
      case '<':
        return (d) => (f0(d) as number) < (f1(d) as number);
      case '<=':
        return (d) => (f0(d) as number) <= (f1(d) as number);
      case '>':
        return (d) => (f0(d) as number) > (f1(d) as number);
      case '>=':
        return (d) => (f0(d) as number) >= (f1(d) as number);
      case '==':
        return (d) => f0(d) == f1(d);
      case '!=':
        return (d) => f0(d) != f1(d);
      case '===':
        return (d) => f0(d) === f1(d);
      default:
        return (d) => f0(d) !== f1(d);
    }
  }
  if (op === 'in' && fs.length === 2) {
    const b = args[1];
    // Membership in a constant list of strings: a Set answers in O(1) with the same === semantics.
    if (Array.isArray(b) && b.length > 4 && b.every((x) => typeof x === 'string')) {
      const set = new Set(b as string[]);
      return (d) => set.has(f0(d) as string);
    }
    return (d) => inOp(f0(d), f1(d));
  }
  if ((op === '<' || op === '<=') && fs.length === 3) {
    // Between (a < b < c): both comparisons, as applyEager does after evaluating all three.
    const f2 = fs[2] as Fn;
    if (op === '<')
      return (d) => {
        const a = f0(d) as number;
        const b = f1(d) as number;
        const c = f2(d) as number;
        return a < b && b < c;
      };
    return (d) => {
      const a = f0(d) as number;
      const b = f1(d) as number;
      const c = f2(d) as number;
      return a <= b && b <= c;
    };
  }
  if (op === '*' && fs.length === 2) {
    // json-logic-js multiplies parseFloat(String(x)); for a number that is the number itself (−0 becomes 0).
    const num = (x: JsonValue): number => (typeof x === 'number' ? (x === 0 ? 0 : x) : Number.parseFloat(String(x)));
    return (d) => num(f0(d)) * num(f1(d));
  }
  if (op === 'has_any' && fs.length === 2) return (d) => hasAny(f0(d), f1(d));
  if (op === 'has_all' && fs.length === 2) return (d) => hasAll(f0(d), f1(d));
  if (op === 'starts_with' && fs.length === 2) return (d) => startsWith(f0(d), f1(d));
  if (op === '!' && fs.length === 1) return (d) => !truthy(f0(d));
  if (op === '!!' && fs.length === 1) return (d) => truthy(f0(d));
  return (d) =>
    applyEager(
      op,
      fs.map((f) => f(d)),
      d,
      opts,
    );
}

function scoped(op: string, fs: readonly Fn[]): Fn {
  const items = fs[0] as Fn;
  const logic = fs[1] as Fn;
  if (op === 'reduce') {
    const init = fs[2];
    return (d) => {
      const xs = items(d);
      const initial = init === undefined ? null : init(d);
      if (!Array.isArray(xs)) return initial;
      let acc = initial;
      for (const current of xs) acc = logic({ current, accumulator: acc });
      return acc;
    };
  }
  switch (op) {
    case 'map':
      return (d) => {
        const xs = items(d);
        return Array.isArray(xs) ? xs.map((x) => logic(x)) : [];
      };
    case 'filter':
      return (d) => {
        const xs = items(d);
        return Array.isArray(xs) ? xs.filter((x) => truthy(logic(x))) : [];
      };
    case 'all':
      return (d) => {
        const xs = items(d);
        if (!Array.isArray(xs) || xs.length === 0) return false;
        for (const x of xs) if (!truthy(logic(x))) return false;
        return true;
      };
    case 'some':
      return (d) => {
        const xs = items(d);
        if (!Array.isArray(xs)) return false;
        for (const x of xs) if (truthy(logic(x))) return true;
        return false;
      };
    default:
      return (d) => {
        const xs = items(d);
        if (!Array.isArray(xs)) return true;
        for (const x of xs) if (truthy(logic(x))) return false;
        return true;
      };
  }
}
