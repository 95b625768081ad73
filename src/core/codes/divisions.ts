/**
 * Administrative divisions (GB/T 2260) for Shanghai, plus the township-level
 * statistical division codes (统计用区划代码, 9 digits = 6-digit county code +
 * 3-digit township part) of the districts Qifu ships for.
 *
 * Sources:
 * - County level (6 digits): GB/T 2260 as maintained by the Ministry of Civil
 *   Affairs (民政部 县以上行政区划代码), current since 崇明县 became 崇明区 (310151)
 *   in 2016 and 闸北区 merged into 静安区 in 2015.
 * - Township level (9 digits): 国家统计局 统计用区划代码 (2023 edition). These are
 *   statistical codes, not GB/T 2260 codes (GB/T 2260 stops at county level);
 *   the NBS tables print them with 12 digits (township code + "000"). Codes in
 *   the 5xx range are 开发区/工业区 (statistical units, not administrative ones),
 *   4xx are other township-level areas (e.g. 菊园新区).
 *   `verified: true` marks codes cross-checked against an independent published
 *   copy of the NBS table; the others are given as best known and should be
 *   checked against the NBS table before being relied on.
 */

export type DivisionLevel = 'province' | 'district' | 'township';
/** 街道 = sub-district, 镇 = town, 区域 = other township-level area (工业区, 新区 …). */
export type TownshipKind = 'street' | 'town' | 'area';

export interface District {
  /** 6-digit GB/T 2260 code. */
  readonly code: string;
  readonly name: string;
}

export interface Township {
  /** 9-digit statistical division code (统计用区划代码, township level). */
  readonly code: string;
  readonly name: string;
  readonly kind: TownshipKind;
  /** 6-digit code of the district it belongs to. */
  readonly districtCode: string;
  /** Year of the statistical division table the code was taken from. */
  readonly sourceYear: number;
  /** Cross-checked against an independent copy of the NBS table. */
  readonly verified: boolean;
}

/** Province-level codes of GB/T 2260 (first two digits of every division code). */
export const PROVINCE_CODES: Readonly<Record<string, string>> = {
  '11': '北京市', '12': '天津市', '13': '河北省', '14': '山西省', '15': '内蒙古自治区',
  '21': '辽宁省', '22': '吉林省', '23': '黑龙江省',
  '31': '上海市', '32': '江苏省', '33': '浙江省', '34': '安徽省', '35': '福建省', '36': '江西省', '37': '山东省',
  '41': '河南省', '42': '湖北省', '43': '湖南省', '44': '广东省', '45': '广西壮族自治区', '46': '海南省',
  '50': '重庆市', '51': '四川省', '52': '贵州省', '53': '云南省', '54': '西藏自治区',
  '61': '陕西省', '62': '甘肃省', '63': '青海省', '64': '宁夏回族自治区', '65': '新疆维吾尔自治区',
  '71': '台湾省', '81': '香港特别行政区', '82': '澳门特别行政区',
};

export const SHANGHAI_CODE = '310000';

/** Shanghai's 16 districts (GB/T 2260). */
export const SHANGHAI_DISTRICTS: readonly District[] = [
  { code: '310101', name: '黄浦区' },
  { code: '310104', name: '徐汇区' },
  { code: '310105', name: '长宁区' },
  { code: '310106', name: '静安区' },
  { code: '310107', name: '普陀区' },
  { code: '310109', name: '虹口区' },
  { code: '310110', name: '杨浦区' },
  { code: '310112', name: '闵行区' },
  { code: '310113', name: '宝山区' },
  { code: '310114', name: '嘉定区' },
  { code: '310115', name: '浦东新区' },
  { code: '310116', name: '金山区' },
  { code: '310117', name: '松江区' },
  { code: '310118', name: '青浦区' },
  { code: '310120', name: '奉贤区' },
  { code: '310151', name: '崇明区' },
];

const t = (code: string, name: string, kind: TownshipKind, verified: boolean): Township => ({
  code,
  name,
  kind,
  districtCode: code.slice(0, 6),
  sourceYear: 2023,
  verified,
});

