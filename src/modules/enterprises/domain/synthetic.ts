/**
 * Deterministic synthetic enterprises for a district (issue 3 item 10, SPEC E-1):
 * `qifu seed --enterprises N --seed S` and the benchmarks (3.3 M rows = all of
 * Shanghai) use it, and the demo data is its first SYNTHETIC_DEMO_COUNT rows.
 *
 * Pure: no I/O, no clock (`today` is an argument). Row i depends only on
 * (seed, i, district, today) — each row gets its own PRNG seeded from a hash of
 * seed and index — so any slice [startIndex, startIndex + count) can be
 * generated on its own (parallel chunks) and equals the same rows of a full run.
 *
 * USCCs are unique per seed by construction: the organisation-code body (USCC
 * positions 9–16) encodes a seeded permutation of the row index, so no two rows
 * of one seed share a body; the check characters are then computed (GB 11714,
 * GB 32100).
 */
import type { Rng } from '../../../core/random.ts';
import { orgCodeCheckChar, USCC_ALPHABET, usccCheckChar } from '../../../core/codes/uscc.ts';
import { findIndustry, industriesAtLevel } from '../../../core/codes/industry.ts';
import { findDistrict, townshipsOf, type Township } from '../../../core/codes/divisions.ts';
import type { CreditGrade, EnterpriseRecord, EnterpriseStatus, EntityType, RiskGrade } from './record.ts';
import {
  BRAND_CHARS,
  BRANCH_PARENT_PROVINCES,
  FOREIGN_SYLLABLES,
  GENERIC_ROADS,
  GIVEN_CHARS,
  PARKS_BY_TOWNSHIP,
  PARTNERSHIP_WORDS,
  ROADS_BY_DISTRICT,
  ROADS_BY_TOWNSHIP,
  SOLE_PROPRIETOR_SUFFIXES,
  SOLE_PROPRIETOR_TRADE_SUFFIXES,
  SURNAMES,
  TOWNSHIP_WEIGHTS,
  type ParkProfile,
} from './names.ts';

/** Rows of the demo data set (first start, `qifu seed` without --enterprises). */
export const SYNTHETIC_DEMO_COUNT = 2000;

/** Default district: 闵行区. */
export const SYNTHETIC_DEFAULT_DISTRICT = '310112';

/**
 * Row indexes must stay below this: the organisation-code body holds a
 * permutation of [0, 10^8) (8 decimal digits for pre-2015 codes), which is what
 * makes USCCs unique. 10^8 is 30× all of Shanghai.
 */
export const SYNTHETIC_MAX_ROWS = 100_000_000;

export interface GenerateEnterprisesOptions {
  /** Number of rows to generate. */
  readonly count: number;
  /** Any integer; the same seed always gives the same rows. */
  readonly seed: number;
  /** 6-digit GB/T 2260 code of a Shanghai district; default 310112 (闵行区). */
  readonly district?: string;
  /** The generation date, YYYY-MM-DD: nothing is established after it. */
  readonly today: string;
  /** Index of the first row (default 0): rows [startIndex, startIndex + count). */
  readonly startIndex?: number;
}

// ---------------------------------------------------------------------------
// Industry mix

interface Niche {
  /** Division code with section letter, e.g. 'F51'. */
  readonly division: string;
  /** Share of all firms, percent (normalised, so the total need not be 100). */
  readonly weight: number;
  /** Class digits to choose from (repeat one to weight it); all classes of the division when absent. */
  readonly classes?: readonly string[];
  /** 行业用语 for the company name, matching the classes. */
  readonly words: readonly string[];
  /** Median revenue per employee, 万元 a year. */
  readonly revenuePerHead: number;
  /** Multiplies the median head count (factories are bigger than consultancies). */
  readonly size: number;
}

/**
 * A suburban Shanghai district such as 闵行区: trade ≈ 25 %, leasing and business
 * services ≈ 15 %, manufacturing ≈ 15 % spread over the district's strong
 * divisions, software/IT ≈ 10 %, science and technology services ≈ 10 %.
 * Class lists leave out classes that private firms do not run (公证, 公共就业 …).
 */
