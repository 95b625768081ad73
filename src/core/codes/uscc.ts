/**
 * 统一社会信用代码 (unified social credit code, GB 32100-2015).
 *
 * Layout (18 characters from USCC_ALPHABET):
 *   1      登记管理部门代码 (registration authority, e.g. 9 工商/市场监管)
 *   2      机构类别代码 (entity type, valid per authority, e.g. 9→1 企业)
 *   3–8    登记管理机关行政区划码 (GB/T 2260 division, 6 digits)
 *   9–17   主体标识码 = 组织机构代码 (GB 11714: 8 body characters + its own check character)
 *   18     校验码: C18 = 31 − (Σ Ci·Wi mod 31), Wi = 3^(i−1) mod 31, 31 → 0
 *
 * Because 31 is prime and every weight is non-zero mod 31, any single-character
 * substitution and any swap of two different adjacent characters within
 * positions 1–17 changes the sum and is detected (property-tested).
 */
import type { Rng } from '../random.ts';
import { PROVINCE_CODES, SHANGHAI_DISTRICTS } from './divisions.ts';

/** The 31 characters allowed in a USCC (no I, O, S, V, Z). Index = numeric value. */
export const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';

/** Weights 3^(i−1) mod 31 for positions 1–17. */
export const USCC_WEIGHTS: readonly number[] = Array.from({ length: 17 }, (_, i) => {
  let w = 1;
  for (let k = 0; k < i; k++) w = (w * 3) % 31;
  return w;
});

/** Weights of the GB 11714 organisation-code check character (positions 9–16 of the USCC). */
export const ORG_CODE_WEIGHTS: readonly number[] = [3, 7, 9, 10, 5, 8, 4, 2];

export type UsccErrorCode =
  | 'USCC_EMPTY'
  | 'USCC_LENGTH'
  | 'USCC_CHARACTER'
  | 'USCC_AUTHORITY'
  | 'USCC_ENTITY_TYPE'
  | 'USCC_DIVISION'
  | 'USCC_CHECK';

export type UsccWarningCode = 'USCC_ORG_CODE_CHECK' | 'USCC_DIVISION_UNKNOWN';

export interface UsccIssue<C extends string = UsccErrorCode | UsccWarningCode> {
  /** Stable UPPER_SNAKE code. */
  readonly code: C;
  /** Reason in Chinese, naming the position and the expected value where there is one. */
  readonly message: string;
  /** 1-based position of the offending character, where one position is at fault. */
  readonly position?: number;
  readonly expected?: string;
  readonly actual?: string;
}

export interface UsccParts {
  readonly authority: { readonly code: string; readonly name: string };
  readonly entityType: { readonly code: string; readonly name: string };
  /** Positions 3–8. */
  readonly division: string;
  /** Positions 9–17 written the GB 11714 way, e.g. "MA1FL8XQ-2". */
  readonly orgCode: string;
  /** Position 18. */
  readonly check: string;
}

export type UsccResult =
  | { readonly valid: true; readonly code: string; readonly parts: UsccParts; readonly warnings: readonly UsccIssue<UsccWarningCode>[] }
  | {
      readonly valid: false;
      readonly code: string;
      /** First error's message: the one-line reason. */
      readonly reason: string;
      readonly errors: readonly UsccIssue<UsccErrorCode>[];
      readonly warnings: readonly UsccIssue<UsccWarningCode>[];
    };

export interface RegistrationAuthority {
  readonly code: string;
  readonly name: string;
  /** Entity-type character → name. */
  readonly entityTypes: Readonly<Record<string, string>>;
}

/**
 * 登记管理部门代码 and their 机构类别代码 (GB 32100-2015 Table 1, with the
 * authorities assigned since: 中央军委改革和编制办公室 A, 农业 N).
 */
