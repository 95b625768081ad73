import type { AttributeType, Catalog, JsonValue } from './types.ts';
import { attrSpec, detachString, formatDate, lookup, parseDate } from './values.ts';

/**
 * Enterprises as typed-array columns, one per catalog attribute, in SharedArrayBuffers so
 * worker threads read them without copying. Every column has a "missing" bitset; strings
 * and booleans are dictionary-encoded (code 0 = missing), dates are epoch days, tag sets bitmasks.
 */
export type Column =
  | { kind: 'f64'; name: string; type: AttributeType; values: Float64Array; missing: Int32Array }
  | { kind: 'date'; name: string; type: AttributeType; values: Int32Array; missing: Int32Array }
  | { kind: 'dict'; name: string; type: AttributeType; codes: Uint32Array; dict: DictValue[]; index: Map<DictValue, number>; missing: Int32Array }
  | { kind: 'tags'; name: string; type: AttributeType; bits: Int32Array; wordsPerRow: number; dict: string[]; index: Map<string, number>; missing: Int32Array };

export type DictValue = string | boolean;

export interface ColumnStore {
  readonly catalog: Catalog;
  /** Rows allocated (a multiple of 32). */
  readonly capacity: number;
  /** Rows in use. */
  rows: number;
  /** 32-bit words per row bitset. */
  readonly words: number;
  readonly columns: Map<string, Column>;
}

const sab = (bytes: number): SharedArrayBuffer => new SharedArrayBuffer(Math.max(8, bytes));

/** Default tag-set width when the catalog does not list the tags: 64 distinct tags per attribute. */
const DEFAULT_TAG_WORDS = 2;

/**
 * An empty store for `capacity` rows with a column per catalog attribute — or, with `only`, per
 * attribute named there (a record's other attributes are then not kept).
 */
export function createColumnStore(catalog: Catalog, capacity: number, only?: ReadonlySet<string>): ColumnStore {
  const cap = Math.max(32, Math.ceil(capacity / 32) * 32);
  const words = cap / 32;
  const columns = new Map<string, Column>();
  for (const name of Object.keys(catalog)) {
    if (only && !only.has(name)) continue;
    const spec = attrSpec(catalog, name);
    if (spec === undefined) continue;
    const missing = new Int32Array(sab(words * 4));
    missing.fill(-1); // every row starts missing
    const t = spec.type;
    if (t === 'number' || t === 'money') {
      const values = new Float64Array(sab(cap * 8));
      values.fill(Number.NaN);
      columns.set(name, { kind: 'f64', name, type: t, values, missing });
    } else if (t === 'date') {
      columns.set(name, { kind: 'date', name, type: t, values: new Int32Array(sab(cap * 4)), missing });
    } else if (t === 'tags') {
      const wordsPerRow = spec.values ? Math.max(1, Math.ceil(spec.values.length / 32)) : DEFAULT_TAG_WORDS;
      const col: Column = { kind: 'tags', name, type: t, bits: new Int32Array(sab(cap * wordsPerRow * 4)), wordsPerRow, dict: [], index: new Map(), missing };
      for (const v of spec.values ?? []) internTag(col, v);
      columns.set(name, col);
    } else {
      const col: Column = { kind: 'dict', name, type: t, codes: new Uint32Array(sab(cap * 4)), dict: [''], index: new Map(), missing };
      if (t === 'boolean') {
        intern(col, false);
        intern(col, true);
      }
      for (const v of spec.values ?? []) intern(col, v);
      columns.set(name, col);
    }
  }
  return { catalog, capacity: cap, rows: 0, words, columns };
}

function intern(col: Extract<Column, { kind: 'dict' }>, v: DictValue): number {
  // Keyed by the value itself: a Map tells true from "true", and no second copy of each string is made.
  let code = col.index.get(v);
  if (code === undefined) {
    code = col.dict.length;
    // V8 slices strings of 13 or more characters: a long one may be a field of a bulk read.
    const own = typeof v === 'string' && v.length >= 13 ? detachString(v) : v;
    col.dict.push(own);
    col.index.set(own, code);
  }
  return code;
}

function internTag(col: Extract<Column, { kind: 'tags' }>, v: string): number {
  let code = col.index.get(v);
  if (code === undefined) {
    code = col.dict.length;
    if (code >= col.wordsPerRow * 32) throw new RangeError(`attribute "${col.name}": more than ${col.wordsPerRow * 32} distinct tags; list them in the catalog`);
    col.dict.push(v);
    col.index.set(v, code);
  }
  return code;
}

/** Code of a dictionary value, or -1 if no row has it. */
export function dictCode(col: Column, v: DictValue): number {
  if (col.kind === 'dict') return col.index.get(v) ?? -1;
  if (col.kind === 'tags' && typeof v === 'string') return col.index.get(v) ?? -1;
  return -1;
}

function setMissing(m: Int32Array, row: number, missing: boolean): void {
  const w = row >>> 5;
  const bit = 1 << (row & 31);
  m[w] = missing ? (m[w] as number) | bit : (m[w] as number) & ~bit;
}

export function isMissingAt(col: Column, row: number): boolean {
  return (((col.missing[row >>> 5] as number) >>> (row & 31)) & 1) === 1;
}

// Not a closure inside setCell: that would be a new function per cell (and, under tsx, a
// defineProperty for its name) — a third of the time of loading the matching columns.
function bad(row: number, name: string, col: Column, value: JsonValue | undefined): never {
  throw new TypeError(`row ${row}, attribute "${name}" (${col.type}): ${JSON.stringify(value)} is not a valid value`);
}