const NICHES: readonly Niche[] = [
  // F 批发和零售业 ≈ 25
  { division: 'F51', weight: 15, words: ['贸易', '商贸', '国际贸易', '进出口', '实业', '贸易发展'], revenuePerHead: 300, size: 0.8 },
  { division: 'F52', weight: 10, words: ['商贸', '百货', '电子商务', '商业', '便利店', '超市'], revenuePerHead: 40, size: 0.8 },
  // L 租赁和商务服务业 ≈ 15
  { division: 'L71', weight: 1.5, classes: ['7111', '7111', '7113', '7114', '7115', '7119', '7121', '7130'], words: ['租赁', '设备租赁', '汽车租赁'], revenuePerHead: 100, size: 0.7 },
  { division: 'L72', weight: 6, classes: ['7211', '7212', '7219', '7219', '7243', '7249', '7249'], words: ['企业管理', '企业管理咨询', '商务咨询', '实业', '管理咨询'], revenuePerHead: 50, size: 0.8 },
  { division: 'L72', weight: 1.5, classes: ['7221', '7222', '7224', '7224', '7229'], words: ['供应链管理', '商业管理', '园区管理'], revenuePerHead: 120, size: 1 },
  { division: 'L72', weight: 0.8, classes: ['7231', '7239', '7241'], words: ['财务咨询', '税务咨询', '知识产权代理'], revenuePerHead: 30, size: 1 },
  { division: 'L72', weight: 2, classes: ['7251', '7259', '7259'], words: ['广告', '文化传播', '品牌策划', '广告传媒'], revenuePerHead: 60, size: 0.8 },
  { division: 'L72', weight: 1.5, classes: ['7262', '7263', '7269'], words: ['人力资源', '人才服务', '劳务服务'], revenuePerHead: 40, size: 1.5 },
  { division: 'L72', weight: 0.3, classes: ['7271', '7272'], words: ['保安服务', '安防科技'], revenuePerHead: 15, size: 3 },
  { division: 'L72', weight: 0.6, classes: ['7281', '7284', '7289'], words: ['会展服务', '展览展示', '会议服务'], revenuePerHead: 40, size: 0.8 },
  { division: 'L72', weight: 0.3, classes: ['7291'], words: ['旅行社', '国际旅行社'], revenuePerHead: 60, size: 1 },
  { division: 'L72', weight: 0.5, classes: ['7292', '7293', '7294', '7297', '7299'], words: ['商务服务', '包装服务', '翻译服务', '办公服务'], revenuePerHead: 30, size: 0.8 },
  // I 信息传输、软件和信息技术服务业 ≈ 10
  { division: 'I63', weight: 0.8, classes: ['6319', '6319', '6311', '6339'], words: ['通信技术', '通讯科技'], revenuePerHead: 60, size: 1 },
  { division: 'I64', weight: 3, classes: ['6410', '6429', '6431', '6432', '6433', '6439', '6440', '6450', '6490'], words: ['网络科技', '信息科技', '互联网科技', '数字科技'], revenuePerHead: 80, size: 1 },
  { division: 'I65', weight: 6.2, words: ['信息技术', '软件', '智能科技', '数据科技', '计算机科技', '信息科技'], revenuePerHead: 50, size: 1.2 },
  // M 科学研究和技术服务业 ≈ 10
  { division: 'M73', weight: 2, classes: ['7310', '7320', '7320', '7340'], words: ['生物科技', '医药科技', '新材料科技', '科技'], revenuePerHead: 40, size: 1.2 },
  { division: 'M74', weight: 4, classes: ['7441', '7449', '7452', '7452', '7453', '7455', '7461', '7481', '7482', '7484', '7484', '7491', '7492', '7499'], words: ['检测技术', '工程设计', '环境科技', '技术服务', '工程技术', '设计'], revenuePerHead: 40, size: 1 },
  { division: 'M75', weight: 4, classes: ['7512', '7513', '7514', '7515', '7516', '7517', '7519', '7520', '7530', '7540', '7590'], words: ['科技', '科技发展', '技术服务', '智能科技', '环保科技'], revenuePerHead: 40, size: 0.8 },
  // C 制造业 ≈ 15
  { division: 'C26', weight: 1.5, words: ['化工', '新材料', '化学', '涂料'], revenuePerHead: 200, size: 2.5 },
  { division: 'C27', weight: 1, words: ['医药', '生物医药', '制药', '生物技术'], revenuePerHead: 150, size: 3 },
  { division: 'C29', weight: 1, words: ['塑胶', '塑料制品', '橡塑制品'], revenuePerHead: 100, size: 2 },
  { division: 'C33', weight: 1.5, words: ['金属制品', '五金', '钢结构'], revenuePerHead: 100, size: 2 },
  { division: 'C34', weight: 2.5, words: ['机械', '机电设备', '动力设备', '精密机械', '流体设备'], revenuePerHead: 110, size: 2.2 },
  { division: 'C35', weight: 2, words: ['机械设备', '自动化设备', '医疗器械', '智能装备'], revenuePerHead: 100, size: 2.2 },
  { division: 'C36', weight: 1, words: ['汽车零部件', '汽车配件', '汽车部件'], revenuePerHead: 200, size: 3 },
  { division: 'C38', weight: 1.5, words: ['电气', '电器', '电气设备', '新能源', '电缆', '照明电器'], revenuePerHead: 120, size: 2.2 },
  { division: 'C39', weight: 2, words: ['电子', '电子科技', '微电子', '通信设备', '半导体', '光电科技'], revenuePerHead: 150, size: 2.5 },
  { division: 'C40', weight: 1, words: ['仪器仪表', '仪器', '测控技术', '检测设备'], revenuePerHead: 100, size: 2 },
  // E 建筑业 ≈ 5
  { division: 'E47', weight: 1.5, words: ['建设', '建筑工程', '建设发展'], revenuePerHead: 60, size: 2 },
  { division: 'E48', weight: 1, words: ['市政工程', '建设工程', '路桥工程'], revenuePerHead: 60, size: 2 },
  { division: 'E49', weight: 1, words: ['机电安装工程', '建筑安装工程', '消防工程'], revenuePerHead: 50, size: 1.5 },
  { division: 'E50', weight: 1.5, words: ['建筑装饰工程', '装饰设计工程', '装饰工程'], revenuePerHead: 40, size: 1.2 },
  // G 交通运输、仓储和邮政业 ≈ 4
  { division: 'G54', weight: 1.5, classes: ['5413', '5422', '5431', '5431', '5432', '5433', '5437', '5437', '5438', '5439'], words: ['物流', '运输', '货运', '汽车运输'], revenuePerHead: 60, size: 1.5 },
  { division: 'G58', weight: 1.5, classes: ['5810', '5821', '5821', '5822', '5829'], words: ['国际货运代理', '供应链管理', '国际物流'], revenuePerHead: 150, size: 0.8 },
  { division: 'G59', weight: 1, classes: ['5910', '5920', '5920', '5930', '5990'], words: ['仓储', '仓储服务', '物流'], revenuePerHead: 60, size: 1.2 },
  // H 住宿和餐饮业 ≈ 4
  { division: 'H61', weight: 0.5, classes: ['6110', '6121', '6129', '6130'], words: ['酒店管理', '宾馆', '酒店'], revenuePerHead: 15, size: 2 },
  { division: 'H62', weight: 3.5, words: ['餐饮管理', '餐饮', '餐饮服务', '食品'], revenuePerHead: 12, size: 1.5 },
  // K 房地产业 ≈ 2
  { division: 'K70', weight: 0.6, classes: ['7010'], words: ['房地产开发', '置业', '房地产开发经营'], revenuePerHead: 400, size: 1.5 },
  { division: 'K70', weight: 0.8, classes: ['7020'], words: ['物业管理', '物业服务'], revenuePerHead: 15, size: 3 },
  { division: 'K70', weight: 0.6, classes: ['7030', '7040', '7090'], words: ['房地产经纪', '房地产咨询', '置业顾问'], revenuePerHead: 40, size: 1 },
  // J 金融业 ≈ 1
  { division: 'J66', weight: 0.3, classes: ['6631', '6631', '6635', '6639'], words: ['融资租赁', '小额贷款'], revenuePerHead: 300, size: 1 },
  { division: 'J67', weight: 0.4, classes: ['6731', '6732', '6739', '6760', '6790'], words: ['投资管理', '资产管理', '股权投资基金管理'], revenuePerHead: 200, size: 0.8 },
  { division: 'J69', weight: 0.3, classes: ['6920', '6930', '6940', '6999'], words: ['金融信息服务', '投资咨询', '控股'], revenuePerHead: 150, size: 0.8 },
  // O 居民服务、修理和其他服务业 ≈ 3
  { division: 'O80', weight: 1, classes: ['8010', '8030', '8040', '8040', '8053', '8060', '8070', '8090'], words: ['家政服务', '美容美发', '洗衣服务', '摄影'], revenuePerHead: 15, size: 1 },
  { division: 'O81', weight: 1, classes: ['8111', '8111', '8121', '8122', '8131', '8132', '8199'], words: ['汽车维修', '汽车服务', '家电维修', '电脑维修'], revenuePerHead: 30, size: 1 },
  { division: 'O82', weight: 1, classes: ['8211', '8219', '8222', '8223', '8229', '8290'], words: ['清洁服务', '宠物服务', '保洁服务'], revenuePerHead: 15, size: 0.8 },
  // P 教育, Q 卫生, R 文化体育和娱乐业
  { division: 'P83', weight: 1, classes: ['8391', '8392', '8393', '8393', '8394', '8399'], words: ['教育科技', '培训', '教育信息咨询', '文化艺术培训'], revenuePerHead: 20, size: 1 },
  { division: 'Q84', weight: 0.5, classes: ['8415', '8425', '8425', '8491', '8492', '8499'], words: ['门诊部', '医疗', '健康管理', '医学检验'], revenuePerHead: 40, size: 2 },
  { division: 'R86', weight: 0.2, classes: ['8626', '8629'], words: ['文化传媒', '数字出版'], revenuePerHead: 40, size: 1 },
  { division: 'R87', weight: 0.5, classes: ['8730', '8750', '8760', '8770'], words: ['影视', '影视文化', '文化传媒'], revenuePerHead: 60, size: 0.8 },
  { division: 'R88', weight: 0.6, classes: ['8810', '8890'], words: ['文化艺术', '文化发展', '艺术'], revenuePerHead: 20, size: 0.7 },
  { division: 'R89', weight: 0.4, classes: ['8919', '8921', '8930', '8930', '8991', '8992'], words: ['体育发展', '体育文化', '健身'], revenuePerHead: 20, size: 1 },
  { division: 'R90', weight: 0.5, classes: ['9019', '9030', '9051', '9053', '9090'], words: ['娱乐', '文化娱乐', '文化活动策划'], revenuePerHead: 20, size: 1 },
  // N 环境, A 农业, D 能源
  { division: 'N77', weight: 0.3, classes: ['7721', '7722', '7723', '7726', '7729'], words: ['环保科技', '环境工程'], revenuePerHead: 40, size: 1 },
  { division: 'N78', weight: 0.2, classes: ['7810', '7820', '7840'], words: ['园林绿化', '绿化工程', '市政设施'], revenuePerHead: 30, size: 1.5 },
  { division: 'A01', weight: 0.4, classes: ['0141', '0142', '0143', '0143', '0149', '0159'], words: ['农业科技', '农业发展', '园艺'], revenuePerHead: 20, size: 1 },
  { division: 'A05', weight: 0.3, classes: ['0511', '0512', '0514', '0515', '0519'], words: ['农业服务', '农业技术'], revenuePerHead: 20, size: 1 },
  { division: 'D44', weight: 0.3, classes: ['4416', '4416', '4420', '4430'], words: ['新能源', '能源科技', '电力'], revenuePerHead: 200, size: 1.5 },
  { division: 'D46', weight: 0.1, classes: ['4620', '4690'], words: ['水务', '水处理'], revenuePerHead: 100, size: 1.5 },
];

