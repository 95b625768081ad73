import { parse as parseCsv } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { isUtf8 } from 'node:buffer';
import { restoreCell, writeCsv } from '../../platform/csv.ts';
import { AppError } from '../../platform/errors.ts';
import { stringProblem } from '../../platform/input.ts';
import type { AttributeDef } from './domain/attributes.ts';
import type { EnterpriseView } from './queries.ts';

/**
 * Spreadsheet format of the registry (E-2): the first row names the columns
 * by Chinese label (统一社会信用代码, 企业名称 …) or by attribute key; money
 * columns carry their unit in the header — （元） or （万元）; without one
 * they are 元 — and are stored in fen. Rows are numbered as the spreadsheet
 * shows them: the header is row 1.
 */
export interface SheetRow {
  row: number;
  raw: Record<string, unknown>;
  /** Cells whose text cannot be stored (bytes that are not UTF-8, NUL): left out of `raw`, reported for the row. */
  errors?: Array<{ column: string; reason: string }>;
}

export interface ParsedSheet {
  rows: SheetRow[];
  moneyScale: Record<string, number>;
  /** Header cells we could not map to an attribute (reported, column ignored). */
  unknownColumns: string[];
}

export const MAX_IMPORT_BYTES = 50 * 1024 * 1024;
export const MAX_IMPORT_ROWS = 500_000;

const UNIT_SCALE: Record<string, number> = { 分: 1, 元: 100, 万元: 1_000_000 };

function mapHeaders(headers: string[], catalog: ReadonlyMap<string, AttributeDef>): { keys: Array<string | null>; moneyScale: Record<string, number>; unknown: string[] } {
  const byLabel = new Map([...catalog.values()].map((a) => [a.label, a]));
  const keys: Array<string | null> = [];
  const moneyScale: Record<string, number> = {};
  const unknown: string[] = [];
  const seen = new Set<string>();
  for (const h of headers) {
    const text = String(h ?? '').replace(/^\uFEFF/, '').trim();
    const m = /^(.*?)\s*[（(]\s*([^）)]*)\s*[）)]\s*$/.exec(text);
    const base = m ? m[1]!.trim() : text;
    const unit = m ? m[2]!.trim() : '';
    const def = catalog.get(base) ?? byLabel.get(base);
    if (!def) {
      keys.push(null);
      if (text) unknown.push(text);
      continue;
    }
    if (seen.has(def.key)) throw new AppError('IMPORT_DUPLICATE_COLUMN', 400, '表头有重复的列', { detail: `“${text}”重复`, field: 'file' });
    seen.add(def.key);
    keys.push(def.key);
    if (def.type === 'money') {
      const scale = unit ? UNIT_SCALE[unit] : 100;
      if (scale === undefined) throw new AppError('IMPORT_BAD_UNIT', 400, '金额单位无法识别', { detail: `“${text}”：单位须为 元、万元 或 分`, field: 'file' });
      moneyScale[def.key] = scale;
    }
  }
  if (!seen.has('uscc')) throw new AppError('IMPORT_NO_USCC_COLUMN', 400, '缺少“统一社会信用代码”列', { field: 'file' });
  return { keys, moneyScale, unknown };
}

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const REPLACEMENT = '\uFFFD';

/** Whether some line holds non-ASCII text that is valid UTF-8 (GBK-encoded Chinese practically never is). */
function hasUtf8Line(buf: Buffer): boolean {
  for (let start = 0; start < buf.length; ) {
    let end = buf.indexOf(0x0a, start);
    if (end < 0) end = buf.length;
    const line = buf.subarray(start, end);
    if (line.some((b) => b >= 0x80) && isUtf8(line)) return true;
    start = end + 1;
  }
  return false;
}

/**
 * The text of a CSV file. UTF-8 (with or without a BOM) is the format we
 * export; Excel on Chinese Windows saves CSV in GB18030/GBK. A file that is
 * UTF-8 except for some bad bytes (a BOM, or other lines of valid UTF-8
 * Chinese, say which it is meant to be) is decoded with U+FFFD in their
 * place and `damaged` set, so that those rows are reported instead of
 * stored as "��".
 */
