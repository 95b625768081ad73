import { sql } from 'kysely';
import type { Executor } from './schema.ts';

// Keep in step with pglite-worker.mjs.
const COPY_MARKER = '/*qifu:copy*/';
const COPY_COLUMN = '__qifu_copy';

/**
 * Bulk read for loading caches (the matching columns): the rows of `query`
 * as arrays of text fields (null for SQL NULL), as PostgreSQL's COPY text
 * format writes them. On PGlite the worker runs `COPY (query) TO '/dev/blob'`
 * — several times faster than PGlite's row-by-row result parsing; on native
 * PostgreSQL the marker is a comment and each row's columns are cast to
 * text by the query itself (callers write `col::text`). `query` must be
 * trusted SQL without parameters.
 */
export async function copyRows(db: Executor, query: string): Promise<Array<Array<string | null>>> {
  const res = await sql.raw<Record<string, string | null>>(`${COPY_MARKER}${query}`).execute(db);
  const first = res.rows[0];
  if (res.rows.length === 1 && first && COPY_COLUMN in first) {
    const text = first[COPY_COLUMN] ?? '';
    if (!text) return [];
    const lines = text.split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    return lines.map((line) => line.split('\t').map(copyField));
  }
  return res.rows.map((r) => {
    // One array per row (not Object.values and a mapped copy): this runs once per enterprise when loading.
    const out: Array<string | null> = [];
    for (const k in r) {
      const v = r[k] as unknown;
      out.push(v === null || v === undefined ? null : typeof v === 'string' ? v : String(v));
    }
    return out;
  });
}

/** One field of COPY's text format: \N is NULL; backslash escapes undone. */
export function copyField(f: string): string | null {
  if (f === '\\N') return null;
  if (!f.includes('\\')) return f;
  return f.replace(/\\(.)/g, (_m, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : c === 'r' ? '\r' : c === 'b' ? '\b' : c === 'f' ? '\f' : c === 'v' ? '\v' : c));
}

/** A one-dimensional PostgreSQL text[] literal ({a,"b c",NULL}) as strings; NULL elements dropped. */
export function parseTextArray(s: string): string[] {
  const out: string[] = [];
  if (s.length < 2 || s === '{}') return out;
  let i = 1;
  while (i < s.length - 1) {
    if (s[i] === '"') {
      let v = '';
      i++;
      while (i < s.length && s[i] !== '"') {
        if (s[i] === '\\') i++;
        v += s[i];
        i++;
      }
      out.push(v);
      i += 2; // closing quote and comma
    } else {
      let j = s.indexOf(',', i);
      if (j < 0 || j > s.length - 1) j = s.length - 1;
      const v = s.slice(i, j);
      if (v !== 'NULL') out.push(v);
      i = j + 1;
    }
  }
  return out;
}