/** Most 合伙企业 are holding or fund vehicles (投资与资产管理, 企业管理). */
const PARTNERSHIP_NICHE: Niche = {
  division: 'L72',
  weight: 0,
  classes: ['7212', '7212', '7219'],
  words: PARTNERSHIP_WORDS,
  revenuePerHead: 80,
  size: 1,
};

interface ResolvedNiche {
  readonly section: string;
  readonly division: string;
  /** Canonical class codes, e.g. 'C3911'. */
  readonly codes: readonly string[];
  readonly words: readonly string[];
  readonly revenuePerHead: number;
  readonly size: number;
  /** Manufacturing and tech services: where R&D, 高新技术企业 and 专精特新 cluster. */
  readonly tech: boolean;
}

/** Checks the table against the GB/T 4754 data once, so a typo fails at import, not in a seeded database. */
function resolveNiche(niche: Niche): ResolvedNiche {
  const division = findIndustry(niche.division);
  if (!division || division.level !== 'division') throw new Error(`synthetic: ${niche.division} is not a GB/T 4754 division`);
  const codes = niche.classes
    ? niche.classes.map((digits) => {
        const found = findIndustry(digits);
        if (!found || found.level !== 'class' || found.parent?.slice(0, 3) !== division.code) {
          throw new Error(`synthetic: ${digits} is not a GB/T 4754 class of ${division.code}`);
        }
        return found.code;
      })
    : industriesAtLevel('class')
        .filter((c) => c.code.startsWith(division.code))
        .map((c) => c.code);
  if (codes.length === 0) throw new Error(`synthetic: ${division.code} has no classes`);
  return {
    section: division.section,
    division: division.code,
    codes,
    words: niche.words,
    revenuePerHead: niche.revenuePerHead,
    size: niche.size,
    tech: division.section === 'C' || division.section === 'I' || division.section === 'M',
  };
}

