// The benefit-formula editor's model (P-1 "benefit formula (amount, with caps)")
// and its two-way mapping to the stored BenefitFormula (src/core/rules/formula.ts):
// `amount` is JsonLogic in fen, `cap` in fen, `rounding`. Shapes the editor shows:
//   fixed    amount = F
//   rate     amount = money attribute × r            (5% × 研发投入)
//   perUnit  amount = min(number attribute, N) × F   (每人 2,000 元, 最多 20 人; N optional)
// each optionally with a floor, written as {"max": [floor, amount]} (保底), and a cap (封顶).
// Anything else is kept as it is and shown read-only. Pure: no React, no antd.

export type Rounding = 'half_up' | 'down' | 'half_even';
export const ROUNDINGS: readonly Rounding[] = ['half_up', 'down', 'half_even'];

/** As stored (the policy content's `benefit`). */
export interface StoredBenefit {
  amount: unknown;
  cap?: number;
  rounding?: Rounding;
}

export type BenefitKind = 'none' | 'fixed' | 'rate' | 'perUnit';

/** The editor's fields; money in 元 (yuan), rates in percent. */
export interface BenefitDraft {
  kind: BenefitKind;
  fixedYuan?: number | null;
  attribute?: string;
  ratePercent?: number | null;
  perUnitYuan?: number | null;
  maxUnits?: number | null;
  capYuan?: number | null;
  floorYuan?: number | null;
  /** Undefined = the default (四舍五入), and stays absent in the stored formula. */
  rounding?: Rounding;
}

/** The attribute catalog as the codec needs it. */
export interface FormulaAttribute {
  key: string;
  type: string;
}

export class IncompleteFormula extends Error {
  constructor(readonly field: keyof BenefitDraft) {
    super(`benefit formula: ${field} is missing`);
  }
}

const fenToYuan = (fen: number): number => Number((fen / 100).toFixed(2));
const yuanToFen = (yuan: number): number => Math.round(yuan * 100);
/** 0.05 → 5 without binary noise (0.15 × 100 = 15.000000000000002). */
const toPercent = (r: number): number => Number((r * 100).toPrecision(12));
const fromPercent = (p: number): number => Number((p / 100).toPrecision(12));

function one(x: unknown): [string, unknown[]] | null {
  if (x === null || typeof x !== 'object' || Array.isArray(x)) return null;
  const keys = Object.keys(x);
  if (keys.length !== 1) return null;
  const raw = (x as Record<string, unknown>)[keys[0]!];
  return [keys[0]!, Array.isArray(raw) ? raw : [raw]];
}

function varName(x: unknown): string | null {
  const o = one(x);
  return o && o[0] === 'var' && o[1].length === 1 && typeof o[1][0] === 'string' ? o[1][0] : null;
}

const isNum = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

/** The amount without floor, as an editor kind; null when the editor cannot show it. */
function parseAmount(amount: unknown, catalog: readonly FormulaAttribute[]): BenefitDraft | null {
  if (isNum(amount)) return amount >= 0 ? { kind: 'fixed', fixedYuan: fenToYuan(amount) } : null;
  const o = one(amount);
  if (!o || o[0] !== '*' || o[1].length !== 2) return null;
  const [a, b] = o[1];
  if (!isNum(b) || b < 0) return null;
  const attr = varName(a);
  if (attr) {
    const type = catalog.find((c) => c.key === attr)?.type;
    if (type === 'money') return { kind: 'rate', attribute: attr, ratePercent: toPercent(b) };
    if (type === 'number') return { kind: 'perUnit', attribute: attr, perUnitYuan: fenToYuan(b), maxUnits: null };
    return null;
  }
  const m = one(a);
  if (m && m[0] === 'min' && m[1].length === 2 && isNum(m[1][1]) && m[1][1] >= 0) {
    const inner = varName(m[1][0]);
    if (inner && catalog.find((c) => c.key === inner)?.type === 'number') return { kind: 'perUnit', attribute: inner, perUnitYuan: fenToYuan(b), maxUnits: m[1][1] };
  }
  return null;
}

/** The editor's fields for a stored formula; null when the editor cannot represent it (shown read-only). */
export function fromBenefit(b: StoredBenefit | null | undefined, catalog: readonly FormulaAttribute[]): BenefitDraft | null {
  if (!b) return { kind: 'none' };
  if (b.cap !== undefined && !(Number.isSafeInteger(b.cap) && b.cap >= 0)) return null;
  let amount = b.amount;
  let floorYuan: number | null = null;
  const o = one(amount);
  if (o && o[0] === 'max' && o[1].length === 2 && isNum(o[1][0]) && o[1][0] >= 0) {
    floorYuan = fenToYuan(o[1][0]);
    amount = o[1][1];
    if (isNum(amount)) return null; // max of two constants: not something the form writes
  }
  const d = parseAmount(amount, catalog);
  if (!d) return null;
  // A fen amount the 元 fields cannot hold exactly (e.g. 0.5 fen) stays read-only.
  if (isNum(b.amount) && yuanToFen(d.fixedYuan ?? 0) !== b.amount) return null;
  return {
    ...d,
    floorYuan,
    capYuan: b.cap === undefined ? null : fenToYuan(b.cap),
    ...(b.rounding ? { rounding: b.rounding } : {}),
  };
}

const present = (x: number | null | undefined): x is number => typeof x === 'number' && Number.isFinite(x);

/** The stored formula for the editor's fields; throws IncompleteFormula naming the first missing field. */
export function toBenefit(d: BenefitDraft): StoredBenefit | null {
  if (d.kind === 'none') return null;
  let amount: unknown;
  if (d.kind === 'fixed') {
    if (!present(d.fixedYuan)) throw new IncompleteFormula('fixedYuan');
    amount = yuanToFen(d.fixedYuan);
  } else if (d.kind === 'rate') {
    if (!d.attribute) throw new IncompleteFormula('attribute');
    if (!present(d.ratePercent)) throw new IncompleteFormula('ratePercent');
    amount = { '*': [{ var: d.attribute }, fromPercent(d.ratePercent)] };
  } else {
    if (!d.attribute) throw new IncompleteFormula('attribute');
    if (!present(d.perUnitYuan)) throw new IncompleteFormula('perUnitYuan');
    const units = present(d.maxUnits) ? { min: [{ var: d.attribute }, d.maxUnits] } : { var: d.attribute };
    amount = { '*': [units, yuanToFen(d.perUnitYuan)] };
  }
  if (present(d.floorYuan) && d.kind !== 'fixed') amount = { max: [yuanToFen(d.floorYuan), amount] };
  return {
    amount,
    ...(present(d.capYuan) ? { cap: yuanToFen(d.capYuan) } : {}),
    ...(d.rounding ? { rounding: d.rounding } : {}),
  };
}
