// Synthetic policy-like documents and search queries for `qifu bench search`,
// deterministic from a seed. Titles, key points and bodies are assembled from
// the phrases real district policies use, so segmentation, token frequencies
// and document lengths resemble the real catalogue.
import { createRng, type Rng } from '../../src/core/random.ts';

export interface SyntheticPolicy {
  title: string;
  department: string;
  category: string;
  keyPoints: string;
  text: string;
}

const ISSUERS = ['闵行区', '上海市', '闵行区人民政府', '闵行区人民政府办公室', '上海市经济和信息化委员会', '闵行区科学技术委员会'];
const VERBS = ['支持', '鼓励', '促进', '加快', '推动', '进一步支持', '全力支持'];
const TOPICS: readonly (readonly [string, string, string])[] = [
  ['中小微企业融资担保', '金融支持', '区金融办'],
  ['政策性融资担保贷款贴息', '金融支持', '区财政局'],
  ['首贷户培育', '金融支持', '区金融办'],
  ['知识产权质押融资', '金融支持', '区市场监管局'],
  ['企业上市挂牌', '金融支持', '区金融办'],
  ['专精特新企业发展', '产业发展', '区经委'],
  ['专精特新小巨人企业培育', '产业发展', '区经委'],
  ['高新技术企业培育', '科技创新', '区科委'],
  ['科技型中小企业创新发展', '科技创新', '区科委'],
  ['跨国公司地区总部集聚', '总部经济', '区商务委'],
  ['外资研发中心发展', '总部经济', '区商务委'],
  ['中小企业上云用云', '数字化', '区经委'],
  ['制造业数字化转型', '数字化', '区经委'],
  ['工业互联网创新发展', '数字化', '区经委'],
  ['人才公寓建设和人才安居', '人才', '区人才局'],
  ['高校毕业生就业创业', '就业创业', '区人社局'],
  ['稳岗扩岗', '就业创业', '区人社局'],
  ['企业开办一件事改革', '营商环境', '区行政服务中心'],
  ['优化营商环境', '营商环境', '区发改委'],
  ['集成电路产业发展', '产业发展', '区经委'],
  ['生物医药产业高质量发展', '产业发展', '区科委'],
  ['人工智能产业发展', '科技创新', '区科委'],
  ['绿色低碳转型', '绿色低碳', '区发改委'],
  ['外贸企业稳订单拓市场', '外贸', '区商务委'],
  ['跨境电商发展', '外贸', '区商务委'],
  ['老字号品牌建设', '商贸', '区商务委'],
  ['文化创意产业发展', '文化', '区文旅局'],
  ['质量提升和标准化建设', '质量', '区市场监管局'],
  ['科技企业孵化器和众创空间发展', '科技创新', '区科委'],
  ['首台套首版次首批次应用', '产业发展', '区经委'],
];
const SUFFIXES = ['的若干措施', '的实施细则', '的申报指南', '的管理办法', '的若干意见', '的实施办法', '专项资金申报指南'];

const POINTS = [
  '对符合条件的中小微企业给予贷款贴息',
  '政策性融资担保机构担保费补贴不超过1%',
  '首贷户给予一次性奖励',
  '新认定的专精特新小巨人企业奖励100万元',
  '首次认定高新技术企业奖励20万元',
  '知识产权质押贷款按利息的50%补贴',
  '跨国公司地区总部开办资助最高500万元',
  '上云用云服务费补贴30%',
  '数字化转型项目按投资额10%资助',
  '人才公寓租金补贴最长三年',
  '稳岗返还免申即享',
  '企业开办一件事一网通办',
  '告知承诺制和容缺受理',
  '研发费用加计扣除',
  '首台套保险费补贴80%',
  '孵化器运营补贴',
  '创业担保贷款财政贴息',
  '应收账款融资贴息',
  '出口信用保险保费补贴',
  '节能减排项目按节能量补贴',
  '以工代训补贴每人每月500元',
  '上市分阶段奖励最高600万元',
  '天使投资风险补偿金',
  '落户奖励按经济贡献核定',
];