// ---------------------------------------------------------------------------
// Small helpers

/** Picks by cumulative weight with one uniform draw (binary search: the industry table has ~60 entries). */
class Weighted<T> {
  private readonly items: readonly T[];
  private readonly cumulative: Float64Array;

  constructor(entries: readonly (readonly [T, number])[]) {
    const kept = entries.filter(([, w]) => w > 0);
    if (kept.length === 0) throw new Error('synthetic: empty weighted table');
    this.items = kept.map(([item]) => item);
    this.cumulative = new Float64Array(kept.length);
    let total = 0;
    kept.forEach(([, w], i) => {
      total += w;
      this.cumulative[i] = total;
    });
    for (let i = 0; i < kept.length; i++) this.cumulative[i] = (this.cumulative[i] as number) / total;
  }

  pick(u: number): T {
    let lo = 0;
    let hi = this.items.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (u < (this.cumulative[mid] as number)) hi = mid;
      else lo = mid + 1;
    }
    return this.items[lo] as T;
  }
}

/** murmur3 finaliser: spreads neighbouring row indexes over unrelated PRNG seeds. */
function mix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * The PRNG of src/core/random.ts (mulberry32) as one reusable object that is
 * re-seeded per row: same sequence as createRng(seed) (tested), but without
 * allocating a fresh set of closures for each of 3.3 M rows.
 */
export class RowRng implements Rng {
  private state = 0;

  reseed(seed: number): this {
    this.state = seed >>> 0;
    return this;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }

  shuffle<T>(items: readonly T[]): T[] {
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(0, i);
      const tmp = out[i] as T;
      out[i] = out[j] as T;
      out[j] = tmp;
    }
    return out;
  }

  chance(p: number): boolean {
    return this.next() < p;
  }
}

/** Seed of row `index`'s own PRNG. */
function rowSeed(seed: number, index: number): number {
  return mix32(seed ^ mix32(index ^ 0x9e3779b9));
}

const HALF = 10_000; // 10^4 × 10^4 = SYNTHETIC_MAX_ROWS

/**
 * A seeded bijection of [0, 10^8): a 4-round Feistel network on two base-10^4
 * halves with modular addition. Any round function keeps it a bijection, so
 * distinct rows always get distinct USCC bodies, yet the codes look random.
 */
function permuteIndex(index: number, keys: readonly number[]): number {
  let left = Math.floor(index / HALF);
  let right = index % HALF;
  for (const key of keys) {
    const next = (left + (mix32(right ^ key) % HALF)) % HALF;
    left = right;
    right = next;
  }
  return left * HALF + right;
}

/** Standard normal deviate (Box–Muller; one of the pair is enough here). */
function normal(rng: Rng): number {
  const u = 1 - rng.next(); // (0, 1]: log(0) must not happen
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
}

const DAY_MS = 86_400_000;

/** Epoch day of a YYYY-MM-DD string, or undefined when it is not a real date. */
function parseDay(text: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return undefined;
  const ms = Date.parse(`${text}T00:00:00Z`);
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== text) return undefined;
  return ms / DAY_MS;
}

/** YYYY-MM-DD of an epoch day (civil-from-days, integer arithmetic: no Date object per row). */
function formatDay(day: number): string {
  const z = day + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return `${y}-${m < 10 ? '0' : ''}${m}-${d < 10 ? '0' : ''}${d}`;
}

const EARLIEST_DAY = parseDay('1992-01-01') as number;
/** Codes issued from 2015-10-01 (三证合一) carry a new-style body starting with MA. */
const NEW_CODE_FROM_DAY = parseDay('2015-10-01') as number;

/** Registered capital snaps to amounts founders actually choose, 万元. */
const ROUND_CAPITALS_WAN: readonly number[] = [
  1, 3, 5, 10, 20, 30, 50, 60, 80, 100, 150, 200, 300, 500, 800, 1000, 1500, 2000, 3000, 5000, 8000, 10000, 20000, 30000, 50000, 100000,
];
const ROUND_CAPITAL_LOGS: readonly number[] = ROUND_CAPITALS_WAN.map((c) => Math.log(c));

