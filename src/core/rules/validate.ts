import { OPERATORS } from './operators.ts';
import { RuleError, type AttributeType, type JsonValue, type Rule, type RuleErrorCode, type RuleIssue, type ValidateOptions } from './types.ts';
import { argsOf, attrSpec, isDateString, isDateUnit, isLogic, opOf, ptr } from './values.ts';

export const DEFAULT_MAX_DEPTH = 64;
export const DEFAULT_MAX_NODES = 10_000;
export const DEFAULT_MAX_STRING = 4_096;
/** Hard ceiling whatever the caller asks, so validation itself can never overflow the stack. */
const HARD_MAX_DEPTH = 1_000;
const MAX_ISSUES = 50;

/** Static type of an expression, as far as validation can tell. */
type SType = 'number' | 'string' | 'date' | 'boolean' | 'tags' | 'array' | 'null' | 'any';

interface Info {
  t: SType;
  /** Set when the node is `{"var": attr}` over a catalog attribute. */
  attr?: string;
  attrType?: AttributeType;
  /** Set when the node is a literal constant. */
  lit?: JsonValue;
  isLit: boolean;
}

const ANY: Info = { t: 'any', isLit: false };
const COMPARISONS = new Set(['==', '===', '!=', '!==', '<', '<=', '>', '>=']);
const ARITH = new Set(['+', '-', '*', '/', '%', 'min', 'max']);

function fromAttr(t: AttributeType): SType {
  switch (t) {
    case 'number':
    case 'money':
      return 'number';
    case 'enum':
    case 'text':
      return 'string';
    default:
      return t;
  }
}

function litInfo(v: JsonValue): Info {
  if (v === null) return { t: 'null', lit: v, isLit: true };
  if (typeof v === 'number') return { t: 'number', lit: v, isLit: true };
  if (typeof v === 'boolean') return { t: 'boolean', lit: v, isLit: true };
  if (typeof v === 'string') return { t: 'string', lit: v, isLit: true };
  if (Array.isArray(v)) return { t: 'array', lit: v, isLit: true };
  return { t: 'any', isLit: true, lit: v };
}

export interface ValidationResult {
  ok: boolean;
  issues: RuleIssue[];
}

/**
 * Checks a rule before use: structure (operators, arity, depth, size) always, and attributes
 * and types when a catalog is given. Never throws and never recurses deeper than the depth limit.
 */
