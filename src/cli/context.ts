import os from 'node:os';
import type { Actor } from '../platform/audit.ts';
import { loadConfig, type Config } from '../platform/config.ts';
import type { DbHandle } from '../platform/db/index.ts';

/** The operator running the CLI, as recorded in the audit log. */
export function cliActor(): Actor {
  let name = 'operator';
  try {
    name = os.userInfo().username;
  } catch {
    // no passwd entry (containers): keep the generic name
  }
  return { userId: null, username: `cli:${name}`, role: 'admin' };
}

/**
 * Opens the configured database (DATABASE_URL or QIFU_DATA_DIR, as the server
 * does), brings it to the latest schema, runs `work`, and always closes it.
 */
export async function withDatabase<T>(work: (h: DbHandle, config: Config) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const { openDatabase } = await import('../platform/db/index.ts');
  const { migrateAll } = await import('../server/bootstrap.ts');
  const handle = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    await migrateAll(handle.db);
    return await work(handle, config);
  } finally {
    await handle.close();
  }
}

export function out(line: string): void {
  process.stdout.write(`${line}\n`);
}

export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