export const REGISTRATION_AUTHORITIES: readonly RegistrationAuthority[] = [
  { code: '1', name: '机构编制', entityTypes: { '1': '机关', '2': '事业单位', '3': '中央编办直接管理机构编制的群众团体', '9': '其他' } },
  { code: '2', name: '外交', entityTypes: { '1': '外国常驻新闻机构', '9': '其他' } },
  {
    code: '3',
    name: '司法行政',
    entityTypes: {
      '1': '律师执业机构', '2': '外国律师事务所驻华代表机构', '3': '司法鉴定机构', '4': '仲裁委员会',
      '5': '公证处', '6': '基层法律服务所', '9': '其他',
    },
  },
  { code: '4', name: '文化', entityTypes: { '1': '外国在华文化中心', '9': '其他' } },
  { code: '5', name: '民政', entityTypes: { '1': '社会团体', '2': '民办非企业单位', '3': '基金会', '9': '其他' } },
  { code: '6', name: '旅游', entityTypes: { '1': '外国旅游部门常驻代表机构', '2': '港澳台地区旅游部门常驻内地（大陆）代表机构', '9': '其他' } },
  { code: '7', name: '宗教', entityTypes: { '1': '宗教活动场所', '2': '宗教院校', '9': '其他' } },
  { code: '8', name: '工会', entityTypes: { '1': '基层工会', '9': '其他' } },
  { code: '9', name: '工商', entityTypes: { '1': '企业', '2': '个体工商户', '3': '农民专业合作社' } },
  { code: 'A', name: '中央军委改革和编制办公室', entityTypes: { '1': '军队事业单位', '9': '其他' } },
  { code: 'N', name: '农业', entityTypes: { '1': '组级集体经济组织', '2': '村级集体经济组织', '3': '乡镇级集体经济组织', '9': '其他' } },
  { code: 'Y', name: '其他', entityTypes: { '1': '其他' } },
];

const authorityByCode = new Map(REGISTRATION_AUTHORITIES.map((a) => [a.code, a]));

function charValue(ch: string): number {
  return USCC_ALPHABET.indexOf(ch);
}

/** The check character (position 18) for the first 17 characters. Throws on a character outside the alphabet. */
export function usccCheckChar(first17: string): string {
  if (first17.length !== 17) throw new RangeError('usccCheckChar: need exactly 17 characters');
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = charValue(first17[i] as string);
    if (v < 0) throw new RangeError(`usccCheckChar: character ${first17[i]} at position ${i + 1} is not allowed`);
    sum += v * (USCC_WEIGHTS[i] as number);
  }
  return USCC_ALPHABET[(31 - (sum % 31)) % 31] as string;
}

/** GB 11714 value of a body character: 0–9 → 0–9, A–Z → 10–35; -1 otherwise. */
function orgCharValue(ch: string): number {
  const c = ch.charCodeAt(0);
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 65 && c <= 90) return c - 55;
  return -1;
}

/** The GB 11714 check character for an 8-character organisation-code body ('X' stands for 10). */
export function orgCodeCheckChar(body8: string): string {
  if (body8.length !== 8) throw new RangeError('orgCodeCheckChar: need exactly 8 characters');
  let sum = 0;
  for (let i = 0; i < 8; i++) {
    const v = orgCharValue(body8[i] as string);
    if (v < 0) throw new RangeError(`orgCodeCheckChar: character ${body8[i]} is not allowed`);
    sum += v * (ORG_CODE_WEIGHTS[i] as number);
  }
  const c = 11 - (sum % 11);
  return c === 10 ? 'X' : c === 11 ? '0' : String(c);
}

/** Trims surrounding whitespace and upper-cases: what an importer should do before validating. */
export function normalizeUscc(input: string): string {
  return input.trim().toUpperCase();
}

function describeChar(ch: string): string {
  if (/^[a-z]$/.test(ch)) return `小写字母“${ch}”（须为大写）`;
  if ('IOSVZ'.includes(ch)) return `字母“${ch}”（统一社会信用代码不使用I、O、S、V、Z）`;
  if (/^\s$/.test(ch)) return '空白字符';
  return `“${ch}”`;
}

/**
 * Validates a USCC exactly as given (no trimming or case folding — see normalizeUscc).
 * A wrong organisation-code check character (positions 9–17) is a warning only:
 * codes issued to 个体工商户 and some migrated codes do not satisfy GB 11714.
 */
