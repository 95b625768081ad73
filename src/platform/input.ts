import { isUtf8 } from 'node:buffer';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from './errors.ts';

/**
 * Input that no handler can store or walk safely is refused at the edge
 * (SPEC §10, F-5), before schema validation and before any handler:
 *
 * - NUL (U+0000) anywhere: PostgreSQL rejects it in text and jsonb;
 * - invalid UTF-8 in a JSON body, and lone UTF-16 surrogates ("\ud800" is
 *   valid JSON but not storable text: jsonb rejects it, a text column would
 *   silently keep U+FFFD instead);
 * - numbers that JSON parses to ±Infinity (1e400), which JSON.stringify
 *   would store as null;
 * - nesting deeper than MAX_INPUT_DEPTH, which recursive code (rules,
 *   serialisers) would otherwise overflow the stack on.
 *
 * Keys are checked as well as values, in the body, the query string and the
 * path parameters. Each refusal is a 400 problem naming the field.
 */

/**
 * Containers (objects and arrays) nested in one request value. Above what the
 * rule validator itself allows (64 operator levels, about 130 JSON levels in a
 * policy body), so rules a little too deep still get its precise message.
 */
export const MAX_INPUT_DEPTH = 200;

export type InputPart = 'body' | 'querystring' | 'params';
export type InputProblemCode = 'NUL_BYTE' | 'INVALID_UTF8' | 'NUMBER_OUT_OF_RANGE' | 'INPUT_TOO_DEEP';

