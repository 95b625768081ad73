import { describe, expect, it } from 'vitest';
import { CodesError } from './errors.ts';
import {
  findIndustry,
  getIndustry,
  industriesAtLevel,
  industryChildren,
  industryNamePath,
  industryPath,
  INDUSTRIES,
  isIndustryWithin,
  normalizeIndustryCode,
  searchIndustries,
} from './industry.ts';

describe('GB/T 4754-2017 data', () => {
  it('has 20 sections, 97 divisions, 473 groups and 1381 classes (as amended 2019)', () => {
    expect(industriesAtLevel('section')).toHaveLength(20);
    expect(industriesAtLevel('division')).toHaveLength(97);
    expect(industriesAtLevel('group')).toHaveLength(473);
    expect(industriesAtLevel('class')).toHaveLength(1381);
  });

  it('is well formed: every parent exists, codes nest, names are clean', () => {
    const codes = new Set(INDUSTRIES.map((i) => i.code));
    expect(codes.size).toBe(INDUSTRIES.length);
    for (const i of INDUSTRIES) {
      if (i.parent !== null) {
        expect(codes.has(i.parent)).toBe(true);
        expect(i.code.startsWith(i.parent)).toBe(true);
      }
      expect(i.name).toMatch(/^[^\s]+$/);
      expect(i.name).not.toMatch(/[?？]/);
    }
    expect(industriesAtLevel('section').map((s) => s.code).join('')).toBe('ABCDEFGHIJKLMNOPQRST');
    expect(industriesAtLevel('division').map((d) => d.digits)).toEqual(
      Array.from({ length: 97 }, (_, k) => String(k + 1).padStart(2, '0')),
    );
  });

  it('spot-checks names that a Shanghai district economy uses', () => {
    const names: Record<string, string> = {
      C: '制造业',
      C39: '计算机、通信和其他电子设备制造业',
      C3911: '计算机整机制造',
      C3973: '集成电路制造',
      C2720: '化学药品制剂制造',
      C3612: '新能源车整车制造',
      C3491: '工业机器人制造',
      I65: '软件和信息技术服务业',
      I6513: '应用软件开发',
      I6520: '集成电路设计',
      I6532: '物联网技术服务',
      I6431: '互联网生产服务平台',
      J66: '货币金融服务',
      J6631: '融资租赁服务',
      K7010: '房地产开发经营',
      L7211: '企业总部管理',
      L7224: '供应链管理服务',
      L7263: '劳务派遣服务',
      M7320: '工程和技术研究和试验发展',
      M7452: '检测服务',
      M7540: '创业空间服务',
      F5193: '互联网批发',
      F5292: '互联网零售',
      G5437: '城市配送',
      G6020: '快递服务',
      H6210: '正餐服务',
      E4710: '住宅房屋建筑',
      P8310: '学前教育',
      Q8411: '综合医院',
      R8730: '影视节目制作',
      S9100: '中国共产党机关',
      T9700: '国际组织',
    };
    for (const [code, name] of Object.entries(names)) expect(getIndustry(code).name).toBe(name);
  });
});

describe('industry lookup', () => {
  it('accepts codes with or without the section letter, any case', () => {
    expect(normalizeIndustryCode('3911')).toBe('C3911');
    expect(normalizeIndustryCode('c39')).toBe('C39');
    expect(normalizeIndustryCode(' I6513 ')).toBe('I6513');
    expect(normalizeIndustryCode('A3911')).toBeUndefined();
    expect(normalizeIndustryCode('98')).toBeUndefined();
    expect(normalizeIndustryCode('39111')).toBeUndefined();
    expect(findIndustry('3911')?.code).toBe('C3911');
    expect(findIndustry('3918')).toBeUndefined();
  });

  it('gives the path from the section down', () => {
    expect(industryPath('C3911').map((i) => i.code)).toEqual(['C', 'C39', 'C391', 'C3911']);
    expect(industryNamePath('3911')).toBe('制造业 / 计算机、通信和其他电子设备制造业 / 计算机制造 / 计算机整机制造');
    // 134 / 1340 share one row in the standard: the group is derived and not repeated in the path.
    expect(getIndustry('C134').name).toBe('制糖业');
    expect(industryNamePath('C1340')).toBe('制造业 / 农副食品加工业 / 制糖业');
  });

  it('answers "is within"', () => {
    expect(isIndustryWithin('C39', 'C')).toBe(true);
    expect(isIndustryWithin('C3911', 'C39')).toBe(true);
    expect(isIndustryWithin('3911', '391')).toBe(true);
    expect(isIndustryWithin('C3911', 'C3911')).toBe(true);
    expect(isIndustryWithin('C39', 'C3911')).toBe(false);
    expect(isIndustryWithin('I6513', 'C')).toBe(false);
    expect(isIndustryWithin('C3011', 'C30')).toBe(true);
    // Hierarchy, not a string prefix: "C3" is not a code at all.
    expect(() => isIndustryWithin('C3011', 'C3')).toThrow(CodesError);
  });

  it('lists children and searches names', () => {
    expect(industryChildren('I65').map((i) => i.code)).toEqual(['I651', 'I652', 'I653', 'I654', 'I655', 'I656', 'I657', 'I659']);
    expect(searchIndustries('集成电路').map((i) => i.code)).toEqual(['C3973', 'I652', 'I6520']);
  });

  it('throws stable errors for bad codes', () => {
    expect(() => getIndustry('X12')).toThrow(CodesError);
    try {
      getIndustry('3918');
    } catch (e) {
      expect((e as CodesError).code).toBe('INDUSTRY_CODE_UNKNOWN');
    }
    try {
      getIndustry('hello');
    } catch (e) {
      expect((e as CodesError).code).toBe('INDUSTRY_CODE_INVALID');
    }
    expect(() => isIndustryWithin('C3911', 'C98')).toThrow(CodesError);
  });
});
