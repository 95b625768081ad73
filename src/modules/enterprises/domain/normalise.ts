import { findIndustry } from '../../../core/codes/industry.ts';
import { normalizeUscc } from '../../../core/codes/uscc.ts';
import { BUILTIN_BY_KEY, type AttributeDef } from './attributes.ts';
import { checkCode, parseValue, type AttrValue } from './values.ts';

export interface FieldError {
  column: string;
  reason: string;
}

export type FlatValues = Record<string, AttrValue>;

/**
 * Parses one input row (attribute key → raw value) against the catalog;
 * `strict` for JSON input, where each value must already have its JSON type.
 * Unknown keys, bad types and bad national codes become field errors; a row
 * with any error is rejected whole (nothing of it is written).
 */
export function normaliseRow(raw: Record<string, unknown>, catalog: ReadonlyMap<string, AttributeDef>, opts: { moneyScale?: Record<string, number>; strict?: boolean } = {}): { values: FlatValues; errors: FieldError[] } {
  const values: FlatValues = {};
  const errors: FieldError[] = [];
  for (const [key, rawValue] of Object.entries(raw)) {
    const def = catalog.get(key);
    if (!def) {
      errors.push({ column: key, reason: `未知属性 ${key}` });
      continue;
    }
    let input = rawValue;
    if (key === 'uscc' && typeof input === 'string') input = normalizeUscc(input);
    const parsed = parseValue(def, input, { moneyScale: opts.moneyScale?.[key], strict: opts.strict });
    if (!parsed.ok) {
      errors.push({ column: key, reason: parsed.reason });
      continue;
    }
    let value = parsed.value;
    if (key === 'industry' && typeof value === 'string') value = findIndustry(value)?.code ?? value;
    const codeProblem = checkCode(key, value);
    if (codeProblem) {
      errors.push({ column: key, reason: codeProblem });
      continue;
    }
    values[key] = value;
  }
  for (const key of ['uscc', 'name', 'status'] as const) {
    if (key in values && values[key] === null) errors.push({ column: key, reason: `${BUILTIN_BY_KEY.get(key)!.label}不能为空` });
  }
  if (typeof values.employees === 'number' && typeof values.insuredEmployees === 'number' && values.insuredEmployees > values.employees) {
    errors.push({ column: 'insuredEmployees', reason: '参保人数不能大于从业人数' });
  }
  if (typeof values.street === 'string' && typeof values.district === 'string' && !values.street.startsWith(values.district)) {
    errors.push({ column: 'street', reason: '街镇不属于所填的区' });
  }
  return { values, errors };
}
