import { compileRule, type CompiledRule } from './compile.ts';
import { leafAttributes } from './skeleton.ts';
import { RuleError, type Catalog, type EvalOptions, type Rule, type RuleIssue } from './types.ts';
import { attrType, isMissing, lookup } from './values.ts';
import { validateRule } from './validate.ts';

/**
 * Rounding of a benefit amount to whole fen (分):
 * - half_up: 四舍五入, halves away from zero (the default; what finance staff expect);
 * - down: toward zero (for "不超过" style amounts that may never exceed the computed value);
 * - half_even: banker's rounding, for statistics that must not drift upward.
 */
export type Rounding = 'half_up' | 'down' | 'half_even';

/** A benefit formula: `amount` is a JsonLogic arithmetic expression in fen. */
export interface BenefitFormula {
  amount: Rule;
  /** Upper limit in fen (封顶), applied after rounding. */
  cap?: number;
  rounding?: Rounding;
}

export type BenefitResult =
  | { status: 'ok'; fen: number; raw: number; capped: boolean; rounding: Rounding }
  | { status: 'unknown'; missing: string[] };

/** Validates a formula: a valid rule whose attributes are number or money, cap a non-negative integer. */
export function validateFormula(f: BenefitFormula, catalog?: Catalog): RuleIssue[] {
  const rule = validateRule(f.amount, catalog ? { catalog } : {});
  const issues = rule.issues.map((i) => ({ ...i, path: `/amount${i.path}` }));
  // Attribute types only of a formula whose depth and size are within bounds.
  if (catalog && !rule.issues.some((i) => i.code === 'TOO_DEEP' || i.code === 'TOO_LARGE')) {
    for (const a of leafAttributes(f.amount)) {
      const t = attrType(catalog, a);
      if (t !== undefined && t !== 'number' && t !== 'money') issues.push({ code: 'TYPE_MISMATCH', path: '/amount', message: `attribute "${a}" (${t}) cannot be used in an amount` });
    }
  }
  if (f.cap !== undefined && !(Number.isSafeInteger(f.cap) && f.cap >= 0)) issues.push({ code: 'INVALID_ARGUMENT', path: '/cap', message: 'cap must be a non-negative integer number of fen' });
  if (f.rounding !== undefined && !['half_up', 'down', 'half_even'].includes(f.rounding)) issues.push({ code: 'INVALID_ARGUMENT', path: '/rounding', message: 'rounding must be half_up, down or half_even' });
  return issues;
}

/** Rounds to an integer; first snaps binary noise (0.1 × 3 = 0.30000000000000004) to 12 significant digits. */
export function roundFen(x: number, mode: Rounding): number {
  if (Number.isInteger(x) && Math.abs(x) < 1e12) return x || 0; // already whole fen (the usual case): the same answer without the string round trip
  const v = Number(x.toPrecision(12));
  const sign = v < 0 ? -1 : 1;
  const a = Math.abs(v);
  const fl = Math.floor(a);
  const frac = a - fl;
  let r: number;
  if (mode === 'down') r = fl;
  else if (mode === 'half_up') r = frac >= 0.5 ? fl + 1 : fl;
  else r = frac > 0.5 ? fl + 1 : frac < 0.5 ? fl : fl % 2 === 0 ? fl : fl + 1;
  return sign * r || 0;
}

/**
 * Computes a benefit in integer fen: evaluate → must be a finite number → round → clamp at 0
 * (a benefit is never negative) → cap. Missing attributes give `unknown`, never a guess.
 */
export function evaluateBenefit(f: BenefitFormula, data: unknown, opts?: EvalOptions): BenefitResult {
  return prepareBenefit(f, opts)(data);
}

/** evaluateBenefit prepared once for many enterprises (the formula compiled, its attributes listed). */
export function prepareBenefit(f: BenefitFormula, opts?: EvalOptions): (data: unknown) => BenefitResult {
  const attrs = leafAttributes(f.amount);
  const amount = compileRule(f.amount, opts);
  return (data) => benefitOf(f, attrs, amount, data);
}

function benefitOf(f: BenefitFormula, attrs: readonly string[], amount: CompiledRule, data: unknown): BenefitResult {
  for (const a of attrs) if (isMissing(lookup(data, a))) return { status: 'unknown', missing: attrs.filter((x) => isMissing(lookup(data, x))) };
  const v = amount(data);
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new RuleError([{ code: 'EVALUATION_ERROR', path: '/amount', message: `amount is not a finite number (${JSON.stringify(v)})` }]);
  }
  const rounding = f.rounding ?? 'half_up';
  let fen = Math.max(0, roundFen(v, rounding));
  let capped = false;
  if (f.cap !== undefined && fen > f.cap) {
    fen = f.cap;
    capped = true;
  }
  return { status: 'ok', fen, raw: v, capped, rounding };
}
