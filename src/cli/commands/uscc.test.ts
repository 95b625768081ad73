import { describe, expect, it } from 'vitest';
import { runQifu, type CliRun } from '../testing.ts';

function qifu(args: string[], stdin = ''): Promise<CliRun> {
  return runQifu(args, { stdin });
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
