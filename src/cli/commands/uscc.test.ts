import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../../../bin/qifu.js', import.meta.url));

function qifu(args: string[], stdin = ''): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

describe('qifu uscc check (CLI contract)', () => {
  it('prints one line per code, reads stdin for "-", exits 1 on any invalid code', async () => {
    const [mixed, stdin] = await Promise.all([
      qifu(['uscc', 'check', '91350100M000100Y43', '91350100M000100Y44']),
      qifu(['uscc', 'check', '-'], '91350100M000100Y43\n\n9131000013221158XC\r\n'),
    ]);
    expect(mixed.stdout).toBe('91350100M000100Y43 valid\n91350100M000100Y44 invalid: 第18位校验码错误：应为3，实际为4\n');
    expect(mixed.code).toBe(1);
    expect(stdin.stdout).toBe('91350100M000100Y43 valid\n9131000013221158XC valid\n');
    expect(stdin.code).toBe(0);
  });
});
