/**
 * An enterprise as the registry holds it (SPEC E-1). Money is integer fen,
 * dates are 'YYYY-MM-DD', codes are national standards: USCC (GB 32100),
 * industry (GB/T 4754-2017 class code with section letter, e.g. 'C3911'),
 * district (GB/T 2260, 6 digits) and street (9-digit township code).
 * `null` means unknown (the rules engine treats it as missing → "unknown").
 */
export const ENTERPRISE_STATUSES = ['存续', '在业', '歇业', '吊销', '注销'] as const;
export type EnterpriseStatus = (typeof ENTERPRISE_STATUSES)[number];

export const ENTITY_TYPES = ['有限责任公司', '股份有限公司', '个人独资企业', '合伙企业', '外商投资企业', '个体工商户', '农民专业合作社', '分公司'] as const;
export type EntityType = (typeof ENTITY_TYPES)[number];

export const CREDIT_GRADES = ['A', 'B', 'C', 'D'] as const;
export type CreditGrade = (typeof CREDIT_GRADES)[number];

/** 风险等级 for 信用+风险 分级分类 supervision. */
export const RISK_GRADES = ['低', '较低', '较高', '高'] as const;
export type RiskGrade = (typeof RISK_GRADES)[number];

/** The enterprise tags of SPEC E-1; the catalog may allow more. */
export const KNOWN_TAGS = ['高新技术企业', '专精特新', '专精特新小巨人', '科技型中小企业', '外资', '跨国公司地区总部', 'AEO高级认证', '上市', '首贷户', '小微企业', '规上企业'] as const;

export interface EnterpriseRecord {
  uscc: string;
  name: string;
  legalRep: string | null;
  entityType: EntityType | null;
  industry: string | null;
  /** 注册资本, fen. */
  registeredCapital: number | null;
  established: string | null;
  status: EnterpriseStatus;
  district: string;
  street: string | null;
  park: string | null;
  address: string | null;
  employees: number | null;
  insuredEmployees: number | null;
  /** 上年营业收入, fen. */
  revenue: number | null;
  /** 上年纳税额, fen. */
  taxPaid: number | null;
  /** 上年研发投入, fen. */
  rdSpending: number | null;
  tags: string[];
  creditGrade: CreditGrade | null;
  riskGrade: RiskGrade | null;
  /** Values of catalog attributes added at runtime, by attribute key. */
  attrs: Record<string, string | number | boolean | string[] | null>;
}
