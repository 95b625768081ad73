// Test support: a fresh, migrated and seeded database per call, on PGlite by
// default or on native PostgreSQL when QIFU_TEST_DB=pg (CI runs both).
// Templates are prepared once per run by scripts/vitest-global-setup.ts.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { openDatabase, type DbHandle } from '../db/index.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteTemplate: string | null;
    pgTemplate: string | null;
    pgAdminUrl: string | null;
  }
}

export type TestBackend = 'pglite' | 'pg';

export function testBackend(): TestBackend {
  return process.env.QIFU_TEST_DB === 'pg' ? 'pg' : 'pglite';
}

function withDatabaseName(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** A new database holding the migrated schema, reference data and demo users. */
export async function testDatabase(): Promise<DbHandle> {
  if (testBackend() === 'pg') {
    const adminUrl = inject('pgAdminUrl');
    const template = inject('pgTemplate');
    if (!adminUrl || !template) throw new Error('QIFU_TEST_DB=pg needs TEST_DATABASE_URL (see README "Tests")');
    const name = `qifu_t_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    try {
      await admin.query(`create database ${name} template ${template}`);
    } finally {
      await admin.end();
    }
    const h = await openDatabase({ databaseUrl: withDatabaseName(adminUrl, name) });
    return {
      ...h,
      async close() {
        await h.close();
        const c = new pg.Client({ connectionString: adminUrl });
        await c.connect();
        try {
          await c.query(`drop database if exists ${name} with (force)`);
        } finally {
          await c.end();
        }
      },
    };
  }
  const template = inject('pgliteTemplate');
  return openDatabase({ dataDir: 'memory://', loadFrom: template ?? undefined });
}