/** Sets one cell; null or undefined marks it missing. Throws on a value of the wrong type. */
export function setCell(store: ColumnStore, row: number, name: string, value: JsonValue | undefined): void {
  const col = store.columns.get(name);
  if (col === undefined) throw new RangeError(`unknown attribute "${name}"`);
  if (row < 0 || row >= store.capacity) throw new RangeError(`row ${row} outside capacity ${store.capacity}`);
  setColumnCell(col, row, name, value);
}

function setColumnCell(col: Column, row: number, name: string, value: JsonValue | undefined): void {
  if (value === null || value === undefined) {
    setMissing(col.missing, row, true);
    if (col.kind === 'dict') col.codes[row] = 0;
    else if (col.kind === 'f64') col.values[row] = Number.NaN;
    else if (col.kind === 'tags') col.bits.fill(0, row * col.wordsPerRow, (row + 1) * col.wordsPerRow);
    return;
  }
  switch (col.kind) {
    case 'f64':
      if (typeof value !== 'number' || !Number.isFinite(value) || (col.type === 'money' && !Number.isSafeInteger(value))) bad(row, name, col, value);
      col.values[row] = value as number;
      break;
    case 'date': {
      const d = parseDate(value);
      if (d === undefined) bad(row, name, col, value);
      col.values[row] = d as number;
      break;
    }
    case 'dict':
      if (col.type === 'boolean' ? typeof value !== 'boolean' : typeof value !== 'string') bad(row, name, col, value);
      col.codes[row] = intern(col, value as DictValue);
      break;
    case 'tags': {
      if (!Array.isArray(value) || !value.every((x) => typeof x === 'string')) bad(row, name, col, value);
      const base = row * col.wordsPerRow;
      col.bits.fill(0, base, base + col.wordsPerRow);
      for (const t of value as string[]) {
        const c = internTag(col, t);
        col.bits[base + (c >>> 5)] = (col.bits[base + (c >>> 5)] as number) | (1 << (c & 31));
      }
      break;
    }
  }
  setMissing(col.missing, row, false);
}

/** Writes every catalog attribute of a record (absent attributes become missing). */
export function setRecord(store: ColumnStore, row: number, record: unknown): void {
  if (row < 0 || row >= store.capacity) throw new RangeError(`row ${row} outside capacity ${store.capacity}`);
  for (const col of store.columns.values()) setColumnCell(col, row, col.name, lookup(record, col.name, null));
  if (row >= store.rows) store.rows = row + 1;
}

export function loadRecords(catalog: Catalog, records: readonly unknown[], capacity = records.length): ColumnStore {
  const store = createColumnStore(catalog, capacity);
  records.forEach((r, i) => setRecord(store, i, r));
  store.rows = records.length;
  return store;
}

/** The value of one cell as JSON (null when missing). */
export function cellValue(col: Column, row: number): JsonValue {
  if (isMissingAt(col, row)) return null;
  switch (col.kind) {
    case 'f64':
      return col.values[row] as number;
    case 'date':
      return formatDate(col.values[row] as number);
    case 'dict':
      return col.dict[col.codes[row] as number] ?? null;
    case 'tags': {
      const out: string[] = [];
      const base = row * col.wordsPerRow;
      for (let c = 0; c < col.dict.length; c++) if ((((col.bits[base + (c >>> 5)] as number) >>> (c & 31)) & 1) === 1) out.push(col.dict[c] as string);
      return out;
    }
  }
}

/**
 * Rebuilds a record from the columns (dotted attribute names become nested objects). A missing
 * cell is null — as a database row has it — since the store cannot tell "absent" from "null".
 */
export function rowRecord(store: Pick<ColumnStore, 'columns'>, row: number, only?: readonly string[]): Record<string, JsonValue> {
  const out: Record<string, JsonValue> = {};
  for (const name of only ?? store.columns.keys()) {
    const col = store.columns.get(name);
    if (col === undefined) continue;
    putPath(out, name, isMissingAt(col, row) ? null : cellValue(col, row));
  }
  return out;
}

/** A record holding one attribute (nested for dotted names). */
export function recordWith(name: string, v: JsonValue): Record<string, JsonValue> {
  const out: Record<string, JsonValue> = {};
  putPath(out, name, v);
  return out;
}

function putPath(obj: Record<string, JsonValue>, path: string, v: JsonValue): void {
  if (path.indexOf('.') === -1 && path !== '__proto__') {
    obj[path] = v; // plain assignment keeps V8's fast object shapes
    return;
  }
  const parts = path.split('.');
  let cur: Record<string, JsonValue> = obj;
  for (let i = 0; i < parts.length - 1; i++) {
    const p = parts[i] as string;
    const next = Object.hasOwn(cur, p) ? cur[p] : undefined;
    if (typeof next === 'object' && next !== null && !Array.isArray(next)) cur = next;
    else {
      const fresh: Record<string, JsonValue> = {};
      // defineProperty: a key named __proto__ stays an ordinary own property.
      Object.defineProperty(cur, p, { value: fresh, enumerable: true, writable: true, configurable: true });
      cur = fresh;
    }
  }
  Object.defineProperty(cur, parts[parts.length - 1] as string, { value: v, enumerable: true, writable: true, configurable: true });
}
