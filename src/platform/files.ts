import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileTypeFromBuffer } from 'file-type';
import { AppError } from './errors.ts';

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
