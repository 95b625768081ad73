import { describe, expect, it } from 'vitest';
import { runQifu } from '../testing.ts';

describe('qifu bench load (CLI contract)', () => {
  it('loads every enterprise into the matching columns beside the plain-object peer, and refuses a bad count', async () => {
    const [run, bad] = await Promise.all([runQifu(['bench', 'load', '--enterprises', '1500', '--seed', '2', '--json']), runQifu(['bench', 'load', '--enterprises', '0'])]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('qifu matching columns');
    const last = JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}') as { enterprises: number; database: string; results: { engine: string; seconds: number; rowsPerSec: number }[] };
    expect(last).toMatchObject({ enterprises: 1500, database: 'pglite' });
    expect(last.results.map((r) => r.engine)).toEqual(['rows → JS objects', 'qifu matching columns']);
    for (const r of last.results) expect(r.rowsPerSec).toBeGreaterThan(0);
    expect(bad.code).toBe(2);
  }, 120_000);
});
