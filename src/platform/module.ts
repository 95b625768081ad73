import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { AuthUser } from './access.ts';
import type { Config } from './config.ts';
import type { Db } from './db/schema.ts';
import type { JobHandler } from './jobs.ts';
import type { MigrationSet } from './migrations.ts';

/**
 * A section of 一企一页 (E-3) contributed by a module (policies, requests,
 * inspections, credit …). Sections without items are not shown.
 */
export interface EnterprisePageSection {
  key: string;
  title: string;
  items: Array<{ title: string; status?: string; date?: string; link?: string; detail?: string }>;
}

export type EnterprisePageContributor = (ctx: AppContext, uscc: string, user: AuthUser) => Promise<EnterprisePageSection | null>;

/** What every module receives from the composition root. */
export interface AppContext {
  db: Db;
  config: Config;
  log: FastifyBaseLogger;
  /** Registration points filled from every manifest by the server. */
  contributions: { enterprisePage: EnterprisePageContributor[] };
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
  /** Background loops started with the server (e.g. webhook delivery), stopped before it closes. */
  workers?: (ctx: AppContext) => { start(): void; stop(): Promise<void> };
  /** This module's section of 一企一页, if it has one. */
  enterprisePage?: EnterprisePageContributor;
  /** Idempotent: fills reference data (always) and demo data (when opts.demo). */
  seed?: (ctx: Pick<AppContext, 'db' | 'config'>, opts: SeedOptions) => Promise<void>;
}
