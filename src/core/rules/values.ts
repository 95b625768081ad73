import type { AttributeSpec, AttributeType, Catalog, JsonValue } from './types.ts';

/** JsonLogic truthiness (jsonlogic.com/truthy): JS truthiness except that [] is false. */
export function truthy(v: unknown): boolean {
  if (Array.isArray(v)) return v.length > 0;
  return Boolean(v);
}

export function isLogic(v: unknown): v is Record<string, JsonValue> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  let n = 0;
  for (const k in v) if (Object.hasOwn(v, k) && ++n > 1) return false;
  return n === 1;
}

export function opOf(v: Record<string, JsonValue>): string {
  for (const k in v) if (Object.hasOwn(v, k)) return k;
  return '';
}

/** Arguments as an array: JsonLogic allows `{"op": x}` for `{"op": [x]}`. */
export function argsOf(v: Record<string, JsonValue>, op: string): JsonValue[] {
  const a = v[op];
  return Array.isArray(a) ? a : [a as JsonValue];
}

/**
 * `var` lookup with dotted paths. Only own properties are followed, so keys such as
 * `__proto__` or `constructor` never reach a prototype (a deliberate difference from json-logic-js).
 */
export function lookup(data: unknown, path: unknown, notFound: JsonValue = null): JsonValue {
  if (path === undefined || path === '' || path === null) return (data ?? null) as JsonValue;
  if (typeof path === 'string' && path.indexOf('.') < 0) {
    // One segment (every catalog attribute): no split, no array.
    if (data === null || data === undefined || !Object.hasOwn(Object(data) as object, path)) return notFound;
    const v = (data as Record<string, unknown>)[path];
    return v === undefined ? notFound : (v as JsonValue);
  }
  const parts = String(path).split('.');
  let cur: unknown = data;
  for (const p of parts) {
    if (cur === null || cur === undefined) return notFound;
    if (!Object.hasOwn(Object(cur) as object, p)) return notFound;
    cur = (cur as Record<string, unknown>)[p];
    if (cur === undefined) return notFound;
  }
  return cur as JsonValue;
}

/**
 * A copy of `s` that does not keep alive the string it was cut from. Fields split out of a bulk
 * read (COPY text) are V8 "sliced strings" pointing into the whole chunk, so keeping one of them
 * (a USCC as a key, a dictionary value) would keep the chunk. The UTF-8 round trip makes a flat
 * string of its own (smaller than a slice of a concatenation).
 */
export function detachString(s: string): string {
  return Buffer.from(s).toString();
}

/** Whether a catalog attribute counts as missing for three-valued logic: absent or null. */
export function isMissing(v: unknown): boolean {
  return v === null || v === undefined;
}

export function attrSpec(catalog: Catalog, name: string): AttributeSpec | undefined {
  if (!Object.hasOwn(catalog, name)) return undefined;
  const s = catalog[name];
  if (s === undefined) return undefined;
  return typeof s === 'string' ? { type: s } : s;
}

export function attrType(catalog: Catalog, name: string): AttributeType | undefined {
  return attrSpec(catalog, name)?.type;
}

// ---- dates: YYYY-MM-DD ⇄ epoch days (UTC arithmetic; no clock, no time zone) ----

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

/** Epoch days of a valid YYYY-MM-DD string, or undefined when it is not a real date. */
export function parseDate(s: unknown): number | undefined {
  if (typeof s !== 'string') return undefined;
  if (s.length === 10) {
    // The usual case, read digit by digit (no regex, no Date): days from the civil date.
    const y = digits(s, 0, 4);
    const mo = digits(s, 5, 2);
    const d = digits(s, 8, 2);
    if (y < 0 || mo < 0 || d < 0 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return undefined;
    if (y < 100 || mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return undefined; // 0–99: see below
    return daysFromCivil(y, mo, d);
  }
  const m = DATE_RE.exec(s);
  if (!m) return undefined;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return undefined;
  const t = Date.UTC(y, mo - 1, d);
  const back = new Date(t);
  // Date.UTC maps years 0–99 to 1900–1999; reject those along with impossible days.
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return undefined;
  return Math.round(t / DAY_MS);
}

/** The number written by `n` ASCII digits of `s` from `at`, or -1. */
function digits(s: string, at: number, n: number): number {
  let v = 0;
  for (let i = at; i < at + n; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

function daysInMonth(y: number, m: number): number {
  if (m !== 2) return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export function isDateString(s: unknown): s is string {
  return parseDate(s) !== undefined;
}

export function formatDate(days: number): string {
  const d = new Date(days * DAY_MS);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + 1;
  const dd = d.getUTCDate();
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(dd).padStart(2, '0')}`;
}

export type DateUnit = 'day' | 'month' | 'year';

export function isDateUnit(u: unknown): u is DateUnit {
  return u === 'day' || u === 'month' || u === 'year';
}

/** Adds n units; months and years clamp the day to the month's end (2024-01-31 + 1 month = 2024-02-29). */
export function dateAdd(date: string, n: number, unit: DateUnit): string | null {
  const days = parseDate(date);
  if (days === undefined || !Number.isInteger(n) || Math.abs(n) > 100_000) return null;
  if (unit === 'day') {
    const out = days + n;
    const s = formatDate(out);
    return parseDate(s) === undefined ? null : s;
  }
  const d = new Date(days * DAY_MS);
  const months = unit === 'year' ? n * 12 : n;
  const total = d.getUTCFullYear() * 12 + d.getUTCMonth() + months;
  const y = Math.floor(total / 12);
  const m = total - y * 12;
  const last = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  const day = Math.min(d.getUTCDate(), last);
  if (y < 1000 || y > 9999) return null;
  return `${String(y).padStart(4, '0')}-${String(m + 1).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** Whole units from `from` to `to` (negative when `to` is earlier), e.g. completed years since founding. */
export function dateDiff(from: string, to: string, unit: DateUnit): number | null {
  const a = parseDate(from);
  const b = parseDate(to);
  if (a === undefined || b === undefined) return null;
  if (unit === 'day') return b - a;
  if (b < a) {
    const r = dateDiff(to, from, unit);
    return r === null ? null : -r;
  }
  const da = new Date(a * DAY_MS);
  const db = new Date(b * DAY_MS);
  let months = (db.getUTCFullYear() - da.getUTCFullYear()) * 12 + (db.getUTCMonth() - da.getUTCMonth());
  if (db.getUTCDate() < da.getUTCDate()) months -= 1;
  return unit === 'month' ? months : Math.floor(months / 12);
}

/** JSON Pointer segment escaping (RFC 6901). */
export function ptr(base: string, seg: string | number): string {
  return `${base}/${String(seg).replace(/~/g, '~0').replace(/\//g, '~1')}`;
}
