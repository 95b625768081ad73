import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type {} from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { fileTypeFromBuffer } from 'file-type';
import { AppError, Errors } from './errors.ts';
import { stringProblem } from './input.ts';

/**
 * Content-addressed file storage under `<dataDir>/files/<first 2 hex>/<sha256>`
 * (both backends use the configured data directory). The same bytes are stored
 * once; a file is written to a temporary name and renamed, so a reader never
 * sees half a file. What a file *is* comes from its magic bytes, never from
 * its name.
 */
export interface StoredFile {
  hash: string;
  size: number;
  /** False when the same content was already stored (deduplicated). */
  created: boolean;
}

const HASH_RE = /^[0-9a-f]{64}$/;

export function sha256Hex(buf: Buffer): string {
  return createHash('sha256').update(buf).digest('hex');
}

export class FileStore {
  readonly root: string;
  constructor(dataDir: string) {
    // An in-memory database (tests, e2e) keeps its files in a per-process temporary directory.
    this.root = dataDir.startsWith('memory://') ? path.join(os.tmpdir(), `qifu-files-${process.pid}`) : path.resolve(dataDir, 'files');
  }

  pathOf(hash: string): string {
    if (!HASH_RE.test(hash)) throw new Error(`not a sha256 hash: ${hash}`);
    return path.join(this.root, hash.slice(0, 2), hash);
  }

  async put(buf: Buffer): Promise<StoredFile> {
    const hash = sha256Hex(buf);
    const target = this.pathOf(hash);
    try {
      await fs.access(target);
      return { hash, size: buf.length, created: false };
    } catch {
      // not there yet
    }
    await fs.mkdir(path.dirname(target), { recursive: true });
    const tmp = `${target}.${randomBytes(6).toString('hex')}.tmp`;
    await fs.writeFile(tmp, buf, { mode: 0o600 });
    await fs.rename(tmp, target);
    return { hash, size: buf.length, created: true };
  }

  async read(hash: string): Promise<Buffer> {
    return fs.readFile(this.pathOf(hash));
  }

  async exists(hash: string): Promise<boolean> {
    try {
      await fs.access(this.pathOf(hash));
      return true;
    } catch {
      return false;
    }
  }
}

