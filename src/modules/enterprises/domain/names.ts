/**
 * Name and place data for synthetic enterprises (synthetic.ts): brand
 * syllables, surnames and given-name characters, roads and parks. Plain data,
 * chosen to look like a Shanghai suburban district's registry without copying
 * any real enterprise or person.
 */

/** Splits a string of CJK characters into single characters, dropping duplicates (keeps the lists easy to edit). */
function chars(text: string): readonly string[] {
  return Array.from(new Set(Array.from(text.replace(/\s/g, ''))));
}

/** 字号 characters of domestic firms (上海 + 2–3 of these + 行业词 + 组织形式). */
export const BRAND_CHARS: readonly string[] = chars(`
  欣华信达通盛泰宏鑫恒瑞昌源凯嘉宇科创博正德隆丰祥益兴和安康汇聚联合新锦鼎腾飞佳优智捷航远峰润泽
  辉耀明晟睿璟启星辰诚立中海天云金银宝龙凤美永长吉福禧颐悦朗晨曦晖灿帆毅卓越拓展弘致旭升尚品臻逸
  澜沐朴乐享易禾森林竹青蓝紫闵申沪浦江虹莘淞松汉唐骏驰迅维纳迪普克艾伦亿万众同协群力匠精微芯铭铂
  钛磐石川湖洋舟桥港城邦域际环宸寰璞琪琳瑾珑莱菲斐蔚萃荟茂焱炜烁熠煜昱晔暄昕晗翔鹏鸿雁骐麟豪杰俊
  彦翰墨书雅韵言行知远道本元初始真实信义仁礼贤良善美好彩虹霖雨露霞岚松柏桦枫樟楠梧桐
`);

/** Syllables for the transliterated brands of 外商投资企业 (e.g. 诺维斯（上海）电子有限公司). */
export const FOREIGN_SYLLABLES: readonly string[] = chars(`
  艾奥巴贝比波卡柯德迪杜菲弗格哈赫霍杰凯克拉莱兰朗雷利林罗洛马麦曼梅米莫纳尼诺欧帕佩皮普瑞萨塞森施斯
  索塔泰特托瓦威维沃西希雅伊因约泽
`);

/**
 * Common surnames, most frequent first (rank drives the weight), then a few
 * compound ones that appear only rarely.
 */
export const SURNAMES: readonly string[] = [
  ...chars(`
    王张李陈刘杨黄赵周吴徐孙朱马胡郭林何高梁郑罗宋谢唐韩曹许邓肖冯曾程蔡彭潘袁于董余苏叶吕魏蒋田杜丁沈姜
    范江傅钟卢汪戴崔任陆廖姚方金邱夏谭韦贾邹石熊孟秦阎薛侯雷白龙段郝孔邵史毛常万顾赖武康贺严尹钱施牛洪龚
  `),
  '欧阳',
  '司马',
  '上官',
  '诸葛',
];

/** Characters of given names (one or two of them). */
export const GIVEN_CHARS: readonly string[] = chars(`
  伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国文斌辉玲红波宁峰燕云莉琳婷雪晨宇浩俊鹏飞欣怡佳
  子梓睿轩涵思嘉晓立新志春海鑫昊然博天一诗雨梦瑶凯帅旭阳亮龙坤颖蕾倩璐慧琴萍岚荣永振德忠良成彬晶亦可
  雯晴悦航毅卓凡清源泽宏伦雅芸蓓菁
`);

/** Suffixes of 个人独资企业 names (they may not be called 公司): services … */
export const SOLE_PROPRIETOR_SUFFIXES: readonly string[] = ['中心', '工作室', '服务部'];
/** … and shops or traders. */
export const SOLE_PROPRIETOR_TRADE_SUFFIXES: readonly string[] = ['商行', '经营部', '商店'];

/** Industry words of 合伙企业 names: almost all are holding or investment vehicles. */
export const PARTNERSHIP_WORDS: readonly string[] = ['企业管理', '投资管理', '创业投资', '企业管理咨询', '股权投资', '投资', '管理咨询'];

/** Provinces whose firms commonly open a 分公司 in Shanghai. */
export const BRANCH_PARENT_PROVINCES: readonly string[] = ['江苏', '浙江', '安徽', '北京', '广东', '山东', '福建', '深圳', '杭州', '苏州'];

/**
 * Roads by township (9-digit code) for 闵行区, so an address names a road that
 * runs through its street or town. Approximate; synthetic data only.
 */