function roundCapitalWan(wan: number): number {
  const target = Math.log(Math.max(wan, 1));
  let best = 0;
  let bestDistance = Infinity;
  for (let i = 0; i < ROUND_CAPITAL_LOGS.length; i++) {
    const d = Math.abs((ROUND_CAPITAL_LOGS[i] as number) - target);
    if (d < bestDistance) {
      bestDistance = d;
      best = i;
    }
  }
  return ROUND_CAPITALS_WAN[best] as number;
}

/** Largest money value kept, fen: far above any real firm, far below 2^53. */
const MONEY_CAP_FEN = 1e15;

/** 万元 → integer fen, rounded to whole yuan (registries report whole yuan). */
function wanToFen(wan: number): number {
  return Math.min(MONEY_CAP_FEN, Math.round(wan * 10_000) * 100);
}

// ---------------------------------------------------------------------------
// Static tables

// Module-local copies of imported data read in the per-row path: under tsx an
// imported binding is a getter call on every access, which shows at 3.3 M rows.
const ALPHABET: string = USCC_ALPHABET;
const BRAND: readonly string[] = BRAND_CHARS;
const FOREIGN: readonly string[] = FOREIGN_SYLLABLES;
const GIVEN: readonly string[] = GIVEN_CHARS;
const SOLE_SUFFIXES: readonly string[] = SOLE_PROPRIETOR_SUFFIXES;
const SOLE_TRADE_SUFFIXES: readonly string[] = SOLE_PROPRIETOR_TRADE_SUFFIXES;
const BRANCH_PROVINCES: readonly string[] = BRANCH_PARENT_PROVINCES;
const orgCheck: (body8: string) => string = orgCodeCheckChar;
const usccCheck: (first17: string) => string = usccCheckChar;

const NICHE_TABLE = new Weighted(NICHES.map((n) => [resolveNiche(n), n.weight] as const));
const PARTNERSHIP = resolveNiche(PARTNERSHIP_NICHE);

const ENTITY_TYPE_TABLE = new Weighted<EntityType>([
  ['有限责任公司', 78],
  ['股份有限公司', 3],
  ['个人独资企业', 5],
  ['合伙企业', 4],
  ['外商投资企业', 4],
  ['分公司', 6],
]);

/** Head-count multiplier by entity type (股份 and foreign firms are bigger, sole proprietors tiny). */
const TYPE_SIZE: Readonly<Record<EntityType, number>> = {
  有限责任公司: 1,
  股份有限公司: 6,
  个人独资企业: 0.35,
  合伙企业: 0.25,
  外商投资企业: 3,
  个体工商户: 0.3,
  农民专业合作社: 1,
  分公司: 1,
};

/** Median registered capital, 万元, by entity type. */
const CAPITAL_MEDIAN_WAN: Readonly<Record<EntityType, number>> = {
  有限责任公司: 100,
  股份有限公司: 3000,
  个人独资企业: 10,
  合伙企业: 500,
  外商投资企业: 300,
  个体工商户: 5,
  农民专业合作社: 50,
  分公司: 0,
};

/**
 * Age = span × u^skew: young firms are commonest (registrations boomed after the
 * 2014 商事制度改革); 股份 and foreign firms skew older.
 */
const AGE_SKEW: Readonly<Record<EntityType, number>> = {
  有限责任公司: 2,
  股份有限公司: 1.3,
  个人独资企业: 2,
  合伙企业: 2.2,
  外商投资企业: 1.4,
  个体工商户: 2,
  农民专业合作社: 1.5,
  分公司: 2,
};

/** Median tax burden (all taxes / revenue) by section. */
const TAX_RATE: Readonly<Record<string, number>> = {
  A: 0.01, C: 0.04, D: 0.05, E: 0.03, F: 0.015, G: 0.025, H: 0.03, I: 0.05, J: 0.12, K: 0.1,
  L: 0.06, M: 0.05, N: 0.03, O: 0.03, P: 0.03, Q: 0.02, R: 0.04,
};

interface SizeLimits {
  /** 中型 lower bounds (统计上大中小微型企业划分办法 2017): below either → 小微. Head count and revenue in 万元. */
  readonly midEmployees: number;
  readonly midRevenueWan: number;
  /** 规模以上 / 限额以上 revenue threshold, 万元 (Infinity: not in scope, e.g. finance). */
  readonly aboveScaleWan: number;
}

const SIZE_LIMITS_DEFAULT: SizeLimits = { midEmployees: 100, midRevenueWan: 1000, aboveScaleWan: 1000 };
const SIZE_LIMITS: Readonly<Record<string, SizeLimits>> = {
  C: { midEmployees: 300, midRevenueWan: 2000, aboveScaleWan: 2000 },
  D: { midEmployees: 300, midRevenueWan: 2000, aboveScaleWan: 2000 },
  F51: { midEmployees: 20, midRevenueWan: 5000, aboveScaleWan: 2000 },
  F52: { midEmployees: 50, midRevenueWan: 500, aboveScaleWan: 500 },
  E: { midEmployees: 0, midRevenueWan: 6000, aboveScaleWan: 5000 },
  G: { midEmployees: 300, midRevenueWan: 3000, aboveScaleWan: 2000 },
  H: { midEmployees: 100, midRevenueWan: 2000, aboveScaleWan: 200 },
  I: { midEmployees: 100, midRevenueWan: 1000, aboveScaleWan: 2000 },
  N: { midEmployees: 100, midRevenueWan: 1000, aboveScaleWan: 2000 },
  K: { midEmployees: 100, midRevenueWan: 1000, aboveScaleWan: 1000 },
  O: { midEmployees: 100, midRevenueWan: 1000, aboveScaleWan: 500 },
  R: { midEmployees: 100, midRevenueWan: 1000, aboveScaleWan: 500 },
  A: { midEmployees: 100, midRevenueWan: 500, aboveScaleWan: Infinity },
  J: { midEmployees: 100, midRevenueWan: 1000, aboveScaleWan: Infinity },
};

