import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackend } from '../platform/testing/test-db.ts';

const repo = path.resolve(import.meta.dirname, '../..');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

// The CLI contract (F-2): exit 0 on success, 1 on a domain failure, 2 on a usage error; --help everywhere.
describe.runIf(testBackend() === 'pglite')('qifu platform commands', () => {
  let dir: string;
  const qifu = (args: string[], input?: string): Promise<Run> =>
    new Promise((resolve) => {
      const child = execFile('node', ['bin/qifu.js', ...args], { cwd: repo, env: { ...process.env, QIFU_DATA_DIR: dir, DATABASE_URL: '', QIFU_DEMO: '0' } }, (err, stdout, stderr) =>
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
      if (input !== undefined) child.stdin?.end(input);
      else child.stdin?.end();
    });

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qifu-cli-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('seeds a non-demo database with one admin whose random password is printed once', async () => {
    const r = await qifu(['seed', '--no-demo']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/admin user created — username: admin {2}password: \S{12,}/);
    const again = await qifu(['seed', '--no-demo']);
    expect(again.stdout).not.toMatch(/password/);
  });

  it('adds a user from a password on stdin, lists it, and creates a token', async () => {
    const add = await qifu(['user', 'add', 'hotline', '--role', 'dept', '--department', 'rsj', '--name', '12345热线', '--password-stdin'], 'Hotline-2026\n');
    expect(add.code).toBe(0);
    expect(add.stdout).toMatch(/created user hotline/);
    const list = await qifu(['user', 'list', '--json']);
    const users = JSON.parse(list.stdout) as Array<{ username: string; role: string; scopeName?: string }>;
    expect(users.map((u) => u.username)).toEqual(['admin', 'hotline']);
    expect(users[1]).toMatchObject({ role: 'dept', scopeName: '区人社局' });
    const token = await qifu(['token', 'create', 'hotline', '--name', '12345']);
    expect(token.code).toBe(0);
    expect(token.stdout.trim()).toMatch(/^qf_[A-Za-z0-9_-]{40,}$/);
  });

  it('reports domain failures with exit 1 and usage errors with exit 2', async () => {
    const dup = await qifu(['user', 'add', 'hotline', '--role', 'leader']);
    expect(dup.code).toBe(1);
    expect(dup.stderr).toMatch(/用户名已被使用/);
    const noUser = await qifu(['user', 'passwd', 'ghost', '--password', 'Whatever-123']);
    expect(noUser.code).toBe(1);
    expect((await qifu(['user', 'add', 'x', '--role', 'root'])).code).toBe(2);
    expect((await qifu(['user', 'add'])).code).toBe(2);
    expect((await qifu(['no-such-command'])).code).toBe(2);
  });

  it('has --help on every command', async () => {
    for (const args of [['--help'], ['user', '--help'], ['user', 'add', '--help'], ['audit', 'verify', '--help'], ['token', 'create', '--help'], ['migrate', '--help'], ['seed', '--help']]) {
      const r = await qifu(args);
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.stdout).toMatch(/Usage: qifu/);
    }
  });
});