/** Upload types by canonical extension; `jpg` covers .jpg and .jpeg names. */
export const KNOWN_UPLOAD_TYPES: Record<string, { mime: string; names: string[]; label: string }> = {
  pdf: { mime: 'application/pdf', names: ['pdf'], label: 'PDF' },
  png: { mime: 'image/png', names: ['png'], label: 'PNG 图片' },
  jpg: { mime: 'image/jpeg', names: ['jpg', 'jpeg'], label: 'JPEG 图片' },
  docx: { mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', names: ['docx'], label: 'Word 文档（docx）' },
  xlsx: { mime: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', names: ['xlsx'], label: 'Excel 表格（xlsx）' },
};

export interface CheckedFile {
  /** Canonical extension of the detected type (pdf, png, jpg, docx, xlsx …). */
  ext: string;
  mime: string;
}

/**
 * Checks an upload by its bytes: the detected type must be on the allow-list
 * and the file name's extension must agree with it (a PNG named .pdf, or an
 * .exe renamed .pdf, is refused). Throws 415 with a clear code otherwise.
 */
export async function checkUploadType(buf: Buffer, filename: string, allowed: readonly string[]): Promise<CheckedFile> {
  const allowedText = allowed.map((a) => KNOWN_UPLOAD_TYPES[a]?.label ?? a).join('、');
  const detected = buf.length ? await fileTypeFromBuffer(buf) : undefined;
  if (!detected) throw new AppError('FILE_TYPE_UNKNOWN', 415, '无法识别文件类型', { field: 'file', detail: `文件内容不是可识别的格式；允许：${allowedText}` });
  const ext = detected.ext === 'jpeg' ? 'jpg' : detected.ext;
  if (!allowed.includes(ext)) {
    throw new AppError('FILE_TYPE_NOT_ALLOWED', 415, '不允许的文件类型', { field: 'file', detail: `文件内容为 ${detected.ext}（${detected.mime}），不在允许范围内；允许：${allowedText}`, extra: { detected: detected.ext } });
  }
  const nameExt = path.extname(filename).slice(1).toLowerCase();
  const names = KNOWN_UPLOAD_TYPES[ext]?.names ?? [ext];
  if (!names.includes(nameExt)) {
    throw new AppError('FILE_TYPE_MISMATCH', 415, '文件名与文件内容不符', { field: 'file', detail: `文件名为 .${nameExt || '（无扩展名）'}，内容却是 ${detected.ext}；请上传真实的 ${names.map((n) => `.${n}`).join('/')} 文件或更正文件名`, extra: { detected: detected.ext } });
  }
  return { ext, mime: KNOWN_UPLOAD_TYPES[ext]?.mime ?? detected.mime };
}

export interface Upload {
  /** The file name as sent (checked: no NUL, valid UTF-8); callers cut it to their column's length. */
  filename: string;
  buf: Buffer;
}

/**
 * Reads the one file of a multipart/form-data request, mapping every way the
 * body can be wrong to a 4xx (SPEC §10): not multipart → 415; a file over
 * `fileSize` → `tooLarge()`; a body cut off mid-part or otherwise malformed →
 * 400 MULTIPART_MALFORMED; no file → 400; a file name with NUL or bytes that
 * are not UTF-8 → 400 naming the field `file`.
 */
export async function readUpload(req: FastifyRequest, limits: { fileSize: number; tooLarge: () => AppError }): Promise<Upload> {
  if (!req.isMultipart()) throw new AppError('UNSUPPORTED_MEDIA_TYPE', 415, '请以 multipart/form-data 上传文件', { field: 'file' });
  let file;
  let buf: Buffer;
  try {
    file = await req.file({ limits: { fileSize: limits.fileSize, files: 1, fields: 5 } });
    if (!file) throw Errors.validation('file', '请选择要上传的文件');
    buf = await file.toBuffer();
  } catch (e) {
    throw uploadError(e, limits.tooLarge);
  }
  if (file.file.truncated) throw limits.tooLarge();
  checkUploadName(file.filename);
  return { filename: file.filename, buf };
}

function uploadError(e: unknown, tooLarge: () => AppError): AppError {
  if (e instanceof AppError) return e;
  const err = e as { code?: string; statusCode?: number };
  if (err.code === 'FST_REQ_FILE_TOO_LARGE' || err.statusCode === 413) return tooLarge();
  if (err.code === 'FST_INVALID_MULTIPART_CONTENT_TYPE') return new AppError('UNSUPPORTED_MEDIA_TYPE', 415, '请以 multipart/form-data 上传文件', { field: 'file' });
  // Everything else here comes from parsing the body: "Unexpected end of form", "Part terminated early", "Malformed part header" …
  return new AppError('MULTIPART_MALFORMED', 400, '上传内容不完整或格式有误', { field: 'file', detail: '上传的请求体被截断或不是有效的 multipart/form-data，请重新上传' });
}

/** A file name must be storable text: no NUL, no bytes that decoded to U+FFFD (not UTF-8), no lone surrogates. */
export function checkUploadName(filename: string): void {
  const problem = stringProblem(filename);
  if (problem === 'NUL_BYTE') throw new AppError('NUL_BYTE', 400, '输入含有空字符（NUL）', { field: 'file', detail: '文件名含有 U+0000 空字符，请更改文件名后重新上传' });
  if (problem === 'INVALID_UTF8' || filename.includes('\uFFFD')) {
    throw new AppError('INVALID_UTF8', 400, '输入不是有效的 UTF-8 文本', { field: 'file', detail: '文件名不是有效的 UTF-8 文本，请更改文件名后重新上传' });
  }
}
