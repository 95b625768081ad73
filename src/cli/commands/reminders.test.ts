import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../platform/db/index.ts';
import { testBackend } from '../../platform/testing/test-db.ts';
import { runQifu } from '../testing.ts';

// `qifu reminders sweep` contract: exit 0 with the counts, 2 on a bad date; a rerun sends nothing twice.
let dir: string;
let env: NodeJS.ProcessEnv;
const qifu = (args: string[]) => runQifu(args, { env });

describe.skipIf(testBackend() === 'pg')('qifu reminders sweep', () => {
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qifu-reminders-'));
    env = { ...process.env, QIFU_DATA_DIR: dir, DATABASE_URL: '', QIFU_DEMO: '0' };
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('refuses a bad date with exit 2 (before opening the database)', async () => {
    for (const d of ['2026-13-01', 'tomorrow', '2026-02-30']) {
      const r = await qifu(['reminders', 'sweep', '--date', d]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain('--date');
    }
  });

  it('sweeps a day, prints the counts, and a rerun sends nothing twice', async () => {
    const empty = await qifu(['reminders', 'sweep', '--date', '2026-11-02', '--json']); // also creates the schema
    expect(empty.code, empty.stderr).toBe(0);
    expect(JSON.parse(empty.stdout)).toEqual({ day: '2026-11-02', windowReminders: 0, reviewReminders: 0 });
    // A published 申报 policy closing on Friday 2026-12-04, two eligible enterprises.
    const h = await openDatabase({ dataDir: dir });
    try {
      const p = await h.db
        .insertInto('policies')
        .values({ code: 'cli-reminder', department: 'scjgj', status: 'published', content: '{}', title: 'CLI 提醒测试', category: '资金补贴', mode: 'apply', apply_to: '2026-12-04', tags: [], published_version: 1, search_text: '', created_by: 'test' })
        .returning('id')
        .executeTakeFirstOrThrow();
      await h.db.insertInto('policy_matches').values(['91310112MA1G5B2K7T', '91310112MA1GB0000X'].map((uscc) => ({ policy_id: Number(p.id), version: 1, uscc, status: 'eligible' as const }))).execute();
    } finally {
      await h.close();
    }
    const r = await qifu(['reminders', 'sweep', '--date', '2026-12-01', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ day: '2026-12-01', windowReminders: 2, reviewReminders: 0 });
    const again = await qifu(['reminders', 'sweep', '--date', '2026-12-01']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('2026-12-01: 0 window reminders to enterprises, 0 review reminders to departments');
  }, 180_000);
});
