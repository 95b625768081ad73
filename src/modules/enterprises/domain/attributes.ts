import type { AttributeType } from '../../../core/rules/index.ts';
import { CREDIT_GRADES, ENTERPRISE_STATUSES, ENTITY_TYPES, KNOWN_TAGS, RISK_GRADES, type EnterpriseRecord } from './record.ts';

export type { AttributeType };

/**
 * The attribute catalog (SPEC E-1): every attribute an enterprise has, typed,
 * with a Chinese label and unit. Built-in attributes map to columns of
 * `enterprises`; attributes added at runtime live in its `attrs` jsonb. Rules
 * refer to attributes by key, so a new attribute is usable in policies at once.
 */
export interface AttributeDef {
  key: string;
  label: string;
  type: AttributeType;
  unit?: string | null;
  /** Allowed values for enum; suggested values for tags. */
  options?: readonly string[] | null;
  description?: string | null;
  builtin: boolean;
  /**
   * Personal data (SPEC §11: 法定代表人, personal id numbers): shown in full only to admin and
   * the enterprise itself, masked on every other path (masking.ts). Always text.
   */
  personal?: boolean;
}

type BuiltinKey = Exclude<keyof EnterpriseRecord, 'attrs'>;

export interface BuiltinAttribute extends AttributeDef {
  key: BuiltinKey;
  column: string;
  builtin: true;
  required?: boolean;
}

const b = (key: BuiltinKey, column: string, label: string, type: AttributeType, extra: Partial<BuiltinAttribute> = {}): BuiltinAttribute => ({ key, column, label, type, builtin: true, ...extra });

export const BUILTIN_ATTRIBUTES: readonly BuiltinAttribute[] = [
  b('uscc', 'uscc', '统一社会信用代码', 'text', { required: true, description: 'GB 32100-2015，18 位' }),
  b('name', 'name', '企业名称', 'text', { required: true }),
  b('legalRep', 'legal_rep', '法定代表人', 'text', { personal: true, description: '个人信息：除企业本身和管理员外脱敏显示' }),
  b('entityType', 'entity_type', '市场主体类型', 'enum', { options: ENTITY_TYPES }),
  b('industry', 'industry', '行业代码', 'text', { description: 'GB/T 4754-2017 行业代码，如 C3911' }),
  b('registeredCapital', 'registered_capital', '注册资本', 'money', { unit: '分' }),
  b('established', 'established', '成立日期', 'date'),
  b('status', 'status', '登记状态', 'enum', { options: ENTERPRISE_STATUSES, required: true }),
  b('district', 'district', '所属区', 'text', { description: 'GB/T 2260 六位代码' }),
  b('street', 'street', '所属街镇', 'text', { description: '九位街镇代码' }),
  b('park', 'park', '所属园区', 'text'),
  b('address', 'address', '地址', 'text'),
  b('employees', 'employees', '从业人数', 'number', { unit: '人' }),
  b('insuredEmployees', 'insured_employees', '参保人数', 'number', { unit: '人' }),
  b('revenue', 'revenue', '上年营业收入', 'money', { unit: '分' }),
  b('taxPaid', 'tax_paid', '上年纳税额', 'money', { unit: '分' }),
  b('rdSpending', 'rd_spending', '上年研发投入', 'money', { unit: '分' }),
  b('tags', 'tags', '企业标签', 'tags', { options: KNOWN_TAGS }),
  b('creditGrade', 'credit_grade', '信用等级', 'enum', { options: CREDIT_GRADES }),
  b('riskGrade', 'risk_grade', '风险等级', 'enum', { options: RISK_GRADES }),
];

export const BUILTIN_BY_KEY = new Map(BUILTIN_ATTRIBUTES.map((a) => [a.key as string, a]));

/** The built-in personal attributes (attributes added at runtime may be personal too: see the catalog). */
export const PERSONAL_ATTRIBUTES: ReadonlySet<string> = new Set(BUILTIN_ATTRIBUTES.filter((a) => a.personal).map((a) => a.key));

/**
 * Built-in attributes that are (nearly) unique per enterprise: identity and free text. The
 * matching service keeps them out of its columns unless a rule reads them — they would be
 * most of its memory and load time, and eligibility conditions seldom look at them.
 */
export const PER_ENTERPRISE_TEXT: ReadonlySet<string> = new Set(['uscc', 'name', 'legalRep', 'address']);

export const ATTRIBUTE_KEY_PATTERN = /^[a-z][A-Za-z0-9_]{1,40}$/;
// Keys that must never become attribute names: they would shadow object internals.
const RESERVED_KEYS = new Set(['constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', 'attrs']);

export function isReservedKey(key: string): boolean {
  return RESERVED_KEYS.has(key) || key.startsWith('__');
}