const SENTENCES = [
  '为深入贯彻落实国家和本市关于支持中小微企业发展的决策部署，进一步优化营商环境，结合本区实际，制定本措施。',
  '本措施适用于在闵行区依法登记注册、具有独立法人资格、财务制度健全、信用记录良好的企业。',
  '对通过政策性融资担保机构获得银行贷款的中小微企业，按贷款市场报价利率的50%给予贴息，单户每年最高50万元。',
  '鼓励银行机构加大对首贷户的信贷投放，对首次获得银行贷款的企业给予一次性奖励。',
  '对新认定为国家级专精特新“小巨人”的企业给予一次性奖励，对市级专精特新企业给予配套奖励。',
  '对首次通过高新技术企业认定的企业给予奖励，重新认定的给予适当奖励。',
  '企业以专利权、商标权等知识产权质押获得贷款的，按实际支付利息的一定比例给予补贴。',
  '对新认定的跨国公司地区总部给予开办资助，对租赁自用办公用房的给予租金补贴。',
  '支持中小企业上云用云，对购买云服务的企业按实际费用的30%给予补贴。',
  '支持企业开展数字化转型和智能化改造，建设智能工厂和数字化车间。',
  '对重点产业企业引进的人才入住区人才公寓的，给予租金补贴。',
  '对上年度不裁员或裁员率低于规定标准的参保企业，返还失业保险费，实行免申即享。',
  '深化企业开办一件事改革，营业执照、公章刻制、发票申领、社保登记一次提交，一日办结。',
  '推行告知承诺制和容缺受理，完善信用修复机制，对守信企业实施激励。',
  '企业研发费用按规定享受加计扣除政策，区财政对研发投入较大的企业给予补助。',
  '对投保首台套重大技术装备综合保险的企业，按保费的80%给予补贴。',
  '对新认定的国家级科技企业孵化器给予奖励，众创空间给予运营补贴。',
  '符合条件的创业组织可申请创业担保贷款，财政按规定给予贴息。',
  '鼓励核心企业开展供应链金融，对中小企业应收账款融资给予贴息。',
  '对外贸企业投保短期出口信用保险的，按保费的50%给予补贴，支持跨境电商发展。',
  '对企业实施节能技术改造、节能减排项目，按节能量给予补贴，助力碳达峰碳中和。',
  '企业吸纳高校毕业生就业并开展以工代训的，给予职业技能培训补贴。',
  '对在境内外上市的企业分阶段给予奖励，对新三板挂牌企业给予一次性补贴。',
  '对天使投资机构投资本区种子期科技企业发生的损失，给予风险补偿。',
  '申报企业应当提交申请表、营业执照、统一社会信用代码证明、上年度财务审计报告等申报材料。',
  '区有关部门按照职责分工，对申报材料进行审核，审核结果在区政府网站公示，公示期为5个工作日。',
  '同一项目已享受本区其他同类扶持政策的，按照从高不重复的原则执行。',
  '企业弄虚作假骗取扶持资金的，追回已拨付资金，并按规定纳入信用记录。',
  '本措施自发布之日起施行，有效期三年，由区经委、区财政局负责解释。',
  '专项资金实行预算管理，按照公开、公平、公正的原则使用，接受审计和社会监督。',
  '企业服务专员应当主动对接企业，宣传惠企政策，协助企业办理政策兑现。',
  '对集成电路设计企业开展流片的，按流片费用的一定比例给予补贴。',
  '支持生物医药企业开展临床试验，对获批上市的一类新药给予奖励。',
  '发放算力券，支持人工智能企业使用公共算力平台，开放应用场景。',
];