export function validateRule(rule: unknown, opts: ValidateOptions = {}): ValidationResult {
  const maxDepth = Math.min(opts.maxDepth ?? DEFAULT_MAX_DEPTH, HARD_MAX_DEPTH);
  const maxNodes = opts.maxNodes ?? DEFAULT_MAX_NODES;
  const maxString = opts.maxStringLength ?? DEFAULT_MAX_STRING;
  const catalog = opts.catalog;
  const issues: RuleIssue[] = [];
  let nodes = 0;
  let tooLarge = false;

  const report = (code: RuleErrorCode, path: string, message: string): void => {
    if (issues.length < MAX_ISSUES) issues.push({ code, path, message });
  };

  /** `root` is false inside map/filter/reduce/all/some/none, where `var` reads the element, not the catalog. */
  const visit = (node: unknown, path: string, depth: number, root: boolean): Info => {
    if (tooLarge) return ANY;
    if (++nodes > maxNodes) {
      tooLarge = true;
      report('TOO_LARGE', '', `rule has more than ${maxNodes} nodes`);
      return ANY;
    }
    if (depth > maxDepth) {
      report('TOO_DEEP', path, `rule nests deeper than ${maxDepth} levels`);
      return ANY;
    }
    if (node === null || typeof node === 'boolean') return litInfo(node);
    if (typeof node === 'number') {
      if (!Number.isFinite(node)) report('MALFORMED', path, 'numbers must be finite');
      return litInfo(node);
    }
    if (typeof node === 'string') {
      if (node.length > maxString) report('TOO_LARGE', path, `string longer than ${maxString} characters`);
      return litInfo(node);
    }
    if (Array.isArray(node)) {
      let allLit = true;
      node.forEach((x, i) => {
        const inf = visit(x, ptr(path, i), depth + 1, root);
        if (!inf.isLit) allLit = false;
      });
      return allLit ? { t: 'array', isLit: true, lit: node as JsonValue } : { t: 'array', isLit: false };
    }
    if (typeof node !== 'object') {
      report('MALFORMED', path, `not a JSON value (${typeof node})`);
      return ANY;
    }
    if (!isLogic(node)) {
      report('MALFORMED', path, 'an object must have exactly one key, the operator');
      return ANY;
    }
    const op = opOf(node);
    const opPath = ptr(path, op);
    const info = OPERATORS.get(op);
    if (info === undefined) {
      report('UNKNOWN_OPERATOR', path, `unknown operator "${op}"`);
      return ANY;
    }
    const raw = node[op];
    const args = argsOf(node, op);
    // Paths of arguments: `{"!": x}` has its single argument at /!, arrays at /!/0.
    const argPath = (i: number): string => (Array.isArray(raw) ? ptr(opPath, i) : opPath);
    if (args.length < info.min || args.length > info.max) {
      const want = info.max === info.min ? `${info.min}` : info.max === Number.POSITIVE_INFINITY ? `at least ${info.min}` : `${info.min}–${info.max}`;
      report('WRONG_ARITY', path, `"${op}" takes ${want} argument(s), got ${args.length}`);
    }
    const inner = info.kind === 'scoped';
    const infos = args.map((a, i) => visit(a, argPath(i), depth + 1, inner && i === 1 ? false : root));
    if (tooLarge) return ANY;
    return typeOf(op, args, infos, argPath, path, root);
  };

  const mismatch = (path: string, message: string): void => report('TYPE_MISMATCH', path, message);

  /** Checks that `other` may be compared with attribute `a`. */
  const compatible = (a: Info, other: Info, otherPath: string, op: string): void => {
    if (a.attr === undefined || a.attrType === undefined) return;
    const want = fromAttr(a.attrType);
    if (other.t === 'any' || other.t === 'null') return;
    const label = `attribute "${a.attr}" (${a.attrType})`;
    if (want === 'tags') {
      mismatch(otherPath, `${label} is a tag set; use "in", "has_any" or "has_all" instead of "${op}"`);
      return;
    }
    if (want === 'date') {
      if (other.t === 'date') return;
      if (other.t === 'string' && other.isLit && isDateString(other.lit)) return;
      if (other.t === 'string' && !other.isLit) return;
      mismatch(otherPath, `${label} is compared with ${JSON.stringify(other.lit ?? other.t)}, which is not a YYYY-MM-DD date`);
      return;
    }
    if (want === 'string' && other.t === 'date') return;
    if (other.t !== want) {
      mismatch(otherPath, `${label} is compared with a ${other.t}${other.isLit ? ` (${JSON.stringify(other.lit)})` : ''}`);
      return;
    }
    if (a.attrType === 'enum' && other.isLit && typeof other.lit === 'string' && catalog) {
      const vals = attrSpec(catalog, a.attr)?.values;
      if (vals && !vals.includes(other.lit)) mismatch(otherPath, `${JSON.stringify(other.lit)} is not a value of ${label}`);
    }
  };

  const typeOf = (op: string, args: readonly JsonValue[], infos: readonly Info[], argPath: (i: number) => string, path: string, root: boolean): Info => {
    const i0 = infos[0] ?? ANY;
    const i1 = infos[1] ?? ANY;
    if (op === 'var') {
      const p = args[0];
      if (!catalog || !root) return ANY;
      if (!i0.isLit || (typeof p !== 'string' && typeof p !== 'number')) {
        report('INVALID_ARGUMENT', argPath(0), 'with a catalog, "var" needs a literal attribute name');
        return ANY;
      }
      const name = String(p);
      const spec = name === '' ? undefined : attrSpec(catalog, name);
      if (spec === undefined) {
        report('UNKNOWN_ATTRIBUTE', argPath(0), `unknown attribute "${name}"`);
        return ANY;
      }
      return { t: fromAttr(spec.type), attr: name, attrType: spec.type, isLit: false };
    }
    if ((op === 'missing' || op === 'missing_some') && catalog && root) {
      const keysInfo = op === 'missing' ? (args.length === 1 && Array.isArray(args[0]) ? args[0] : args) : args[1];
      const base = op === 'missing' ? (args.length === 1 && Array.isArray(args[0]) ? argPath(0) : null) : argPath(1);
      if (Array.isArray(keysInfo)) {
        keysInfo.forEach((k, i) => {
          if (typeof k === 'string' && attrSpec(catalog, k) === undefined) {
            report('UNKNOWN_ATTRIBUTE', base === null ? argPath(i) : ptr(base, i), `unknown attribute "${k}"`);
          }
        });
      }
      return { t: 'array', isLit: false };
    }
    if (COMPARISONS.has(op)) {
      for (let i = 0; i + 1 < infos.length; i++) {
        const a = infos[i] ?? ANY;
        const b = infos[i + 1] ?? ANY;
        compatible(a, b, argPath(i + 1), op);
        compatible(b, a, argPath(i), op);
      }
      return { t: 'boolean', isLit: false };
    }
    if (ARITH.has(op)) {
      infos.forEach((inf, i) => {
        if (inf.attr !== undefined && inf.attrType !== undefined && fromAttr(inf.attrType) !== 'number') {
          mismatch(argPath(i), `attribute "${inf.attr}" (${inf.attrType}) used in arithmetic "${op}"${inf.attrType === 'date' ? '; use date_add / date_diff' : ''}`);
        }
        // Checked against a catalog (a policy's rule or formula), a literal operand must be a number:
        // JsonLogic would turn "0x10" into 16, true into 1 and [1,2] into NaN (SPEC §10: never coerced).
        if (catalog && inf.isLit && inf.t !== 'number') mismatch(argPath(i), `arithmetic "${op}" needs a number, got a ${inf.t} (${JSON.stringify(inf.lit)})`);
      });
      return { t: 'number', isLit: false };
    }
    switch (op) {
      case 'in': {
        if (i1.attr !== undefined && i1.attrType !== undefined) {
          if (i1.attrType === 'tags' || i1.attrType === 'text' || i1.attrType === 'enum') {
            if (i0.t !== 'string' && i0.t !== 'any' && i0.t !== 'date') mismatch(argPath(0), `"in" over ${i1.attrType} attribute "${i1.attr}" needs a string, got a ${i0.t}`);
          } else mismatch(argPath(1), `attribute "${i1.attr}" (${i1.attrType}) is not a list or text; "in" would always be false`);
        }
        if (i0.attr !== undefined && i1.isLit && Array.isArray(i1.lit)) {
          i1.lit.forEach((x, k) => compatible(i0, litInfo(x), ptr(argPath(1), k), 'in'));
        } else if (i0.attr !== undefined && i0.attrType === 'tags') {
          mismatch(argPath(0), `attribute "${i0.attr}" is a tag set; to test a tag write {"in": ["tag", {"var": "${i0.attr}"}]}`);
        }
        return { t: 'boolean', isLit: false };
      }
      case 'starts_with':
        if (i0.attr !== undefined && i0.t !== 'string') mismatch(argPath(0), `starts_with needs a text or enum attribute, "${i0.attr}" is ${i0.attrType}`);
        if (i1.t !== 'string' && i1.t !== 'any') mismatch(argPath(1), 'starts_with needs a string prefix');
        return { t: 'boolean', isLit: false };
      case 'has_any':
      case 'has_all':
        if (i0.attr !== undefined && i0.t !== 'tags') mismatch(argPath(0), `${op} needs a tags attribute, "${i0.attr}" is ${i0.attrType}`);
        if (i0.t !== 'tags' && i0.t !== 'array' && i0.t !== 'any') mismatch(argPath(0), `${op} needs a tag set`);
        if (i1.t !== 'array' && i1.t !== 'any') mismatch(argPath(1), `${op} needs an array of tags`);
        return { t: 'boolean', isLit: false };
      case 'today':
        return { t: 'date', isLit: false };
      case 'date_add':
      case 'date_diff': {
        const dateArgs = op === 'date_add' ? [0] : [0, 1];
        for (const k of dateArgs) {
          const inf = infos[k] ?? ANY;
          const ok = inf.t === 'date' || inf.t === 'any' || inf.t === 'null' || (inf.t === 'string' && (!inf.isLit || isDateString(inf.lit)));
          if (!ok) mismatch(argPath(k), `${op} needs a YYYY-MM-DD date here, got ${JSON.stringify(inf.lit ?? inf.t)}`);
        }
        if (op === 'date_add' && i1.t !== 'number' && i1.t !== 'any') mismatch(argPath(1), 'date_add needs a whole number of units');
        if (op === 'date_add' && i1.isLit && !Number.isInteger(i1.lit)) report('INVALID_ARGUMENT', argPath(1), 'date_add needs a whole number of units');
        const u = args[2];
        if (!isDateUnit(u)) report('INVALID_ARGUMENT', argPath(2), 'unit must be "day", "month" or "year"');
        return { t: op === 'date_add' ? 'date' : 'number', isLit: false };
      }
      case '!':
      case '!!':
      case 'all':
      case 'some':
      case 'none':
        return { t: 'boolean', isLit: false };
      case 'cat':
      case 'substr':
        return { t: 'string', isLit: false };
      case 'merge':
      case 'map':
      case 'filter':
        return { t: 'array', isLit: false };
      default:
        return ANY;
    }
  };

  visit(rule, '', 0, true);
  return { ok: issues.length === 0, issues };
}

/** Like validateRule, but throws a RuleError carrying every issue. */
export function assertValidRule(rule: unknown, opts: ValidateOptions = {}): asserts rule is Rule {
  const r = validateRule(rule, opts);
  if (!r.ok) throw new RuleError(r.issues);
}

/** Parses JSON text into a rule, mapping syntax errors to INVALID_JSON. */
export function parseRuleJson(text: string): Rule {
  try {
    return JSON.parse(text) as Rule;
  } catch (e) {
    throw new RuleError([{ code: 'INVALID_JSON', path: '', message: `invalid JSON: ${e instanceof Error ? e.message : String(e)}` }]);
  }
}