/** Streets and towns (统计用区划代码, township level, 2023) of 闵行区, 嘉定区 and 徐汇区. */
export const SHANGHAI_TOWNSHIPS: readonly Township[] = [
  // 闵行区 310112 — 4 街道, 9 镇, 莘庄工业区 (14 units)
  t('310112001', '江川路街道', 'street', true),
  t('310112006', '古美街道', 'street', true),
  t('310112008', '新虹街道', 'street', true),
  t('310112009', '浦锦街道', 'street', true),
  t('310112101', '莘庄镇', 'town', true),
  t('310112102', '七宝镇', 'town', true),
  t('310112103', '颛桥镇', 'town', true),
  t('310112106', '华漕镇', 'town', true),
  t('310112107', '虹桥镇', 'town', true),
  t('310112108', '梅陇镇', 'town', true),
  t('310112110', '吴泾镇', 'town', true),
  t('310112112', '马桥镇', 'town', true),
  t('310112114', '浦江镇', 'town', true),
  t('310112501', '莘庄工业区', 'area', true),
  // 嘉定区 310114 — 3 街道, 7 镇, 菊园新区, 嘉定工业区
  t('310114001', '新成路街道', 'street', false),
  t('310114002', '真新街道', 'street', false),
  t('310114004', '嘉定镇街道', 'street', true),
  t('310114102', '南翔镇', 'town', true),
  t('310114103', '安亭镇', 'town', true),
  t('310114106', '马陆镇', 'town', false),
  t('310114109', '徐行镇', 'town', false),
  t('310114111', '华亭镇', 'town', true),
  t('310114114', '外冈镇', 'town', false),
  t('310114118', '江桥镇', 'town', true),
  t('310114401', '菊园新区', 'area', false),
  t('310114501', '嘉定工业区', 'area', false),
  // 徐汇区 310104 — 12 街道, 1 镇
  t('310104003', '天平路街道', 'street', true),
  t('310104004', '湖南路街道', 'street', true),
  t('310104007', '斜土路街道', 'street', true),
  t('310104008', '枫林路街道', 'street', true),
  t('310104010', '长桥街道', 'street', true),
  t('310104011', '田林街道', 'street', true),
  t('310104012', '虹梅路街道', 'street', true),
  t('310104013', '康健新村街道', 'street', true),
  t('310104014', '徐家汇街道', 'street', true),
  t('310104015', '凌云路街道', 'street', true),
  t('310104016', '龙华街道', 'street', true),
  t('310104017', '漕河泾街道', 'street', true),
  t('310104103', '华泾镇', 'town', true),
];

const districtByCode = new Map(SHANGHAI_DISTRICTS.map((d) => [d.code, d]));
const townshipByCode = new Map(SHANGHAI_TOWNSHIPS.map((s) => [s.code, s]));

/** A Shanghai district by its 6-digit code, or undefined. */
export function findDistrict(code: string): District | undefined {
  return districtByCode.get(code);
}

/** A district by its Chinese name (e.g. 闵行区), or undefined. */
export function findDistrictByName(name: string): District | undefined {
  return SHANGHAI_DISTRICTS.find((d) => d.name === name);
}

/**
 * A township by its 9-digit statistical code; the 12-digit form printed in the
 * NBS tables (e.g. 310112001000) is accepted too.
 */
export function findTownship(code: string): Township | undefined {
  const key = /^\d{9}000$/.test(code) ? code.slice(0, 9) : code;
  return townshipByCode.get(key);
}

/** The streets/towns of one district (6-digit code), in code order; empty if Qifu has no data for it. */
export function townshipsOf(districtCode: string): Township[] {
  return SHANGHAI_TOWNSHIPS.filter((s) => s.districtCode === districtCode).sort((a, b) => a.code.localeCompare(b.code));
}

/** Name of the province for a 6-digit division code's first two digits, or undefined. */
export function provinceOf(divisionCode: string): string | undefined {
  return PROVINCE_CODES[divisionCode.slice(0, 2)];
}