export function decodeCsvText(buf: Buffer): { text: string; damaged: boolean } {
  if (isUtf8(buf)) return { text: new TextDecoder('utf-8').decode(buf), damaged: false };
  const meantUtf8 = buf.subarray(0, 3).equals(UTF8_BOM) || hasUtf8Line(buf);
  if (!meantUtf8) {
    try {
      return { text: new TextDecoder('gb18030', { fatal: true }).decode(buf), damaged: false };
    } catch {
      // Neither UTF-8 nor GB18030: decode as UTF-8 and report the damaged rows.
    }
  }
  return { text: new TextDecoder('utf-8').decode(buf), damaged: true };
}

/** Why a cell of a CSV decoded with replacement characters cannot be stored, or null. */
function damagedCellText(v: string): string | null {
  return v.includes(REPLACEMENT) ? '含有无法识别的字符（不是有效的 UTF-8 编码），请将文件另存为 UTF-8 CSV 后重新导入' : null;
}

/** Why a cell of an Excel file cannot be stored as text (NUL, lone surrogates), or null. */
function unstorableCellText(v: string): string | null {
  const problem = stringProblem(v);
  if (problem === 'NUL_BYTE') return '含有空字符（NUL），无法保存';
  if (problem === 'INVALID_UTF8') return '含有无效的 Unicode 字符，无法保存';
  return null;
}

function cellValue(v: ExcelJS.CellValue): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === 'object' && !(v instanceof Date)) {
    if ('richText' in v) return v.richText.map((t) => t.text).join('');
    if ('text' in v) return (v as { text: string }).text;
    if ('result' in v) return (v as { result: unknown }).result ?? null;
    if ('error' in v) return null;
  }
  return v;
}

export async function parseSpreadsheet(filename: string, buf: Buffer, catalog: ReadonlyMap<string, AttributeDef>): Promise<ParsedSheet> {
  const lower = filename.toLowerCase();
  const isZip = buf.length > 4 && buf[0] === 0x50 && buf[1] === 0x4b && buf[2] === 0x03 && buf[3] === 0x04;
  let table: unknown[][];
  // Text that cannot be stored fails its cell's row (SPEC §10). A CSV free of NUL that decoded cleanly needs no check.
  let badText: ((v: string) => string | null) | null = unstorableCellText;
  if (lower.endsWith('.xlsx')) {
    if (!isZip) throw new AppError('IMPORT_BAD_FILE', 400, '文件内容不是 Excel (.xlsx)', { field: 'file' });
    const wb = new ExcelJS.Workbook();
    try {
      await wb.xlsx.load(buf as unknown as ArrayBuffer);
    } catch {
      throw new AppError('IMPORT_BAD_FILE', 400, 'Excel 文件无法读取', { field: 'file' });
    }
    const ws = wb.worksheets[0];
    if (!ws) throw new AppError('IMPORT_EMPTY', 400, '文件中没有数据', { field: 'file' });
    table = [];
    ws.eachRow({ includeEmpty: true }, (row, n) => {
      const values = (row.values as ExcelJS.CellValue[]).slice(1).map(cellValue);
      table[n - 1] = values;
    });
  } else if (lower.endsWith('.csv')) {
    if (isZip || buf.includes(0)) throw new AppError('IMPORT_BAD_FILE', 400, '文件内容不是 CSV 文本', { field: 'file' });
    const decoded = decodeCsvText(buf);
    badText = decoded.damaged ? damagedCellText : null;
    try {
      // Cells our CSV export neutralised ('=…) read back as they were.
      table = (parseCsv(decoded.text, { bom: true, relax_column_count: true, skip_empty_lines: false }) as string[][]).map((r) => r.map(restoreCell));
    } catch (err) {
      throw new AppError('IMPORT_BAD_FILE', 400, 'CSV 文件格式有误', { field: 'file', detail: err instanceof Error ? err.message.slice(0, 200) : undefined });
    }
  } else {
    throw new AppError('IMPORT_BAD_TYPE', 415, '只支持 .csv 和 .xlsx 文件', { field: 'file' });
  }
  const header = (table[0] ?? []).map((c) => String(c ?? ''));
  const { keys, moneyScale, unknown } = mapHeaders(header, catalog);
  if (table.length - 1 > MAX_IMPORT_ROWS) throw new AppError('IMPORT_TOO_MANY_ROWS', 413, '行数超过上限', { detail: `最多 ${MAX_IMPORT_ROWS} 行`, field: 'file' });
  const rows: SheetRow[] = [];
  for (let i = 1; i < table.length; i++) {
    const cells = table[i] ?? [];
    if (cells.every((c) => c === null || c === undefined || String(c).trim() === '')) continue;
    const raw: Record<string, unknown> = {};
    const errors: Array<{ column: string; reason: string }> = [];
    keys.forEach((k, j) => {
      if (!k) return;
      const cell = cells[j];
      const bad = badText && typeof cell === 'string' ? badText(cell) : null;
      if (bad) errors.push({ column: k, reason: bad });
      else raw[k] = cell ?? null;
    });
    rows.push(errors.length ? { row: i + 1, raw, errors } : { row: i + 1, raw });
  }
  return { rows, moneyScale, unknownColumns: unknown };
}

