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

  it('lists and revokes tokens, gives them an expiry, and a password reset revokes the rest (issue 12 item 7)', async () => {
    const year = new Date().getUTCFullYear() + 1;
    const dated = await qifu(['token', 'create', 'hotline', '--name', '数据接口', '--expires', `${year}-06-30`]);
    expect(dated.code).toBe(0);
    expect(dated.stdout.trim()).toMatch(/^qf_[A-Za-z0-9_-]{40,}$/);
    expect(dated.stderr).toContain(`expires ${year}-07-01 00:00`);
    const days = await qifu(['token', 'create', 'hotline', '--name', 'short', '--expires', '7']);
    expect(days.code).toBe(0);

    const json = await qifu(['token', 'list', 'hotline', '--json']);
    expect(json.code).toBe(0);
    const items = JSON.parse(json.stdout) as Array<{ id: number; name: string; status: string; expiresAt: string | null }>;
    expect(items.map((i) => i.name)).toEqual(['short', '数据接口', '12345']);
    expect(items.every((i) => i.status === 'active')).toBe(true);
    expect(json.stdout).not.toContain(dated.stdout.trim());
    const table = await qifu(['token', 'list', 'hotline']);
    expect(table.stdout.split('\n')[0]).toMatch(/^ID\s+STATUS\s+CREATED\s+LAST USED\s+EXPIRES\s+NAME$/);
    expect(table.stdout).toContain(`${year}-07-01 00:00`);

    const revoke = await qifu(['token', 'revoke', String(items[0]!.id)]);
    expect(revoke.code).toBe(0);
    expect(revoke.stdout).toMatch(/revoked token \d+ \(short\) of hotline/);
    expect((await qifu(['token', 'revoke', String(items[0]!.id)])).stdout).toMatch(/already revoked/);

    const passwd = await qifu(['user', 'passwd', 'hotline', '--password-stdin'], 'Hotline-2027\n');
    expect(passwd.code).toBe(0);
    expect(passwd.stdout).toMatch(/2 API token\(s\) revoked/);
    const final = JSON.parse((await qifu(['token', 'list', 'hotline', '--json'])).stdout) as Array<{ status: string }>;
    expect(final.every((i) => i.status === 'revoked')).toBe(true);

    // Exit codes: 1 for an unknown token or user, 2 for a malformed argument.
    expect((await qifu(['token', 'revoke', '999999'])).code).toBe(1);
    expect((await qifu(['token', 'list', 'ghost'])).code).toBe(1);
    for (const bad of [['token', 'revoke', 'abc'], ['token', 'revoke'], ['token', 'list'], ['token', 'create', 'hotline', '--expires', 'soon'], ['token', 'create', 'hotline', '--expires', '2020-01-01'], ['token', 'create', 'hotline', '--expires', '0']]) {
      const r = await qifu(bad);
      expect(r.code, bad.join(' ')).toBe(2);
    }
  }, 300_000);

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
    for (const args of [['--help'], ['user', '--help'], ['user', 'add', '--help'], ['audit', 'verify', '--help'], ['token', 'create', '--help'], ['token', 'list', '--help'], ['token', 'revoke', '--help'], ['user', 'passwd', '--help'], ['migrate', '--help'], ['seed', '--help']]) {
      const r = await qifu(args);
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.stdout).toMatch(/Usage: qifu/);
    }
  });
});
