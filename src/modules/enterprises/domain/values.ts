import { validateUscc } from '../../../core/codes/uscc.ts';
import { findIndustry } from '../../../core/codes/industry.ts';
import { findDistrict, findTownship } from '../../../core/codes/divisions.ts';
import type { AttributeDef } from './attributes.ts';

/** A parsed attribute value: what goes into the database and the rules engine. */
export type AttrValue = string | number | boolean | string[] | null;

export type ParseResult = { ok: true; value: AttrValue } | { ok: false; reason: string };

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isValidDate(s: string): boolean {
  const m = DATE_RE.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]) && Number(m[1]) >= 1900 && Number(m[1]) <= 2100;
}

/** Accepts 2024-3-5, 2024/03/05, 2024.03.05 and Excel date objects; returns YYYY-MM-DD. */
function normaliseDate(raw: unknown): string | null {
  if (raw instanceof Date && !Number.isNaN(raw.getTime())) return raw.toISOString().slice(0, 10);
  const s = String(raw).trim();
  const m = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/.exec(s);
  if (!m) return null;
  const iso = `${m[1]}-${m[2]!.padStart(2, '0')}-${m[3]!.padStart(2, '0')}`;
  return isValidDate(iso) ? iso : null;
}

function parseNumber(raw: unknown): number | null {
  if (typeof raw === 'number') return Number.isFinite(raw) ? raw : null;
  const s = String(raw).trim().replace(/,/g, '');
  if (!/^-?\d+(\.\d+)?$/.test(s)) return null;
  return Number(s);
}

function jsonTypeOf(v: unknown): string {
  if (Array.isArray(v)) return '数组';
  switch (typeof v) {
    case 'number':
      return '数值';
    case 'string':
      return '文本';
    case 'boolean':
      return '布尔值';
    case 'object':
      return '对象';
    default:
      return typeof v;
  }
}

const JSON_TYPE_OF_ATTRIBUTE: Record<AttributeDef['type'], { check: (v: unknown) => boolean; expected: string }> = {
  number: { check: (v) => typeof v === 'number', expected: '数值' },
  money: { check: (v) => typeof v === 'number', expected: '数值（分）' },
  date: { check: (v) => typeof v === 'string', expected: '日期文本 YYYY-MM-DD' },
  boolean: { check: (v) => typeof v === 'boolean', expected: 'true 或 false' },
  enum: { check: (v) => typeof v === 'string', expected: '文本' },
  text: { check: (v) => typeof v === 'string', expected: '文本' },
  tags: { check: (v) => Array.isArray(v) && v.every((t) => typeof t === 'string'), expected: '文本数组' },
};

/**
 * Money arrives in fen through the API; spreadsheets may say 元 or 万元 in
 * the header, which the importer passes as `scale` (100 or 1,000,000 fen).
 * `strict` is for JSON input (the API): the JSON type must be the
 * attribute's — [1,2] is not a number, {"a":1} is not a name, true is not 1
 * (SPEC §10); spreadsheets give text and are parsed leniently.
 */
export function parseValue(def: AttributeDef, raw: unknown, opts: { moneyScale?: number; strict?: boolean } = {}): ParseResult {
  if (raw === null || raw === undefined) return { ok: true, value: def.type === 'tags' ? [] : null };
  if (opts.strict) {
    const want = JSON_TYPE_OF_ATTRIBUTE[def.type];
    if (!want.check(raw)) return { ok: false, reason: `${def.label}应为${want.expected}，收到${jsonTypeOf(raw)}` };
  }
  if (typeof raw === 'string' && raw.trim() === '') return { ok: true, value: def.type === 'tags' ? [] : null };
  switch (def.type) {
    case 'number': {
      const n = parseNumber(raw);
      if (n === null) return { ok: false, reason: `${def.label}应为数字，收到“${String(raw).slice(0, 40)}”` };
      if (n < 0) return { ok: false, reason: `${def.label}不能为负数` };
      if (def.unit === '人' && !Number.isInteger(n)) return { ok: false, reason: `${def.label}应为整数` };
      return { ok: true, value: n };
    }
    case 'money': {
      const n = parseNumber(raw);
      if (n === null) return { ok: false, reason: `${def.label}应为金额数字，收到“${String(raw).slice(0, 40)}”` };
      if (n < 0) return { ok: false, reason: `${def.label}不能为负数` };
      const fen = Math.round(n * (opts.moneyScale ?? 1));
      if (!Number.isSafeInteger(fen)) return { ok: false, reason: `${def.label}超出范围` };
      if (opts.moneyScale === undefined && !Number.isInteger(n)) return { ok: false, reason: `${def.label}以分为单位，应为整数` };
      return { ok: true, value: fen };
    }
    case 'date': {
      const d = normaliseDate(raw);
      if (!d) return { ok: false, reason: `${def.label}应为日期 YYYY-MM-DD，收到“${String(raw).slice(0, 40)}”` };
      return { ok: true, value: d };
    }
    case 'boolean': {
      if (typeof raw === 'boolean') return { ok: true, value: raw };
      const s = String(raw).trim().toLowerCase();
      if (['是', 'true', '1', 'y', 'yes'].includes(s)) return { ok: true, value: true };
      if (['否', 'false', '0', 'n', 'no'].includes(s)) return { ok: true, value: false };
      return { ok: false, reason: `${def.label}应为 是/否` };
    }
    case 'enum': {
      const s = String(raw).trim();
      if (def.options && def.options.length && !def.options.includes(s)) return { ok: false, reason: `${def.label}取值“${s.slice(0, 40)}”不在允许范围：${def.options.join('、')}` };
      return { ok: true, value: s };
    }
    case 'tags': {
      const list = Array.isArray(raw) ? raw.map(String) : String(raw).split(/[,，;；、|]/);
      const tags = [...new Set(list.map((t) => t.trim()).filter(Boolean))];
      if (tags.some((t) => t.length > 40)) return { ok: false, reason: `${def.label}中的标签过长` };
      return { ok: true, value: tags };
    }
    case 'text': {
      const s = String(raw).trim();
      if (s.length > 500) return { ok: false, reason: `${def.label}过长（最多 500 字）` };
      return { ok: true, value: s };
    }
  }
}

/** Code checks for the built-in attributes that carry national codes. */
export function checkCode(key: string, value: AttrValue): string | null {
  if (value === null) return null;
  switch (key) {
    case 'uscc': {
      const v = validateUscc(String(value));
      return v.valid ? null : `统一社会信用代码无效：${v.reason}`;
    }
    case 'industry':
      return findIndustry(String(value)) ? null : `行业代码 ${String(value)} 不是 GB/T 4754-2017 中的代码`;
    case 'district':
      return findDistrict(String(value)) ? null : `区划代码 ${String(value)} 不存在`;
    case 'street':
      return findTownship(String(value)) ? null : `街镇代码 ${String(value)} 不存在`;
    default:
      return null;
  }
}
