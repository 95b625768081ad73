/** Public types of the rules engine (JsonLogic with a few documented extensions). */

export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | { [key: string]: JsonValue };
/** A JsonLogic rule is any JSON value; objects with exactly one key are operations. */
export type Rule = JsonValue;

/** Types an attribute in the catalog may have (SPEC §3a). Money is integer fen (分). */
export type AttributeType = 'number' | 'money' | 'date' | 'enum' | 'tags' | 'text' | 'boolean';

export interface AttributeSpec {
  type: AttributeType;
  /** Human label used in explanations, e.g. 从业人数. */
  label?: string;
  /** For enum/tags: the allowed values, when the catalog knows them. */
  values?: readonly string[];
}

/** Attribute catalog: attribute name (a `var` path) → its type. */
export type Catalog = Readonly<Record<string, AttributeType | AttributeSpec>>;

export type RuleErrorCode =
  | 'INVALID_JSON'
  | 'MALFORMED'
  | 'UNKNOWN_OPERATOR'
  | 'WRONG_ARITY'
  | 'UNKNOWN_ATTRIBUTE'
  | 'TYPE_MISMATCH'
  | 'INVALID_ARGUMENT'
  | 'TOO_DEEP'
  | 'TOO_LARGE'
  | 'TODAY_REQUIRED'
  | 'EVALUATION_ERROR';

/** One problem in a rule; `path` is a JSON Pointer (RFC 6901) to the offending node ("" = root). */
export interface RuleIssue {
  code: RuleErrorCode;
  path: string;
  message: string;
}

/** The one error type the engine throws; carries every issue found. */
export class RuleError extends Error {
  readonly code: RuleErrorCode;
  readonly path: string;
  readonly issues: readonly RuleIssue[];
  constructor(issues: readonly RuleIssue[]) {
    const first = issues[0] ?? { code: 'MALFORMED' as const, path: '', message: 'invalid rule' };
    super(`${first.message}${first.path === '' ? '' : ` at ${first.path}`}`);
    this.name = 'RuleError';
    this.code = first.code;
    this.path = first.path;
    this.issues = issues;
  }
}

export interface EvalOptions {
  /** "Today" as YYYY-MM-DD for date extensions; the engine never reads the clock. */
  today?: string;
  /** Receives the argument of `log`; the engine itself never writes anywhere. */
  onLog?: (value: JsonValue) => void;
}

export interface ValidateOptions {
  catalog?: Catalog;
  /** Maximum nesting depth of the rule (default 64). */
  maxDepth?: number;
  /** Maximum number of nodes (default 10,000). */
  maxNodes?: number;
  /** Maximum length of any string constant (default 4,096). */
  maxStringLength?: number;
}

/** Three-valued truth for explanations: unknown when an attribute it needs is missing. */
export type Truth = 'true' | 'false' | 'unknown';
