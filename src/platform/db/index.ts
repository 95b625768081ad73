import fs from 'node:fs';
import path from 'node:path';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.ts';
import { PgliteWorkerClient, pgliteDialect } from './pglite-dialect.ts';

export type DbKind = 'pglite' | 'pg';

export interface DbHandle {
  db: Kysely<Database>;
  kind: DbKind;
  /** Where the data lives, for logs: a directory or a redacted URL. */
  location: string;
  close(): Promise<void>;
  /** PGlite only: write the database as a tarball. */
  dump?: (file: string) => Promise<void>;
}

export interface DbOptions {
  /** postgres:// URL of a native server; when absent PGlite is used. */
  databaseUrl?: string;
  /** PGlite data directory, or 'memory://' for a throw-away database. */
  dataDir?: string;
  /** PGlite only: start from this tarball (made by `dumpPglite`) instead of an empty cluster. */
  loadFrom?: string;
}

// The native driver is told to return the same JS types as the PGlite worker:
// int8 as number (our counts and fen amounts stay below 2^53), numeric and
// date as strings (dates are 'YYYY-MM-DD' everywhere, never shifted by a time zone).
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => v);
pg.types.setTypeParser(pg.types.builtins.DATE, (v) => v);

export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://(unparsable url)';
  }
}

export async function openDatabase(opts: DbOptions): Promise<DbHandle> {
  if (opts.databaseUrl) {
    const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: 10 });
    // An idle connection the server drops (a restart, pg_terminate_backend, a dropped network)
    // is reported by the pool as an 'error' event; unheard, that event would end the process.
    // The pool has already discarded the connection and opens a new one when next asked.
    pool.on('error', (err) => process.stderr.write(`[qifu] database: an idle connection was closed by the server (${err.message}); a new one will be opened\n`));
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    await sql`select 1`.execute(db);
    return { db, kind: 'pg', location: redactUrl(opts.databaseUrl), close: () => db.destroy() };
  }
  const dataDir = opts.dataDir ?? './data';
  if (!dataDir.startsWith('memory://')) fs.mkdirSync(path.resolve(dataDir), { recursive: true });
  const client = new PgliteWorkerClient(dataDir.startsWith('memory://') ? dataDir : path.resolve(dataDir), opts.loadFrom);
  await client.ready;
  const db = new Kysely<Database>({ dialect: pgliteDialect(client) });
  return { db, kind: 'pglite', location: dataDir, close: () => db.destroy(), dump: (file: string) => client.dump(file) };
}
