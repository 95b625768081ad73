import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runQifu, type CliRun } from '../testing.ts';

const FIXTURE = fileURLToPath(new URL('../../../test/fixtures/holiday-cn-2027-synthetic.json', import.meta.url));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'qifu-cli-calendar-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** The CLI on its own PGlite directory (none at first), never a developer's ./data or DATABASE_URL. */
function qifu(args: string[], dataDir = path.join(tmp, 'none')): Promise<CliRun> {
  const env: NodeJS.ProcessEnv = { ...process.env, QIFU_DATA_DIR: dataDir };
  delete env.DATABASE_URL;
  return runQifu(args, { env });
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
    // A question never creates a database.
    expect(fs.existsSync(path.join(tmp, 'none'))).toBe(false);
    expect((await qifu(['calendar', 'years', '--db'])).stderr).toContain('no database');
  });

  it('loads a year (F-9): a bad file is exit 1 naming the problem; the loaded year then answers; an uncovered year still fails', async () => {
    const db = path.join(tmp, 'db');
    const unpublished = path.join(tmp, '2027-unpublished.json');
    fs.writeFileSync(unpublished, JSON.stringify({ year: 2027, papers: [], days: [] }));
    const bad = await qifu(['calendar', 'load', unpublished], db);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/节假日数据有误.*file\.days/);
    const notJson = path.join(tmp, 'not.json');
    fs.writeFileSync(notJson, '{"year": 2027,');
    expect((await qifu(['calendar', 'load', notJson], db)).stderr).toContain('is not JSON');
    expect((await qifu(['calendar', 'load'], db)).code).toBe(2);

    const loaded = await qifu(['calendar', 'load', FIXTURE, '--notice', '测试文号'], db);
    expect(loaded.code, loaded.stderr).toBe(0);
    expect(loaded.stdout).toMatch(/^loaded 2027 \(holiday-cn, 7 holiday periods, 4 make-up workdays/);
    // On PGlite a question opens the database only with --db (a running server owns it).
    const is = await qifu(['calendar', 'is-workday', '--db', '2027-01-01', '2027-01-04', '2027-02-20'], db);
    expect([is.code, is.stdout]).toEqual([0, '2027-01-01 false\n2027-01-04 true\n2027-02-20 true\n']);
    const builtinOnly = await qifu(['calendar', 'is-workday', '2027-01-04'], db);
    expect(builtinOnly.code).toBe(1);
    expect(builtinOnly.stderr).toContain('--db');
    const uncovered = await qifu(['calendar', 'is-workday', '--db', '2031-03-03'], db);
    expect(uncovered.code).toBe(1);
    expect(uncovered.stderr).toContain('2031年');
    const years = await qifu(['calendar', 'years', '--db'], db);
    expect(years.stdout).toMatch(/^2026 builtin 国办发明电〔2025〕7号$/m);
    expect(years.stdout).toMatch(/^2027 loaded 测试文号 \(cli:/m);
    const again = await qifu(['calendar', 'load', FIXTURE, '--notice', '测试文号（更正）'], db);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('--replace');
  }, 180_000);
});