export function validateUscc(input: string): UsccResult {
  const errors: UsccIssue<UsccErrorCode>[] = [];
  const warnings: UsccIssue<UsccWarningCode>[] = [];
  const fail = (): UsccResult => ({ valid: false, code: input, reason: (errors[0] as UsccIssue).message, errors, warnings });
  const chars = Array.from(input);

  if (chars.length === 0) {
    errors.push({ code: 'USCC_EMPTY', message: '统一社会信用代码为空' });
    return fail();
  }
  if (chars.length !== 18) {
    errors.push({
      code: 'USCC_LENGTH',
      message: `长度应为18位，实际为${chars.length}位`,
      expected: '18',
      actual: String(chars.length),
    });
    return fail();
  }
  chars.forEach((ch, i) => {
    if (charValue(ch) < 0) {
      errors.push({
        code: 'USCC_CHARACTER',
        message: `第${i + 1}位字符${describeChar(ch)}不合法，只允许数字0-9和大写字母ABCDEFGHJKLMNPQRTUWXY`,
        position: i + 1,
        actual: ch,
      });
    }
  });
  if (errors.length > 0) return fail();

  const a = chars[0] as string;
  const e = chars[1] as string;
  const authority = authorityByCode.get(a);
  if (!authority) {
    errors.push({
      code: 'USCC_AUTHORITY',
      message: `第1位登记管理部门代码“${a}”不存在（应为${REGISTRATION_AUTHORITIES.map((x) => x.code).join('、')}之一）`,
      position: 1,
      actual: a,
    });
  } else if (!(e in authority.entityTypes)) {
    const allowed = Object.entries(authority.entityTypes)
      .map(([k, v]) => `${k} ${v}`)
      .join('、');
    errors.push({
      code: 'USCC_ENTITY_TYPE',
      message: `第2位机构类别代码“${e}”对登记管理部门“${authority.name}”（${a}）无效，应为：${allowed}`,
      position: 2,
      actual: e,
    });
  }

  const division = input.slice(2, 8);
  if (!/^\d{6}$/.test(division)) {
    const bad = Array.from(division).findIndex((c) => !/\d/.test(c));
    errors.push({
      code: 'USCC_DIVISION',
      message: `第3-8位登记管理机关行政区划码“${division}”须为6位数字（第${bad + 3}位为“${division[bad]}”）`,
      position: bad + 3,
      actual: division,
    });
  } else if (!(division.slice(0, 2) in PROVINCE_CODES) && division !== '100000') {
    warnings.push({
      code: 'USCC_DIVISION_UNKNOWN',
      message: `第3-8位行政区划码“${division}”的前两位不是已知的省级代码`,
      position: 3,
      actual: division,
    });
  }

  const expectedCheck = usccCheckChar(input.slice(0, 17));
  const actualCheck = chars[17] as string;
  if (expectedCheck !== actualCheck) {
    errors.push({
      code: 'USCC_CHECK',
      message: `第18位校验码错误：应为${expectedCheck}，实际为${actualCheck}`,
      position: 18,
      expected: expectedCheck,
      actual: actualCheck,
    });
  }

  const orgBody = input.slice(8, 16);
  const orgCheck = chars[16] as string;
  const expectedOrgCheck = orgCodeCheckChar(orgBody);
  if (expectedOrgCheck !== orgCheck) {
    warnings.push({
      code: 'USCC_ORG_CODE_CHECK',
      message: `第9-17位组织机构代码（${orgBody}-${orgCheck}）校验码不符：应为${expectedOrgCheck}，实际为${orgCheck}`,
      position: 17,
      expected: expectedOrgCheck,
      actual: orgCheck,
    });
  }

  if (errors.length > 0 || !authority) return fail();
  return {
    valid: true,
    code: input,
    parts: {
      authority: { code: a, name: authority.name },
      entityType: { code: e, name: authority.entityTypes[e] as string },
      division,
      orgCode: `${orgBody}-${orgCheck}`,
      check: actualCheck,
    },
    warnings,
  };
}

/** True when validateUscc accepts the code (warnings allowed). */
export function isValidUscc(input: string): boolean {
  return validateUscc(input).valid;
}

export interface GenerateUsccOptions {
  /** Registration authority character; default '9' (工商). */
  readonly authority?: string;
  /** Entity-type character valid for the authority; default: random among the authority's types. */
  readonly entityType?: string;
  /** 6-digit division code; default: a random Shanghai district. */
  readonly division?: string;
}

/** Characters used for generated organisation-code bodies: digits, and letters valid in both GB 11714 and GB 32100. */
const ORG_BODY_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';

/**
 * A valid USCC for synthetic data, fully determined by the generator's state.
 * The embedded organisation code has a correct GB 11714 check character (a digit
 * or 'X', both in the USCC alphabet), so the result raises no warning either.
 */
export function generateUscc(rng: Rng, options: GenerateUsccOptions = {}): string {
  const authorityCode = options.authority ?? '9';
  const authority = authorityByCode.get(authorityCode);
  if (!authority) throw new RangeError(`generateUscc: unknown registration authority ${authorityCode}`);
  const types = Object.keys(authority.entityTypes);
  const entityType = options.entityType ?? rng.pick(types);
  if (!types.includes(entityType)) throw new RangeError(`generateUscc: entity type ${entityType} invalid for authority ${authorityCode}`);
  const division = options.division ?? rng.pick(SHANGHAI_DISTRICTS).code;
  if (!/^\d{6}$/.test(division)) throw new RangeError(`generateUscc: division must be 6 digits, got ${division}`);
  let body = '';
  for (let i = 0; i < 8; i++) body += ORG_BODY_CHARS[rng.int(0, ORG_BODY_CHARS.length - 1)];
  const first17 = `${authorityCode}${entityType}${division}${body}${orgCodeCheckChar(body)}`;
  return first17 + usccCheckChar(first17);
}
