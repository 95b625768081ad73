// Prepares one migrated + seeded template database per test run, so each
// test file starts from a copy instead of running initdb and migrations again.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { loadConfig } from '../src/platform/config.ts';
import { openDatabase } from '../src/platform/db/index.ts';
import { migrateAll, seedAll } from '../src/server/bootstrap.ts';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const config = { ...loadConfig({}), demo: true };
  const quiet = (): void => undefined;
  if (process.env.QIFU_TEST_DB === 'pg') {
    const adminUrl = process.env.TEST_DATABASE_URL;
    if (!adminUrl) throw new Error('QIFU_TEST_DB=pg needs TEST_DATABASE_URL, e.g. postgres://postgres@127.0.0.1:5432/postgres');
    const template = `qifu_tpl_${process.pid}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`drop database if exists ${template}`);
    await admin.query(`create database ${template}`);
    await admin.end();
    const u = new URL(adminUrl);
    u.pathname = `/${template}`;
    const h = await openDatabase({ databaseUrl: u.toString() });
    await migrateAll(h.db);
    await seedAll(h.db, config, true, quiet);
    await h.close();
    project.provide('pgAdminUrl', adminUrl);
    project.provide('pgTemplate', template);
    project.provide('pgliteTemplate', null);
    return async () => {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`drop database if exists ${template} with (force)`);
      await c.end();
    };
  }
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'qifu-test-')), 'template.tar');
  const h = await openDatabase({ dataDir: 'memory://' });
  await migrateAll(h.db);
  await seedAll(h.db, config, true, quiet);
  await h.dump!(file);
  await h.close();
  project.provide('pgliteTemplate', file);
  project.provide('pgTemplate', null);
  project.provide('pgAdminUrl', null);
  return async () => fs.rmSync(path.dirname(file), { recursive: true, force: true });
}
