import { applyEager, OPERATORS } from './operators.ts';
import { RuleError, type EvalOptions, type JsonValue, type Rule } from './types.ts';
import { argsOf, isLogic, opOf, truthy } from './values.ts';

/**
 * The reference interpreter: a direct, recursive reading of the JsonLogic spec.
 * Simple on purpose — every faster path is tested against it. It assumes a rule
 * that passed structural validation (depth and size are bounded there).
 */
export function interpret(rule: Rule, data: unknown, opts?: EvalOptions): JsonValue {
  if (Array.isArray(rule)) return rule.map((r) => interpret(r, data, opts));
  if (!isLogic(rule)) return rule;
  const op = opOf(rule);
  const info = OPERATORS.get(op);
  if (info === undefined) throw new RuleError([{ code: 'UNKNOWN_OPERATOR', path: '', message: `unknown operator "${op}"` }]);
  const args = argsOf(rule, op);
  switch (info.kind) {
    case 'if': {
      let i = 0;
      for (; i < args.length - 1; i += 2) {
        if (truthy(interpret(args[i] as Rule, data, opts))) return interpret(args[i + 1] as Rule, data, opts);
      }
      return i === args.length - 1 ? interpret(args[i] as Rule, data, opts) : null;
    }
    case 'and': {
      let cur: JsonValue = null;
      for (const a of args) {
        cur = interpret(a, data, opts);
        if (!truthy(cur)) return cur;
      }
      return cur;
    }
    case 'or': {
      let cur: JsonValue = null;
      for (const a of args) {
        cur = interpret(a, data, opts);
        if (truthy(cur)) return cur;
      }
      return cur;
    }
    case 'scoped':
      return scoped(op, args, data, opts);
    case 'eager':
      return applyEager(
        op,
        args.map((a) => interpret(a, data, opts)),
        data,
        opts,
      );
  }
}

function scoped(op: string, args: readonly JsonValue[], data: unknown, opts: EvalOptions | undefined): JsonValue {
  const items = interpret(args[0] as Rule, data, opts);
  const logic = args[1] as Rule;
  if (op === 'reduce') {
    const initial = args.length > 2 ? interpret(args[2] as Rule, data, opts) : null;
    if (!Array.isArray(items)) return initial;
    let acc = initial;
    for (const current of items) acc = interpret(logic, { current, accumulator: acc }, opts);
    return acc;
  }
  if (!Array.isArray(items)) return op === 'none' ? true : op === 'map' || op === 'filter' ? [] : false;
  switch (op) {
    case 'map':
      return items.map((x) => interpret(logic, x, opts));
    case 'filter':
      return items.filter((x) => truthy(interpret(logic, x, opts)));
    case 'all':
      if (items.length === 0) return false;
      return items.every((x) => truthy(interpret(logic, x, opts)));
    case 'some':
      return items.some((x) => truthy(interpret(logic, x, opts)));
    default: // none
      return !items.some((x) => truthy(interpret(logic, x, opts)));
  }
}