/** Surnames weighted by rank (王、张、李 … far more common than 诸葛). */
const SURNAME_TABLE = new Weighted(
  SURNAMES.map((s, rank) => [s, s.length > 1 ? 0.003 : 1 / (rank + 4)] as const),
);

/**
 * The per-head figures in NICHES are those of established operating firms; most
 * registered small firms earn far less. Calibrated so that about 10 % of firms
 * are 规上 (about a quarter of manufacturers, fewer in services), leaving
 * 规上-only policies a realistic, small audience.
 */
const REVENUE_SCALE = 0.08;

/** Base median head count, calibrated so the district-wide median is about 8. */
const BASE_MEDIAN_EMPLOYEES = 7;

// ---------------------------------------------------------------------------
// Per-run context

interface StreetInfo {
  readonly township: Township;
  readonly roads: readonly string[];
  readonly park: ParkProfile | undefined;
}

interface Context {
  readonly seed: number;
  readonly keys: readonly number[];
  readonly todayDay: number;
  /** Days from 1992-01-01 to today inclusive. */
  readonly span: number;
  readonly district: string;
  /** 上海市闵行区 */
  readonly addressPrefix: string;
  /** 闵行, as in 上海闵行分公司. */
  readonly districtShort: string;
  readonly streets: Weighted<StreetInfo> | undefined;
  readonly districtRoads: readonly string[];
}

function prepare(opts: GenerateEnterprisesOptions): Context {
  const { count, seed, today } = opts;
  const startIndex = opts.startIndex ?? 0;
  const districtCode = opts.district ?? SYNTHETIC_DEFAULT_DISTRICT;
  if (!Number.isSafeInteger(count) || count < 0) throw new RangeError(`generateEnterprises: count must be a non-negative integer, got ${count}`);
  if (!Number.isSafeInteger(startIndex) || startIndex < 0) throw new RangeError(`generateEnterprises: startIndex must be a non-negative integer, got ${startIndex}`);
  if (startIndex + count > SYNTHETIC_MAX_ROWS) throw new RangeError(`generateEnterprises: rows must stay below ${SYNTHETIC_MAX_ROWS}`);
  if (!Number.isSafeInteger(seed)) throw new RangeError(`generateEnterprises: seed must be an integer, got ${seed}`);
  const todayDay = parseDay(today);
  if (todayDay === undefined || todayDay < EARLIEST_DAY) throw new RangeError(`generateEnterprises: today must be a date YYYY-MM-DD from 1992-01-01, got ${today}`);
  const district = findDistrict(districtCode);
  if (!district) throw new RangeError(`generateEnterprises: unknown Shanghai district ${districtCode}`);

  const seed32 = seed >>> 0;
  const keys = [1, 2, 3, 4].map((round) => mix32(seed32 ^ Math.imul(round, 0x27d4eb2f)));
  const districtRoads = ROADS_BY_DISTRICT[district.code] ?? GENERIC_ROADS;
  const townships = townshipsOf(district.code);
  const streets =
    townships.length === 0
      ? undefined
      : new Weighted(
          townships.map(
            (t) =>
              [
                { township: t, roads: ROADS_BY_TOWNSHIP[t.code] ?? districtRoads, park: PARKS_BY_TOWNSHIP[t.code] },
                TOWNSHIP_WEIGHTS[t.code] ?? (t.kind === 'area' ? 0.4 : 1),
              ] as const,
          ),
        );
  return {
    seed: seed32,
    keys,
    todayDay,
    span: todayDay - EARLIEST_DAY + 1,
    district: district.code,
    addressPrefix: `上海市${district.name}`,
    districtShort: district.name.endsWith('新区') ? district.name.slice(0, -2) : district.name.slice(0, -1),
    streets,
    districtRoads,
  };
}

// ---------------------------------------------------------------------------
// One row

function pickChars(rng: Rng, pool: readonly string[], n: number): string {
  let s = '';
  for (let k = 0; k < n; k++) s += pool[Math.floor(rng.next() * pool.length)] as string;
  return s;
}

function companyName(rng: Rng, ctx: Context, entityType: EntityType, word: string, trade: boolean): string {
  // 3-character 字号 keep names mostly unique even at 3.3 M rows.
  const brand = pickChars(rng, BRAND, rng.chance(0.8) ? 2 : 3);
  switch (entityType) {
    case '股份有限公司':
      return `上海${brand}${word}股份有限公司`;
    case '个人独资企业':
      return `上海${brand}${word}${rng.pick(trade ? SOLE_TRADE_SUFFIXES : SOLE_SUFFIXES)}`;
    case '合伙企业':
      return `上海${brand}${word}${rng.chance(0.7) ? '合伙企业' : '中心'}（有限合伙）`;
    case '外商投资企业':
      return `${pickChars(rng, FOREIGN, rng.chance(0.6) ? 2 : 3)}（上海）${word}有限公司`;
    case '分公司':
      return rng.chance(0.5)
        ? `上海${brand}${word}有限公司${ctx.districtShort}分公司`
        : `${rng.pick(BRANCH_PROVINCES)}${brand}${word}有限公司上海${ctx.districtShort}分公司`;
    default:
      return `上海${brand}${word}有限公司`;
  }
}

