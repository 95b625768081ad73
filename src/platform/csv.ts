import { stringify } from 'csv-stringify/sync';

/**
 * CSV written by the platform (SPEC §10, F-7 exports). A spreadsheet runs a
 * cell that begins with = + - @ (or a tab or carriage return before them) as
 * a formula: an enterprise could plant `=HYPERLINK(...)` in its own address
 * and have it run in an official's spreadsheet. Following the OWASP rule,
 * such a text cell gets a leading apostrophe, which spreadsheets show as
 * text. Numbers stay numbers (a negative amount is a value, not a formula).
 * Every CSV writer uses writeCsv; .xlsx exports need nothing, since exceljs
 * writes a string as a string cell and never as a formula.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export function neutraliseCell(v: unknown): unknown {
  return typeof v === 'string' && FORMULA_START.test(v) ? `'${v}` : v;
}

/** Undoes neutraliseCell on a cell read back from a CSV (our own export re-imported is unchanged). */
export function restoreCell(v: string): string {
  return v.length > 1 && v.startsWith("'") && FORMULA_START.test(v.slice(1)) ? v.slice(1) : v;
}

/** The CSV text of rows (header first), every cell neutralised; UTF-8 with a BOM so that Excel opens Chinese intact. */
export function writeCsv(rows: ReadonlyArray<ReadonlyArray<unknown>>, opts: { bom?: boolean } = {}): string {
  return (opts.bom === false ? '' : '\uFEFF') + stringify(rows.map((r) => r.map(neutraliseCell)));
}