export interface InputProblem {
  code: InputProblemCode;
  /** Path of the offending value (or key) from the root of the part. */
  path: Array<string | number>;
  /** True when the problem is in a key rather than a value. */
  inKey?: boolean;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const LONE_SURROGATES = new RegExp(LONE_SURROGATE.source, 'g');

/** Why a string cannot be stored as PostgreSQL text, or null. */
export function stringProblem(s: string): 'NUL_BYTE' | 'INVALID_UTF8' | null {
  if (s.includes('\u0000')) return 'NUL_BYTE';
  if (LONE_SURROGATE.test(s)) return 'INVALID_UTF8';
  return null;
}

/**
 * The first unstorable thing in a parsed JSON value (or query/params object),
 * or null. Iterative, so a value nested 100,000 deep costs no stack.
 */
export function findUnstorable(value: unknown, maxDepth = MAX_INPUT_DEPTH): InputProblem | null {
  const stack: Array<{ v: unknown; path: Array<string | number>; depth: number }> = [{ v: value, path: [], depth: 0 }];
  while (stack.length) {
    const { v, path, depth } = stack.pop()!;
    if (typeof v === 'string') {
      const code = stringProblem(v);
      if (code) return { code, path };
    } else if (typeof v === 'number') {
      if (!Number.isFinite(v)) return { code: 'NUMBER_OUT_OF_RANGE', path };
    } else if (v !== null && typeof v === 'object') {
      if (depth + 1 > maxDepth) return { code: 'INPUT_TOO_DEEP', path };
      if (Array.isArray(v)) {
        for (let i = v.length - 1; i >= 0; i--) stack.push({ v: v[i], path: [...path, i], depth: depth + 1 });
      } else {
        const entries = Object.entries(v as Record<string, unknown>);
        for (const [k] of entries) {
          const code = stringProblem(k);
          if (code) return { code, path: [...path, k], inKey: true };
        }
        for (let i = entries.length - 1; i >= 0; i--) stack.push({ v: entries[i]![1], path: [...path, entries[i]![0]], depth: depth + 1 });
      }
    }
  }
  return null;
}

/** A field name fit to show: NUL and lone surrogates written as escapes; a deep path cut to its first levels. */
export function fieldName(path: ReadonlyArray<string | number>, maxSegments = 8): string {
  const escape = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  return path
    .slice(0, maxSegments)
    .map((p) => String(p).split('\u0000').join('\\u0000').replace(LONE_SURROGATES, escape))
    .join('.');
}

function leadingKeys(path: ReadonlyArray<string | number>, max: number): Array<string | number> {
  const out: Array<string | number> = [];
  for (const p of path) {
    if (typeof p !== 'string' || out.length >= max) break;
    out.push(p);
  }
  return out;
}

const WHERE: Record<InputPart, string> = { body: '请求内容', querystring: '查询参数', params: '路径参数' };

export function inputError(part: InputPart, p: InputProblem): AppError {
  // Too deep: the field is the first keys on the way down (benefit.amount), not hundreds of levels.
  const field = p.code === 'INPUT_TOO_DEEP' ? fieldName(leadingKeys(p.path, 2)) : fieldName(p.path);
  const what = `${WHERE[part]}${field ? `“${field}”` : ''}${p.inKey ? '的字段名' : ''}`;
  switch (p.code) {
    case 'NUL_BYTE':
      return new AppError('NUL_BYTE', 400, '输入含有空字符（NUL）', { field: field || undefined, detail: `${what}含有 U+0000 空字符，无法保存；请删除该字符` });
    case 'INVALID_UTF8':
      return new AppError('INVALID_UTF8', 400, '输入不是有效的 UTF-8 文本', { field: field || undefined, detail: `${what}含有无效的 Unicode 字符（孤立的代理项），无法保存` });
    case 'NUMBER_OUT_OF_RANGE':
      return new AppError('NUMBER_OUT_OF_RANGE', 400, '数值超出范围', { field: field || undefined, detail: `${what}不是有限的数值` });
    case 'INPUT_TOO_DEEP':
      return new AppError('INPUT_TOO_DEEP', 400, '输入嵌套层数过多', { field: field || undefined, detail: `${what}嵌套超过 ${MAX_INPUT_DEPTH} 层` });
  }
}

/** Throws the 400 for the first unstorable value of a request part. */
export function assertStorable(part: InputPart, value: unknown): void {
  if (value === undefined || value === null) return;
  const p = findUnstorable(value);
  if (p) throw inputError(part, p);
}

/**
 * The first query parameter whose percent-escapes are not UTF-8 (?q=%FF), or null. The query
 * parser keeps such text literally ("%FF"); the client meant bytes we cannot store as text.
 */
export function badQueryEncoding(rawQuery: string): string | null {
  for (const part of rawQuery.split('&')) {
    for (const run of part.match(/(?:%[0-9a-fA-F]{2})+/g) ?? []) {
      if (!isUtf8(Buffer.from(run.replace(/%/g, ''), 'hex'))) {
        const name = part.split('=')[0]!;
        try {
          return decodeURIComponent(name);
        } catch {
          return name;
        }
      }
    }
  }
  return null;
}

/** Checks path parameters, query string and body of every request (a preValidation hook). */
export async function rejectUnstorableInput(req: FastifyRequest): Promise<void> {
  const q = req.url.indexOf('?');
  const badQuery = q >= 0 ? badQueryEncoding(req.url.slice(q + 1)) : null;
  if (badQuery !== null) throw new AppError('INVALID_UTF8', 400, '输入不是有效的 UTF-8 文本', { field: fieldName([badQuery]) || undefined, detail: `查询参数“${fieldName([badQuery])}”的百分号编码不是有效的 UTF-8` });
  assertStorable('params', req.params);
  assertStorable('querystring', req.query);
  assertStorable('body', req.body);
}

/**
 * Installs the check: a JSON body parser that refuses invalid UTF-8 bytes
 * (Node would otherwise decode them to U+FFFD silently) and otherwise is
 * Fastify's own (prototype poisoning refused), then the preValidation hook.
 * Call after the authentication hook, so an anonymous caller still gets 401.
 */
export function installInputGuard(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (req, body, done) => {
    const buf = body as Buffer;
    if (!isUtf8(buf)) {
      done(new AppError('INVALID_UTF8', 400, '输入不是有效的 UTF-8 文本', { detail: '请求内容含有不是 UTF-8 编码的字节；请以 UTF-8 发送 JSON' }), undefined);
      return;
    }
    parseJson(req, buf.toString('utf8'), done);
  });
  app.addHook('preValidation', rejectUnstorableInput);
}