function personName(rng: Rng): string {
  const surname = SURNAME_TABLE.pick(rng.next());
  return surname + pickChars(rng, GIVEN, rng.chance(0.7) ? 2 : 1);
}

function usccFor(ctx: Context, index: number, newStyle: boolean, division: string): string {
  let v = permuteIndex(index, ctx.keys);
  let body: string;
  if (newStyle) {
    // MA + 6 base-31 characters; v < 10^8 < 31^6, so the encoding is injective.
    let tail = '';
    for (let k = 0; k < 6; k++) {
      tail = (ALPHABET[v % 31] as string) + tail;
      v = Math.floor(v / 31);
    }
    body = `MA${tail}`;
  } else {
    // Pre-2015 organisation codes were 8 digits; disjoint from MA bodies.
    body = String(v).padStart(8, '0');
  }
  const first17 = `91${division}${body}${orgCheck(body)}`;
  return first17 + usccCheck(first17);
}

function pickStatus(rng: Rng, ageYears: number): EnterpriseStatus {
  const old = Math.min(ageYears / 20, 1);
  const r = rng.next();
  let edge = 0.012;
  if (r < edge) return '歇业';
  edge += 0.005 + 0.035 * old;
  if (r < edge) return '吊销';
  edge += 0.015 + 0.025 * old;
  if (r < edge) return '注销';
  return rng.chance(0.25) ? '在业' : '存续';
}

function pickCredit(rng: Rng, status: EnterpriseStatus): CreditGrade {
  const r = rng.next();
  switch (status) {
    case '吊销':
      return r < 0.85 ? 'D' : 'C';
    case '歇业':
      return r < 0.6 ? 'C' : r < 0.9 ? 'B' : 'D';
    default:
      return r < 0.55 ? 'A' : r < 0.88 ? 'B' : r < 0.97 ? 'C' : 'D';
  }
}

function pickRisk(rng: Rng, credit: CreditGrade | null): RiskGrade | null {
  const r = rng.next();
  switch (credit) {
    case 'A':
      return r < 0.85 ? '低' : '较低';
    case 'B':
      return r < 0.3 ? '低' : r < 0.9 ? '较低' : '较高';
    case 'C':
      return r < 0.2 ? '较低' : r < 0.9 ? '较高' : '高';
    case 'D':
      return r < 0.2 ? '较高' : '高';
    default:
      return r < 0.6 ? null : '较低';
  }
}

function address(rng: Rng, ctx: Context, roads: readonly string[]): string {
  const road = roads[Math.floor(rng.next() * roads.length)] as string;
  const u = rng.next();
  const no = 1 + Math.floor(1800 * u * u);
  const r = rng.next();
  if (r < 0.4) return `${ctx.addressPrefix}${road}${no}号`;
  if (r < 0.7) return `${ctx.addressPrefix}${road}${no}号${rng.int(1, 12)}幢${rng.int(1, 8)}层`;
  const room = rng.int(1, 25) * 100 + rng.int(1, 20);
  return `${ctx.addressPrefix}${road}${no}号${room}室`;
}

