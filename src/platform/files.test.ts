import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkUploadType, FileStore, sha256Hex } from './files.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qifu-files-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const PDF = Buffer.from('%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n');
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8ffff3f0005fe02fea7d6a4f50000000049454e44ae426082', 'hex');
function exe(): Buffer {
  const b = Buffer.alloc(512);
  b.write('MZ');
  b.writeUInt32LE(0x80, 0x3c);
  b.write('PE\0\0', 0x80, 'binary');
  return b;
}
const ALLOWED = ['pdf', 'png', 'jpg', 'docx', 'xlsx'];

describe('content-addressed file store', () => {
  it('stores by sha256 under files/<prefix>/<hash>, once per content', async () => {
    const store = new FileStore(dir);
    const a = await store.put(PDF);
    expect(a).toEqual({ hash: sha256Hex(PDF), size: PDF.length, created: true });
    expect(fs.existsSync(path.join(dir, 'files', a.hash.slice(0, 2), a.hash))).toBe(true);
    const again = await store.put(Buffer.from(PDF));
    expect(again.created).toBe(false);
    expect(fs.readdirSync(path.join(dir, 'files', a.hash.slice(0, 2)))).toEqual([a.hash]);
    expect((await store.read(a.hash)).equals(PDF)).toBe(true);
    expect(() => store.pathOf('../../etc/passwd')).toThrow(/sha256/);
  });
});

describe('upload type by magic bytes', () => {
  it('accepts a real PDF named .pdf and a PNG named .PNG', async () => {
    expect(await checkUploadType(PDF, '营业执照.pdf', ALLOWED)).toEqual({ ext: 'pdf', mime: 'application/pdf' });
    expect((await checkUploadType(PNG, 'scan.PNG', ALLOWED)).ext).toBe('png');
  });

  it('refuses a PNG named .pdf, an .exe renamed .pdf, unknown bytes and types off the allow-list', async () => {
    await expect(checkUploadType(PNG, 'licence.pdf', ALLOWED)).rejects.toMatchObject({ code: 'FILE_TYPE_MISMATCH', status: 415 });
    await expect(checkUploadType(exe(), 'report.pdf', ALLOWED)).rejects.toMatchObject({ code: 'FILE_TYPE_NOT_ALLOWED', status: 415 });
    await expect(checkUploadType(Buffer.from('just text, no magic'), 'a.pdf', ALLOWED)).rejects.toMatchObject({ code: 'FILE_TYPE_UNKNOWN', status: 415 });
    await expect(checkUploadType(Buffer.alloc(0), 'a.pdf', ALLOWED)).rejects.toMatchObject({ code: 'FILE_TYPE_UNKNOWN' });
    await expect(checkUploadType(PNG, 'a.png', ['pdf'])).rejects.toMatchObject({ code: 'FILE_TYPE_NOT_ALLOWED' });
  });
});