export const ROADS_BY_TOWNSHIP: Readonly<Record<string, readonly string[]>> = {
  '310112001': ['江川路', '沧源路', '鹤庆路', '华宁路', '东川路', '兰坪路', '金平路', '永德路'],
  '310112006': ['古美路', '平吉路', '平南路', '万源路', '古龙路', '顾戴路', '航新路'],
  '310112008': ['申长路', '申贵路', '甬虹路', '苏虹路', '润虹路', '宁虹路', '申滨南路'],
  '310112009': ['浦锦路', '浦申路', '芦恒路', '陈行公路', '丰南路', '永跃路'],
  '310112101': ['莘松路', '莘建路', '沁春路', '春申路', '都市路', '莘朱路', '莘东路', '水清路', '报春路'],
  '310112102': ['七莘路', '漕宝路', '吴宝路', '新镇路', '中春路', '沪星路', '农南路', '泰虹路'],
  '310112103': ['都市路', '颛兴路', '北松公路', '光华路', '银都路', '颛盛路', '金都路'],
  '310112106': ['华翔路', '纪翟路', '北青公路', '申长路', '申滨南路', '繁兴路', '华江路', '季乐路'],
  '310112107': ['虹梅路', '吴中路', '虹井路', '红松路', '虹莘路', '宜山路', '金汇路'],
  '310112108': ['莲花南路', '沪闵路', '春申路', '朱梅路', '罗锦路', '虹梅南路', '梅富路', '华友路'],
  '310112110': ['东川路', '剑川路', '龙吴路', '紫星路', '紫月路', '虹梅南路', '永德路', '紫秀路'],
  '310112112': ['元江路', '北松公路', '彭渡路', '俞塘路', '友东路', '银春路', '金星路'],
  '310112114': ['浦星公路', '陈行公路', '三鲁公路', '江月路', '新骏环路', '联航路', '立跃路', '恒南路'],
  '310112501': ['申富路', '春东路', '光华路', '申南路', '金都路', '春中路', '北斜路', '莘北路'],
};

/** Roads by district for districts without per-township road data. */
export const ROADS_BY_DISTRICT: Readonly<Record<string, readonly string[]>> = {
  '310104': ['漕溪北路', '肇嘉浜路', '虹桥路', '宜山路', '田林路', '桂平路', '龙华中路', '天钥桥路', '钦州路', '漕宝路', '虹漕路', '龙漕路'],
  '310114': ['城中路', '沪宜公路', '嘉松北路', '墨玉路', '安智路', '曹安公路', '叶城路', '胜辛路', '博园路', '嘉罗公路'],
};

/** Roads for any other district. */
export const GENERIC_ROADS: readonly string[] = ['中山路', '人民路', '建设路', '解放路', '新华路', '和平路', '友谊路', '文化路', '工业路', '创业路', '科技路', '民生路'];

export interface ParkProfile {
  readonly name: string;
  /** Share of the township's firms located in the park. */
  readonly share: number;
  /** Share among manufacturing and tech firms (C, I, M), which parks attract. */
  readonly techShare: number;
}

/**
 * Parks by township code: only where the park actually lies (紫竹 in 吴泾镇,
 * 漕河泾浦江 in 浦江镇, 闵行开发区 by 江川路, 虹桥商务区 in 新虹/华漕).
 */
export const PARKS_BY_TOWNSHIP: Readonly<Record<string, ParkProfile>> = {
  '310112114': { name: '漕河泾开发区浦江高科技园', share: 0.12, techShare: 0.35 },
  '310112110': { name: '紫竹国家高新技术产业开发区', share: 0.15, techShare: 0.45 },
  '310112001': { name: '闵行经济技术开发区', share: 0.15, techShare: 0.4 },
  '310112501': { name: '莘庄工业区', share: 0.7, techShare: 0.85 },
  '310112008': { name: '虹桥国际中央商务区', share: 0.5, techShare: 0.5 },
  '310112106': { name: '虹桥国际中央商务区', share: 0.2, techShare: 0.2 },
};

/**
 * Relative number of enterprises per township of 闵行区 (big towns such as
 * 莘庄、七宝、浦江 hold the most; 莘庄工业区 is small). Other districts weight
 * their townships by kind.
 */
export const TOWNSHIP_WEIGHTS: Readonly<Record<string, number>> = {
  '310112001': 5,
  '310112006': 5,
  '310112008': 4,
  '310112009': 4,
  '310112101': 12,
  '310112102': 12,
  '310112103': 7,
  '310112106': 7,
  '310112107': 9,
  '310112108': 10,
  '310112110': 5,
  '310112112': 5,
  '310112114': 12,
  '310112501': 3,
};
