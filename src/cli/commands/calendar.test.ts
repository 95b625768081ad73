import { describe, expect, it } from 'vitest';
import { runQifu, type CliRun } from '../testing.ts';

function qifu(args: string[]): Promise<CliRun> {
  return runQifu(args);
}

describe('qifu calendar (CLI contract)', () => {
  it('answers is-workday and add-workdays, and fails clearly', async () => {
    // Each spawn costs about a second or more: a few, run side by side.
    const [is, json, missingYear, badN] = await Promise.all([
      qifu(['calendar', 'is-workday', '2024-02-04', '2024-02-10']),
      qifu(['calendar', 'add-workdays', '--json', '2024-02-19', '-2']),
      qifu(['calendar', 'is-workday', '2027-01-04']),
      qifu(['calendar', 'add-workdays', '2024-02-08', '1.5']),
    ]);
    expect([is.code, is.stdout]).toEqual([0, '2024-02-04 true\n2024-02-10 false\n']);
    expect(JSON.parse(json.stdout)).toEqual({ date: '2024-02-19', n: -2, result: '2024-02-09' });
    expect(missingYear.code).toBe(1);
    expect(missingYear.stderr).toContain('2027年');
    expect(missingYear.stdout).toBe('');
    expect(badN.code).toBe(2);
  });
});
