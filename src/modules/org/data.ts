import { findDistrict, townshipsOf } from '../../core/codes/divisions.ts';

/** The default deployment: 闵行区 (SPEC "Default deployment"). */
export const DEFAULT_DISTRICT = '310112';

/**
 * 闵行区's departments (委办局) that serve enterprises. The code is a stable
 * short id used in user scopes and data; the name is the official short name.
 */
export const DEPARTMENTS: ReadonlyArray<{ code: string; name: string }> = [
  { code: 'fgw', name: '区发展改革委' },
  { code: 'jw', name: '区经委' },
  { code: 'kw', name: '区科委' },
  { code: 'swj', name: '区商务委' },
  { code: 'rsj', name: '区人社局' },
  { code: 'scjgj', name: '区市场监管局' },
  { code: 'swuj', name: '区税务局' },
  { code: 'sthjj', name: '区生态环境局' },
  { code: 'jgw', name: '区建管委' },
  { code: 'yjj', name: '区应急局' },
  { code: 'ghzyj', name: '区规划资源局' },
  { code: 'czj', name: '区财政局' },
  { code: 'sfj', name: '区司法局' },
  { code: 'sjj', name: '区数据局' },
  { code: 'yshj', name: '区营商办' },
  { code: 'wjw', name: '区卫生健康委' },
  { code: 'xfjy', name: '区消防救援支队' },
  { code: 'cgzf', name: '区城管执法局' },
  { code: 'tzcj', name: '区投资促进服务中心' },
  { code: 'jrb', name: '区金融办' },
];

export function districtName(code: string): string {
  return findDistrict(code)?.name ?? code;
}

export function streetsOf(district: string): ReadonlyArray<{ code: string; name: string }> {
  return townshipsOf(district).map((t) => ({ code: t.code, name: t.name }));
}
