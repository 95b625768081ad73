import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Config } from './config.ts';
import type { Db } from './db/schema.ts';
import type { JobHandler } from './jobs.ts';
import type { MigrationSet } from './migrations.ts';

/** What every module receives from the composition root. */
export interface AppContext {
  db: Db;
  config: Config;
  log: FastifyBaseLogger;
}

export interface SeedOptions {
  demo: boolean;
  log: (line: string) => void;
}

/**
 * A module's manifest: its ONLY public entry point (DESIGN "Layout"). The
 * server registers manifests in order; a module's routes plugin is mounted
 * under /api/v1.
 */
export interface ModuleManifest {
  name: string;
  migrations?: MigrationSet;
  routes?: (app: FastifyInstance, ctx: AppContext) => Promise<void>;
  jobs?: Record<string, JobHandler>;
  /** Idempotent: fills reference data (always) and demo data (when opts.demo). */
  seed?: (ctx: Pick<AppContext, 'db' | 'config'>, opts: SeedOptions) => Promise<void>;
}
