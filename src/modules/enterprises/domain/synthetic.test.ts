/**
 * Synthetic enterprises (issue 3 item 10, SPEC E-1): deterministic, sliceable,
 * valid and unique codes, realistic proportions, deliberate gaps.
 */
import { describe, expect, it } from 'vitest';
import { createRng } from '../../../core/random.ts';
import { findIndustry, findTownship, validateUscc } from '../../../core/codes/index.ts';
import { ENTERPRISE_STATUSES, ENTITY_TYPES, KNOWN_TAGS, type EnterpriseRecord } from './record.ts';
import { PARKS_BY_TOWNSHIP } from './names.ts';
import { generateEnterprises, RowRng, SYNTHETIC_DEMO_COUNT, SYNTHETIC_MAX_ROWS, type GenerateEnterprisesOptions } from './synthetic.ts';

const TODAY = '2025-06-30';

function take(opts: Partial<GenerateEnterprisesOptions> & { count: number }): EnterpriseRecord[] {
  return Array.from(generateEnterprises({ seed: 20250630, today: TODAY, ...opts }));
}

/** 20,000 rows of the default district, shared by the proportion tests. */
const SAMPLE = take({ count: 20_000 });

function share(rows: readonly EnterpriseRecord[], pred: (r: EnterpriseRecord) => boolean): number {
  let n = 0;
  for (const r of rows) if (pred(r)) n++;
  return n / rows.length;
}

const hasTag = (tag: string) => (r: EnterpriseRecord): boolean => r.tags.includes(tag);

describe('generateEnterprises: determinism and slices', () => {
  it('gives the same rows for the same seed and different rows for another seed', () => {
    const a = take({ count: 500, seed: 1 });
    const b = take({ count: 500, seed: 1 });
    const c = take({ count: 500, seed: 2 });
    expect(a).toEqual(b);
    expect(a).toHaveLength(500);
    const sameCode = a.filter((r, i) => r.uscc === c[i]?.uscc).length;
    const sameName = a.filter((r, i) => r.name === c[i]?.name).length;
    expect(sameCode).toBe(0);
    expect(sameName).toBeLessThan(10);
  });

  it('reproduces any slice on its own (parallel chunks equal one full run)', () => {
    const full = take({ count: 1100 });
    expect(take({ count: 100, startIndex: 1000 })).toEqual(full.slice(1000));
    const chunks = [take({ count: 300 }), take({ count: 400, startIndex: 300 }), take({ count: 400, startIndex: 700 })].flat();
    expect(chunks).toEqual(full);
  });

  it('streams lazily: a huge count costs nothing until rows are pulled', () => {
    const it3m = generateEnterprises({ count: 3_300_000, seed: 9, today: TODAY });
    const first = it3m.next();
    expect(first.done).toBe(false);
    expect(take({ count: 1, seed: 9 })[0]).toEqual(first.value);
  });

  it('yields nothing for count 0 and has a demo size', () => {
    expect(take({ count: 0 })).toEqual([]);
    expect(SYNTHETIC_DEMO_COUNT).toBe(2000);
  });

  it('rejects bad options at the call, not at the first row', () => {
    const bad: Partial<GenerateEnterprisesOptions>[] = [
      { count: -1 },
      { count: 1.5 },
      { seed: 0.5 },
      { today: '2025-02-30' },
      { today: '30/06/2025' },
      { today: '1991-12-31' },
      { startIndex: -3 },
      { startIndex: SYNTHETIC_MAX_ROWS - 5, count: 10 },
      { district: '999999' },
    ];
    for (const opts of bad) {
      expect(() => generateEnterprises({ count: 1, seed: 1, today: TODAY, ...opts }), JSON.stringify(opts)).toThrow(RangeError);
    }
    expect(take({ count: 5, startIndex: SYNTHETIC_MAX_ROWS - 5 })).toHaveLength(5);
  });

  it('RowRng gives exactly the sequence of createRng', () => {
    const rowRng = new RowRng();
    for (const seed of [0, 1, 42, 0xffffffff, 123456789]) {
      const ref = createRng(seed);
      rowRng.reseed(seed);
      for (let k = 0; k < 50; k++) expect(rowRng.next()).toBe(ref.next());
      expect(rowRng.int(3, 17)).toBe(ref.int(3, 17));
      expect(rowRng.pick(['a', 'b', 'c', 'd'])).toBe(ref.pick(['a', 'b', 'c', 'd']));
      expect(rowRng.shuffle([1, 2, 3, 4, 5, 6])).toEqual(ref.shuffle([1, 2, 3, 4, 5, 6]));
      expect(rowRng.chance(0.5)).toBe(ref.chance(0.5));
    }
  });
});

