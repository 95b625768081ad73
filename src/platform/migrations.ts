import { Migrator, sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import type { Database } from './db/schema.ts';

/**
 * One migration runner for the whole application. Every module owns its
 * migrations and hands them in through its manifest; names carry a sortable
 * prefix (`0100_org_…`) so a fresh database migrates in a stable order, and
 * unordered application is allowed so modules can add migrations independently.
 */
export type MigrationSet = Record<string, Migration>;

export const platformMigrations: MigrationSet = {
  '0001_platform_core': {
    async up(db: Kysely<unknown>) {
      await sql`
        create table audit_log (
          seq bigint primary key,
          at timestamptz not null,
          actor text not null,
          role text not null,
          action text not null,
          target text not null,
          digest text not null,
          prev_hash text not null,
          hash text not null
        );
        create table audit_head (
          id int primary key check (id = 1),
          seq bigint not null,
          hash text not null
        );
        create table jobs (
          id bigserial primary key,
          name text not null,
          payload jsonb not null default '{}'::jsonb,
          run_at timestamptz not null,
          status text not null default 'pending' check (status in ('pending','running','done','failed')),
          attempts int not null default 0,
          max_attempts int not null default 5,
          dedupe_key text,
          last_error text,
          created_at timestamptz not null default now(),
          done_at timestamptz
        );
        create index jobs_due on jobs (run_at) where status = 'pending';
        create unique index jobs_dedupe on jobs (name, dedupe_key) where dedupe_key is not null;
        create table users (
          id bigserial primary key,
          username text not null unique,
          display_name text not null,
          password_hash text not null,
          role text not null check (role in ('admin','dept','street','specialist','inspector','leader','enterprise')),
          department text,
          street text,
          uscc text,
          disabled boolean not null default false,
          demo boolean not null default false,
          created_at timestamptz not null default now(),
          password_changed_at timestamptz not null default now()
        );
        create table sessions (
          token_hash text primary key,
          user_id bigint not null references users(id) on delete cascade,
          csrf_token text not null,
          created_at timestamptz not null default now(),
          expires_at timestamptz not null
        );
        create table api_tokens (
          id bigserial primary key,
          user_id bigint not null references users(id) on delete cascade,
          name text not null,
          token_hash text not null unique,
          created_at timestamptz not null default now(),
          last_used_at timestamptz,
          revoked boolean not null default false
        );
        create table settings (
          key text primary key,
          value jsonb not null
        );
      `.execute(db);
    },
  },
  // Trigram indexes for fuzzy search (src/platform/search). PGlite loads the
  // extension in its worker; both backends still need it created per database.
  '0002_platform_search_extensions': {
    async up(db: Kysely<unknown>) {
      await sql`create extension if not exists pg_trgm`.execute(db);
    },
  },
};

class SetProvider implements MigrationProvider {
  constructor(private readonly set: MigrationSet) {}
  async getMigrations(): Promise<Record<string, Migration>> {
    return this.set;
  }
}

export interface MigrateResult {
  applied: string[];
}

export async function migrateToLatest(db: Kysely<Database>, sets: MigrationSet[]): Promise<MigrateResult> {
  const all: MigrationSet = {};
  for (const s of sets) {
    for (const [name, m] of Object.entries(s)) {
      if (all[name]) throw new Error(`duplicate migration name ${name}`);
      all[name] = m;
    }
  }
  const migrator = new Migrator({ db, provider: new SetProvider(all), allowUnorderedMigrations: true });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(`migration ${failed?.migrationName ?? '?'} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  return { applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName) };
}
