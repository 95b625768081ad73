/**
 * Rules engine (issue 4): JsonLogic with documented extensions — validation, a reference
 * interpreter, a closure compiler, three-valued explanations with near misses, benefit
 * formulas in fen, and a columnar bitset matcher (single-threaded, worker threads, incremental).
 * See docs/rules.md.
 */
import { compileRule } from './compile.ts';
import { interpret } from './interpret.ts';
import { RuleError, type EvalOptions, type JsonValue, type Rule, type ValidateOptions } from './types.ts';
import { validateRule } from './validate.ts';

export * from './types.ts';
export { validateRule, assertValidRule, parseRuleJson, DEFAULT_MAX_DEPTH, DEFAULT_MAX_NODES, DEFAULT_MAX_STRING, type ValidationResult } from './validate.ts';
export { interpret } from './interpret.ts';
export { compileRule, type CompiledRule } from './compile.ts';
export { OPERATORS, LOGICAL_OPS, type OpInfo } from './operators.ts';
export { truthy, parseDate, formatDate, dateAdd, dateDiff, isDateString, detachString } from './values.ts';
export { buildSkeleton, foldConstants, leafAttributes, readAttributes, ruleKey, type Skel, type Leaf, type Skeleton } from './skeleton.ts';
export { explainRule, prepareExplainer, preparePolicySet, kleene, jsonPiece, type JsonPiece, type JsonSink, type Explainer, type PolicySetExplainer, type Triage, type PolicyExplanation, type CompactExplanation, type ConditionOutcome, type Explanation, type ExplainNode, type ExplainOptions, type NearMiss, type NearMissChange, type AttributeUse } from './explain.ts';
export { evaluateBenefit, prepareBenefit, validateFormula, roundFen, type BenefitFormula, type BenefitResult, type Rounding } from './formula.ts';
export { createColumnStore, setCell, setRecord, loadRecords, rowRecord, cellValue, isMissingAt, type Column, type ColumnStore, type DictValue } from './columns.ts';
export { compileMatchPlan, prepareAtoms, type MatchPlan, type PolicyInput, type AtomSpec, type PlanOptions, type PlanPolicy } from './plan.ts';
export { matchColumns, countResult, statusAt, bitAt, popcount, prepareRowMatcher, rematchRow, rowValues, allocateResult, runRange, type MatchResult, type PolicyCounts, type RowMatcher } from './columnar.ts';
export { createMatchPool, type MatchPool } from './parallel.ts';

/** Validate (structure, and catalog when given) then evaluate with the reference interpreter. */
export function evaluateRule(rule: unknown, data: unknown, opts: EvalOptions & ValidateOptions = {}): JsonValue {
  const v = validateRule(rule, opts);
  if (!v.ok) throw new RuleError(v.issues);
  return interpret(rule as Rule, data, opts);
}

/** Validate then compile to closures. */
export function compileValidRule(rule: unknown, opts: EvalOptions & ValidateOptions = {}): (data: unknown) => JsonValue {
  const v = validateRule(rule, opts);
  if (!v.ok) throw new RuleError(v.issues);
  return compileRule(rule as Rule, opts);
}