export function generatePolicies(count: number, seed: number): SyntheticPolicy[] {
  const rng = createRng(seed);
  const out: SyntheticPolicy[] = [];
  for (let i = 0; i < count; i++) {
    const t = rng.int(0, TOPICS.length - 1);
    const [topic, category, department] = TOPICS[t] as readonly [string, string, string];
    const title = `${rng.pick(ISSUERS)}关于${rng.pick(VERBS)}${topic}${rng.pick(SUFFIXES)}`;
    // Key points are about the policy's own subject, now and then one more.
    const own = [POINTS[t % POINTS.length] as string, POINTS[(t * 5 + 2) % POINTS.length] as string];
    const keyPoints = [...new Set([...own.slice(0, rng.int(1, 2)), ...(rng.chance(0.3) ? [rng.pick(POINTS)] : [])])].join('；');
    out.push({ title, department, category, keyPoints, text: body(rng, t, rng.int(300, 1500)) });
  }
  return out;
}

// Procedural sentences every policy has; the rest of SENTENCES are about one
// subject each. A body is mostly procedure plus its own topic's sentences and
// now and then another's, so a subject term occurs in a realistic share of the
// catalogue (a few percent), not in every document.
const GENERIC = new Set([0, 1, 24, 25, 26, 27, 28, 29, 30]);
const SPECIFIC = SENTENCES.filter((_, i) => !GENERIC.has(i));
const GENERIC_LIST = SENTENCES.filter((_, i) => GENERIC.has(i));

function body(rng: Rng, topic: number, target: number): string {
  const own = [SPECIFIC[topic % SPECIFIC.length] as string, SPECIFIC[(topic * 7 + 3) % SPECIFIC.length] as string];
  let s = '';
  for (let n = 1; s.length < target; n++) {
    const r = rng.next();
    const sentence = r < 0.35 ? rng.pick(own) : r < 0.38 ? rng.pick(SPECIFIC) : rng.pick(GENERIC_LIST);
    s += `${n === 1 ? '' : `第${n}条 `}${sentence}`;
  }
  // CJK text is all in the basic plane, so code units are characters here.
  return s.slice(0, target);
}

// Realistic query terms: what enterprises type into a policy search box.
const TERMS = ['融资担保', '贴息', '专精特新', '小巨人', '首贷户', '免申即享', '稳岗', '高新技术企业', '知识产权质押', '跨国公司地区总部', '上云用云', '数字化转型', '人才公寓', '一件事', '营商环境', '研发费用', '加计扣除', '首台套', '孵化器', '创业担保贷款', '出口信用保险', '节能减排', '以工代训', '上市', '天使投资', '人工智能', '集成电路', '生物医药', '租金补贴', '开办资助', '担保费', '应收账款'];
const MULTI = ['融资担保 贴息', '中小微企业 贷款', '闵行区 数字化转型', '专精特新 奖励', '高新技术企业 认定', '人才公寓 租金', '首贷户 奖励', '跨境电商 补贴', '上云用云 补贴 中小企业', '知识产权质押 贷款 补贴'];
const TYPOS = ['融资担宝', '专精特心', '小巨仁', '跨国公司地区总布', '上云用雲', '数字化转形', '人材公寓', '高新技木企业', '知识产权质压', '营商环竟'];

export interface BenchQuery {
  q: string;
  kind: 'term' | 'multi' | 'typo';
}

/** `n` queries: 70% single terms, 20% multi-term, 10% near-typos. */
export function generateQueries(n: number, seed: number): BenchQuery[] {
  const rng = createRng(seed ^ 0x5eed);
  const out: BenchQuery[] = [];
  for (let i = 0; i < n; i++) {
    const r = rng.next();
    if (r < 0.7) out.push({ q: rng.pick(TERMS), kind: 'term' });
    else if (r < 0.9) out.push({ q: rng.pick(MULTI), kind: 'multi' });
    else out.push({ q: rng.pick(TYPOS), kind: 'typo' });
  }
  return out;
}
