import type { Config } from '../platform/config.ts';
import type { Db } from '../platform/db/schema.ts';
import { migrateToLatest, platformMigrations } from '../platform/migrations.ts';
import { MODULES } from './modules.ts';

/** Applies every pending migration of the platform and all modules. */
export async function migrateAll(db: Db): Promise<string[]> {
  const { applied } = await migrateToLatest(db, [platformMigrations, ...MODULES.map((m) => m.migrations ?? {})]);
  return applied;
}

/** Reference data always; demo data when `demo`. Idempotent: safe on every start. */
export async function seedAll(db: Db, config: Config, demo: boolean, log: (line: string) => void): Promise<void> {
  for (const m of MODULES) await m.seed?.({ db, config }, { demo, log });
}
