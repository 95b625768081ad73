import { describe, expect, it } from 'vitest';
import { findDistrict, findDistrictByName, findTownship, provinceOf, SHANGHAI_DISTRICTS, SHANGHAI_TOWNSHIPS, townshipsOf } from './divisions.ts';

describe('Shanghai divisions (GB/T 2260 + 统计用区划代码)', () => {
  it('has the 16 districts', () => {
    expect(SHANGHAI_DISTRICTS).toHaveLength(16);
    expect(findDistrict('310112')?.name).toBe('闵行区');
    expect(findDistrict('310114')?.name).toBe('嘉定区');
    expect(findDistrict('310104')?.name).toBe('徐汇区');
    expect(findDistrictByName('浦东新区')?.code).toBe('310115');
    expect(findDistrict('310108')).toBeUndefined(); // 闸北区, merged into 静安区 in 2015
    for (const d of SHANGHAI_DISTRICTS) expect(d.code).toMatch(/^31\d{4}$/);
  });

  it('lists the 14 streets and towns of 闵行区', () => {
    const names = townshipsOf('310112').map((s) => s.name);
    expect(names).toHaveLength(14);
    expect(new Set(names)).toEqual(
      new Set(['江川路街道', '古美街道', '新虹街道', '浦锦街道', '莘庄镇', '七宝镇', '颛桥镇', '华漕镇', '虹桥镇', '梅陇镇', '吴泾镇', '马桥镇', '浦江镇', '莘庄工业区']),
    );
    expect(findTownship('310112001')?.name).toBe('江川路街道');
    expect(findTownship('310112101000')?.name).toBe('莘庄镇');
  });

  it('has 嘉定区 and 徐汇区 too, with well-formed codes', () => {
    expect(townshipsOf('310114').length).toBeGreaterThanOrEqual(10);
    expect(townshipsOf('310104').map((s) => s.name)).toContain('徐家汇街道');
    const codes = new Set<string>();
    for (const s of SHANGHAI_TOWNSHIPS) {
      expect(s.code).toMatch(/^\d{9}$/);
      expect(s.code.startsWith(s.districtCode)).toBe(true);
      expect(findDistrict(s.districtCode)).toBeDefined();
      expect(codes.has(s.code)).toBe(false);
      codes.add(s.code);
    }
  });

  it('knows province prefixes', () => {
    expect(provinceOf('310112')).toBe('上海市');
    expect(provinceOf('990000')).toBeUndefined();
  });
});
