import { validateFormula, validateRule, type BenefitFormula, type Catalog, type Rule, type RuleIssue } from '../../../core/rules/index.ts';

/** The P-1 fields of a policy, as saved in a draft and frozen in each published version. */
export const CATEGORIES = ['资金补贴', '税收优惠', '融资支持', '人才', '就业', '科技创新', '房租/载体', '开放型经济', '数字化转型', '其他'] as const;
export type PolicyMode = 'apply' | 'auto';

export interface PolicyContent {
  title: string;
  department: string;
  docNumber: string | null;
  category: (typeof CATEGORIES)[number];
  /** 申报 (apply) or 免申即享 (auto). */
  mode: PolicyMode;
  keyPoints: string[];
  /** Sanitized rich text. */
  text: string;
  validFrom: string | null;
  validTo: string | null;
  applyFrom: string | null;
  applyTo: string | null;
  eligibility: Rule;
  benefit: BenefitFormula | null;
  materials: string[];
  /** Review rules as text for the reviewing department. */
  reviewRules: string | null;
  budget: number | null;
  contact: { owner?: string; phone?: string; qaOwner?: string } | null;
  tags: string[];
}

export interface ContentProblem {
  field: string;
  message: string;
  issues?: RuleIssue[];
}

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
export const MAX_TEXT = 100_000;

function validDate(s: string | null): boolean {
  if (s === null) return true;
  if (!DATE_RE.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/** Checks a policy's content; the eligibility rule and formula against the live attribute catalog (§3a). */
export function checkContent(c: PolicyContent, catalog: Catalog): ContentProblem[] {
  const problems: ContentProblem[] = [];
  if (!c.title.trim()) problems.push({ field: 'title', message: '标题不能为空' });
  if (!CATEGORIES.includes(c.category)) problems.push({ field: 'category', message: `类别须为：${CATEGORIES.join('、')}` });
  if (c.text.length > MAX_TEXT) problems.push({ field: 'text', message: `正文过长（最多 ${MAX_TEXT} 字符）` });
  for (const f of ['validFrom', 'validTo', 'applyFrom', 'applyTo'] as const) if (!validDate(c[f])) problems.push({ field: f, message: '日期格式应为 YYYY-MM-DD' });
  if (c.validFrom && c.validTo && c.validFrom > c.validTo) problems.push({ field: 'validTo', message: '有效期结束不能早于开始' });
  if (c.applyFrom && c.applyTo && c.applyFrom > c.applyTo) problems.push({ field: 'applyTo', message: '申报截止不能早于开始' });
  if (c.budget !== null && (!Number.isSafeInteger(c.budget) || c.budget < 0)) problems.push({ field: 'budget', message: '预算以分为单位，须为非负整数' });
  const rule = validateRule(c.eligibility, { catalog });
  if (!rule.ok) problems.push({ field: 'eligibility', message: `申报条件有误：${rule.issues[0]?.message ?? ''}（位置 ${rule.issues[0]?.path ?? '/'}）`, issues: rule.issues });
  if (c.benefit) {
    const issues = validateFormula(c.benefit, catalog);
    if (issues.length) problems.push({ field: 'benefit', message: `兑付金额公式有误：${issues[0]!.message}（位置 ${issues[0]!.path}）`, issues });
  }
  return problems;
}