function makeRow(ctx: Context, rng: RowRng, index: number): EnterpriseRecord {
  rng.reseed(rowSeed(ctx.seed, index));

  const entityType = ENTITY_TYPE_TABLE.pick(rng.next());
  const niche = entityType === '合伙企业' && rng.chance(0.7) ? PARTNERSHIP : NICHE_TABLE.pick(rng.next());
  const industry = niche.codes[Math.floor(rng.next() * niche.codes.length)] as string;
  const word = niche.words[Math.floor(rng.next() * niche.words.length)] as string;

  const ageDays = Math.floor(ctx.span * Math.pow(rng.next(), AGE_SKEW[entityType]));
  const establishedDay = ctx.todayDay - ageDays;
  const ageYears = ageDays / 365.25;
  const status = pickStatus(rng, ageYears);
  const active = status === '存续' || status === '在业';
  const closed = status === '吊销' || status === '注销';

  // Head count: log-normal around a median that grows with industry, type and age.
  const median = BASE_MEDIAN_EMPLOYEES * niche.size * TYPE_SIZE[entityType] * Math.sqrt(0.35 + ageYears / 6);
  const rawEmployees = median * Math.exp(1.4 * normal(rng));
  const employees = closed ? 0 : Math.min(300_000, Math.floor(active ? rawEmployees : rawEmployees * 0.15));
  const insured =
    employees === 0 || rng.chance(0.07) ? 0 : Math.min(employees, Math.round(employees * (0.55 + 0.45 * Math.sqrt(rng.next()))));

  let revenueWan: number;
  if (closed) revenueWan = 0;
  else if (employees === 0) revenueWan = rng.chance(0.5) ? 0 : 3 * Math.exp(1.2 * normal(rng));
  else {
    // Bigger firms earn more per head (scale, capital intensity): head^1.25.
    revenueWan = employees * Math.pow(employees, 0.25) * niche.revenuePerHead * REVENUE_SCALE * Math.exp(0.9 * normal(rng)) * (active ? 1 : 0.1);
  }
  const revenue = wanToFen(revenueWan);
  const revenueYuan = revenue / 100;

  const taxRate = Math.min(0.3, (TAX_RATE[niche.section] ?? 0.03) * Math.exp(0.5 * normal(rng)));
  const taxPaid = revenue === 0 || rng.chance(0.12) ? 0 : Math.round(revenueYuan * taxRate) * 100;

  let rdShare = 0;
  if (niche.tech) {
    if (rng.chance(0.6)) rdShare = 0.02 + 0.1 * rng.next();
  } else if (rng.chance(0.06)) {
    rdShare = 0.005 + 0.04 * rng.next();
  }
  const rdSpending = Math.round(revenueYuan * rdShare) * 100;

  // 分公司 have no registered capital of their own.
  const registeredCapital =
    entityType === '分公司'
      ? null
      : roundCapitalWan(CAPITAL_MEDIAN_WAN[entityType] * Math.sqrt(Math.max(employees, 1) / 8) * Math.exp(normal(rng))) * 1_000_000;

  // Tags follow the true values (certifications do not vanish when our copy of a figure is missing).
  const tags: string[] = [];
  const limits = SIZE_LIMITS[niche.division] ?? SIZE_LIMITS[niche.section] ?? SIZE_LIMITS_DEFAULT;
  // 高新技术企业: R&D share ≥ 5 % / 4 % / 3 % by revenue band (认定办法), tech-heavy sections.
  const rdNeeded = revenueWan < 5000 ? 0.05 : revenueWan < 20000 ? 0.04 : 0.03;
  const hnte = active && ageYears >= 1 && employees >= 5 && rdShare >= rdNeeded && rng.chance(niche.tech ? 0.3 : 0.1);
  if (hnte) tags.push('高新技术企业');
  const srdi = active && niche.tech && ageYears >= 2 && employees >= 10 && revenueWan >= 1000 && rng.chance(hnte ? 0.5 : 0.1);
  if (srdi) tags.push('专精特新');
  if (srdi && employees >= 50 && revenueWan >= 5000 && rng.chance(0.25)) tags.push('专精特新小巨人');
  if (active && niche.tech && employees <= 500 && revenueWan <= 20000 && rdShare > 0 && rng.chance(hnte ? 0.5 : 0.2)) tags.push('科技型中小企业');
  const foreign = entityType === '外商投资企业';
  if (foreign) tags.push('外资');
  if (foreign && active && employees >= 50 && rng.chance(0.04)) tags.push('跨国公司地区总部');
  if (active && (niche.section === 'C' || niche.division === 'F51' || niche.division === 'G58') && revenueWan >= 5000 && rng.chance(0.06)) {
    tags.push('AEO高级认证');
  }
  if (active && entityType === '股份有限公司' && rng.chance(revenueWan >= 20000 ? 0.4 : 0.02)) tags.push('上市');
  if (active && employees <= 100 && rng.chance(ageYears <= 5 ? 0.06 : 0.02)) tags.push('首贷户');
  if (active && !(employees >= limits.midEmployees && revenueWan >= limits.midRevenueWan)) tags.push('小微企业');
  if (active && revenueWan >= limits.aboveScaleWan) tags.push('规上企业');

  let street: string | null = null;
  let park: string | null = null;
  let roads = ctx.districtRoads;
  if (ctx.streets && !rng.chance(0.01)) {
    const info = ctx.streets.pick(rng.next());
    street = info.township.code;
    roads = info.roads;
    if (info.park && rng.chance(niche.tech ? info.park.techShare : info.park.share)) park = info.park.name;
  }

  const newStyleCode = establishedDay >= NEW_CODE_FROM_DAY;
  // Some 股份/foreign firms registered with the city bureau (division 310000).
  const codeDivision = (entityType === '股份有限公司' || foreign) && rng.chance(0.1) ? '310000' : ctx.district;
  const creditGrade = rng.chance(0.05) ? null : pickCredit(rng, status);

  // Deliberate gaps, so eligibility rules meet "unknown" (SPEC P-4, §3a).
  const employeesKnown = !rng.chance(0.05);
  return {
    uscc: usccFor(ctx, index, newStyleCode, codeDivision),
    name: companyName(rng, ctx, entityType, word, niche.section === 'F'),
    legalRep: personName(rng),
    entityType,
    industry: rng.chance(0.01) ? null : industry,
    registeredCapital: rng.chance(0.01) ? null : registeredCapital,
    established: rng.chance(0.01) ? null : formatDay(establishedDay),
    status,
    district: ctx.district,
    street,
    park,
    address: rng.chance(0.01) ? null : address(rng, ctx, roads),
    employees: employeesKnown ? employees : null,
    insuredEmployees: employeesKnown && !rng.chance(0.015) ? insured : null,
    revenue: rng.chance(0.05) ? null : revenue,
    taxPaid: rng.chance(0.05) ? null : taxPaid,
    rdSpending: rng.chance(0.06) ? null : rdSpending,
    tags,
    creditGrade,
    riskGrade: pickRisk(rng, creditGrade),
    attrs: {},
  };
}

function* rows(ctx: Context, start: number, end: number): Generator<EnterpriseRecord, void, undefined> {
  const rng = new RowRng();
  for (let i = start; i < end; i++) yield makeRow(ctx, rng, i);
}

/**
 * Rows [startIndex, startIndex + count) of the synthetic registry for `seed`,
 * streamed one by one (3.3 M rows never sit in memory together). Options are
 * validated at the call, not at the first `next()`, so bad CLI input fails early
 * with a RangeError.
 */
export function generateEnterprises(opts: GenerateEnterprisesOptions): Generator<EnterpriseRecord, void, undefined> {
  const ctx = prepare(opts);
  const start = opts.startIndex ?? 0;
  return rows(ctx, start, start + opts.count);
}