/** Export columns: label (with unit for money, in 元), then the value as people read it. */
function exportColumns(catalog: ReadonlyMap<string, AttributeDef>): Array<{ header: string; get: (v: EnterpriseView) => unknown }> {
  const cols: Array<{ header: string; get: (v: EnterpriseView) => unknown }> = [];
  for (const a of catalog.values()) {
    const header = a.type === 'money' ? `${a.label}（元）` : a.label;
    const read = (v: EnterpriseView): unknown => (a.builtin ? (v as unknown as Record<string, unknown>)[a.key] : v.attrs[a.key]);
    if (a.type === 'money') cols.push({ header, get: (v) => { const n = read(v); return typeof n === 'number' ? n / 100 : null; } });
    else if (a.type === 'tags') cols.push({ header, get: (v) => { const t = read(v); return Array.isArray(t) ? t.join('、') : null; } });
    else if (a.type === 'boolean') cols.push({ header, get: (v) => { const b = read(v); return b === true ? '是' : b === false ? '否' : null; } });
    else cols.push({ header, get: read });
  }
  return cols;
}

export async function toXlsx(items: EnterpriseView[], catalog: ReadonlyMap<string, AttributeDef>): Promise<Buffer> {
  const cols = exportColumns(catalog);
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('企业名录');
  ws.addRow(cols.map((c) => c.header)).font = { bold: true };
  for (const v of items) ws.addRow(cols.map((c) => c.get(v) ?? null));
  ws.columns.forEach((c) => (c.width = 18));
  return Buffer.from(await wb.xlsx.writeBuffer());
}

export function toCsv(items: EnterpriseView[], catalog: ReadonlyMap<string, AttributeDef>): string {
  const cols = exportColumns(catalog);
  // Formula-like cells neutralised, with a BOM (platform/csv.ts).
  return writeCsv([cols.map((c) => c.header), ...items.map((v) => cols.map((c) => c.get(v) ?? ''))]);
}

export async function errorReportXlsx(errors: Array<{ row: number; column: string | null; reason: string }>, catalog: ReadonlyMap<string, AttributeDef>): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('错误明细');
  ws.addRow(['行号', '列', '原因']).font = { bold: true };
  for (const e of errors) ws.addRow([e.row, e.column ? (catalog.get(e.column)?.label ?? e.column) : '', e.reason]);
  ws.getColumn(1).width = 8;
  ws.getColumn(2).width = 20;
  ws.getColumn(3).width = 60;
  return Buffer.from(await wb.xlsx.writeBuffer());
}