describe('generateEnterprises: codes', () => {
  it('gives every row a valid, warning-free USCC, unique over 200,000 rows', () => {
    const seen = new Set<string>();
    let n = 0;
    for (const r of generateEnterprises({ count: 200_000, seed: 77, today: TODAY })) {
      const result = validateUscc(r.uscc);
      if (!result.valid || result.warnings.length > 0) throw new Error(`row ${n}: ${r.uscc} ${JSON.stringify(result)}`);
      seen.add(r.uscc);
      n++;
    }
    expect(n).toBe(200_000);
    expect(seen.size).toBe(200_000);
  });

  it('keeps codes unique across separately generated chunks and far indexes', () => {
    const codes = [...take({ count: 5000 }), ...take({ count: 5000, startIndex: 50_000_000 }), ...take({ count: 5000, startIndex: SYNTHETIC_MAX_ROWS - 5000 })].map(
      (r) => r.uscc,
    );
    expect(new Set(codes).size).toBe(codes.length);
  });

  it('uses new-style (MA) codes for firms founded since 2015-10 and registers them in the district or the city', () => {
    const bad = SAMPLE.filter(
      (r) =>
        r.uscc.slice(0, 2) !== '91' ||
        !['310112', '310000'].includes(r.uscc.slice(2, 8)) ||
        (r.established !== null && (r.uscc.slice(8, 10) === 'MA') !== r.established >= '2015-10-01'),
    );
    expect(bad).toEqual([]);
    expect(share(SAMPLE, (r) => r.uscc.slice(2, 8) === '310000')).toBeGreaterThan(0);
  });

  it('uses only existing GB/T 4754-2017 class codes', () => {
    for (const r of SAMPLE) {
      if (r.industry === null) continue;
      const found = findIndustry(r.industry);
      expect(found?.level, r.industry).toBe('class');
      expect(found?.code).toBe(r.industry);
    }
  });

  it('puts streets and parks in the district (闵行区 by default)', () => {
    const parkNames = new Set(Object.values(PARKS_BY_TOWNSHIP).map((p) => p.name));
    for (const r of SAMPLE) {
      expect(r.district).toBe('310112');
      if (r.street !== null) expect(findTownship(r.street)?.districtCode).toBe('310112');
      if (r.park !== null) {
        expect(r.street).not.toBeNull();
        expect(PARKS_BY_TOWNSHIP[r.street as string]?.name).toBe(r.park);
        expect(parkNames.has(r.park)).toBe(true);
      }
      if (r.address !== null) expect(r.address).toMatch(/^上海市闵行区.+路\d+号/);
    }
    // Every township appears; 莘庄工业区 is among the smallest.
    const byStreet = new Map<string, number>();
    for (const r of SAMPLE) if (r.street) byStreet.set(r.street, (byStreet.get(r.street) ?? 0) + 1);
    expect(byStreet.size).toBe(14);
    expect(byStreet.get('310112501')).toBeLessThan(byStreet.get('310112101') ?? 0);
  });

  it('works for other districts, with or without township data', () => {
    for (const r of take({ count: 500, district: '310104' })) {
      expect(r.district).toBe('310104');
      if (r.street !== null) expect(findTownship(r.street)?.districtCode).toBe('310104');
      expect(r.park).toBeNull();
      if (r.address !== null) expect(r.address.startsWith('上海市徐汇区')).toBe(true);
    }
    for (const r of take({ count: 200, district: '310101' })) {
      expect(r.street).toBeNull();
      expect(r.uscc.slice(2, 8)).toMatch(/^310(101|000)$/);
    }
  });
});

describe('generateEnterprises: values', () => {
  it('keeps every field well-formed and consistent', () => {
    const statuses = new Set<string>(ENTERPRISE_STATUSES);
    const types = new Set<string>(ENTITY_TYPES);
    const tags = new Set<string>(KNOWN_TAGS);
    const isCount = (v: number) => Number.isSafeInteger(v) && v >= 0;
    // Collected rather than asserted one by one: 20,000 rows × 20 checks.
    const problems: string[] = [];
    const check = (ok: boolean, what: string, r: EnterpriseRecord) => {
      if (!ok && problems.length < 20) problems.push(`${what}: ${JSON.stringify(r)}`);
    };
    for (const r of SAMPLE) {
      check(statuses.has(r.status), 'status', r);
      check(r.entityType === null || types.has(r.entityType), 'entity type', r);
      check(r.name.length >= 6, 'name', r);
      check(r.legalRep !== null && /^[\u4e00-\u9fff]{2,4}$/.test(r.legalRep), 'legal representative', r);
      for (const money of [r.registeredCapital, r.revenue, r.taxPaid, r.rdSpending]) check(money === null || isCount(money), 'money in fen', r);
      check(r.registeredCapital === null || r.registeredCapital % 1_000_000 === 0, 'capital in whole 万元', r);
      check(r.entityType !== '分公司' || r.registeredCapital === null, '分公司 without capital', r);
      check(r.revenue === null || r.taxPaid === null || r.taxPaid <= r.revenue, 'tax ≤ revenue', r);
      check(r.revenue === null || r.rdSpending === null || r.rdSpending <= r.revenue, 'R&D ≤ revenue', r);
      check(r.employees === null || isCount(r.employees), 'employees', r);
      check(
        r.insuredEmployees === null || (r.employees !== null && isCount(r.insuredEmployees) && r.insuredEmployees <= r.employees),
        'insured ≤ employees',
        r,
      );
      check(
        r.established === null ||
          (/^\d{4}-\d{2}-\d{2}$/.test(r.established) &&
            new Date(`${r.established}T00:00:00Z`).toISOString().slice(0, 10) === r.established &&
            r.established >= '1992-01-01' &&
            r.established <= TODAY),
        'established date',
        r,
      );
      check(new Set(r.tags).size === r.tags.length && r.tags.every((t) => tags.has(t)), 'tags', r);
      check(Object.keys(r.attrs).length === 0, 'attrs', r);
    }
    expect(problems).toEqual([]);
  });

  it('never dates a firm after today, even when today is the first possible day', () => {
    for (const r of take({ count: 200, today: '1992-01-01' })) expect(r.established === null || r.established === '1992-01-01').toBe(true);
  });

  it('has a realistic industry mix', () => {
    const section = (s: string) => (r: EnterpriseRecord) => r.industry?.startsWith(s) ?? false;
    const within = (v: number, lo: number, hi: number) => expect(v >= lo && v <= hi, `${v} in [${lo}, ${hi}]`).toBe(true);
    within(share(SAMPLE, section('C')), 0.1, 0.2);
    within(share(SAMPLE, (r) => section('F51')(r) || section('F52')(r)), 0.2, 0.3);
    within(share(SAMPLE, section('L')), 0.12, 0.2);
    within(share(SAMPLE, (r) => ['I63', 'I64', 'I65'].some((d) => r.industry?.startsWith(d))), 0.07, 0.13);
    within(share(SAMPLE, section('M')), 0.07, 0.13);
    within(share(SAMPLE, section('E')), 0.03, 0.07);
    within(share(SAMPLE, section('J')), 0.003, 0.02);
    // Manufacturing is spread over several divisions, not one.
    const divisions = new Set(SAMPLE.filter(section('C')).map((r) => r.industry?.slice(0, 3)));
    expect(divisions.size).toBeGreaterThanOrEqual(8);
  });

  it('has plausible entity types, statuses, sizes and grades', () => {
    const within = (v: number, lo: number, hi: number) => expect(v >= lo && v <= hi, `${v} in [${lo}, ${hi}]`).toBe(true);
    within(share(SAMPLE, (r) => r.entityType === '有限责任公司'), 0.65, 0.9);
    for (const t of ['股份有限公司', '个人独资企业', '合伙企业', '外商投资企业', '分公司'] as const) within(share(SAMPLE, (r) => r.entityType === t), 0.01, 0.1);
    within(share(SAMPLE, (r) => r.status === '存续' || r.status === '在业'), 0.9, 0.98);
    for (const s of ['歇业', '吊销', '注销'] as const) within(share(SAMPLE, (r) => r.status === s), 0.002, 0.05);

    const employees = SAMPLE.flatMap((r) => (r.employees === null ? [] : [r.employees])).sort((a, b) => a - b);
    const median = employees[Math.floor(employees.length / 2)] as number;
    within(median, 4, 15);
    expect(employees[employees.length - 1]).toBeGreaterThanOrEqual(1000);
    const withStaff = SAMPLE.filter((r) => r.employees !== null && r.employees > 0 && r.insuredEmployees !== null);
    const insuredRatio = withStaff.reduce((s, r) => s + (r.insuredEmployees as number), 0) / withStaff.reduce((s, r) => s + (r.employees as number), 0);
    within(insuredRatio, 0.7, 0.95);

    // More young firms than old ones.
    within(share(SAMPLE, (r) => r.established !== null && r.established >= '2015-06-30'), 0.45, 0.7);

    within(share(SAMPLE, (r) => r.creditGrade === 'A' || r.creditGrade === 'B'), 0.7, 0.9);
    within(share(SAMPLE, (r) => r.creditGrade === 'D'), 0.005, 0.1);
    within(share(SAMPLE, (r) => r.riskGrade === '低' || r.riskGrade === '较低'), 0.7, 0.95);
    within(new Set(SAMPLE.map((r) => r.name)).size / SAMPLE.length, 0.99, 1);
  });

  it('has consistent tags in plausible proportions', () => {
    const within = (v: number, lo: number, hi: number) => expect(v >= lo && v <= hi, `${v} in [${lo}, ${hi}]`).toBe(true);
    for (const r of SAMPLE) {
      if (r.tags.includes('专精特新小巨人')) expect(r.tags).toContain('专精特新');
      expect(r.tags.includes('外资')).toBe(r.entityType === '外商投资企业');
      if (r.tags.includes('跨国公司地区总部')) expect(r.tags).toContain('外资');
      if (r.tags.includes('上市')) expect(r.entityType).toBe('股份有限公司');
      if (r.status !== '存续' && r.status !== '在业') expect(r.tags.filter((t) => t !== '外资')).toEqual([]);
    }
    const hnte = SAMPLE.filter(hasTag('高新技术企业'));
    within(hnte.length / SAMPLE.length, 0.01, 0.06);
    within(share(hnte, (r) => r.industry === null || /^[CIM]/.test(r.industry)), 0.8, 1);
    within(share(SAMPLE, hasTag('专精特新')), 0.003, 0.03);
    within(share(SAMPLE, hasTag('专精特新小巨人')), 0.0002, 0.005);
    within(share(SAMPLE, hasTag('跨国公司地区总部')), 0, 0.003);
    within(share(SAMPLE, hasTag('首贷户')), 0.01, 0.06);
    within(share(SAMPLE, hasTag('小微企业')), 0.7, 0.97);
    within(share(SAMPLE, hasTag('规上企业')), 0.03, 0.2);
    within(share(SAMPLE, hasTag('外资')), 0.02, 0.07);
  });

  it('leaves some attributes unknown on purpose', () => {
    const within = (v: number, lo: number, hi: number) => expect(v >= lo && v <= hi, `${v} in [${lo}, ${hi}]`).toBe(true);
    within(share(SAMPLE, (r) => r.employees === null), 0.03, 0.08);
    within(share(SAMPLE, (r) => r.insuredEmployees === null), 0.03, 0.1);
    within(share(SAMPLE, (r) => r.revenue === null), 0.03, 0.08);
    within(share(SAMPLE, (r) => r.taxPaid === null), 0.03, 0.08);
    within(share(SAMPLE, (r) => r.rdSpending === null), 0.03, 0.08);
    within(share(SAMPLE, (r) => r.creditGrade === null), 0.03, 0.08);
    within(share(SAMPLE, (r) => r.industry === null), 0.003, 0.02);
    within(share(SAMPLE, (r) => r.established === null), 0.003, 0.02);
  });
});
