import { sql, type ColumnType, type Generated, type Kysely } from 'kysely';
import type { MigrationSet } from '../../platform/migrations.ts';
import { searchColumnsDdl } from '../../platform/search/index.ts';

export type PolicyStatus = 'draft' | 'review' | 'published' | 'expired' | 'withdrawn';

export interface PoliciesTable {
  id: Generated<number>;
  code: string;
  department: string;
  status: ColumnType<PolicyStatus, PolicyStatus | undefined, PolicyStatus>;
  /** The working copy (P-1 fields); published snapshots live in policy_versions. */
  content: ColumnType<Record<string, unknown>, string, string>;
  title: string;
  category: string;
  mode: string;
  valid_to: string | null;
  apply_to: string | null;
  tags: ColumnType<string[], string[], string[]>;
  published_version: ColumnType<number, number | undefined, number>;
  review_note: string | null;
  search_text: string;
  search_title: ColumnType<string, string | undefined, string>;
  search_points: ColumnType<string, string | undefined, string>;
  search_body: ColumnType<string, string | undefined, string>;
  created_by: string;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface PolicyVersionsTable {
  policy_id: number;
  version: number;
  content: ColumnType<Record<string, unknown>, string, never>;
  content_hash: string;
  published_at: Generated<Date>;
  published_by: string;
}

export interface PolicyMatchesTable {
  policy_id: number;
  version: number;
  uscc: string;
  status: 'eligible' | 'unknown' | 'near';
}

export interface PolicyMatchRunsTable {
  id: Generated<number>;
  policy_id: number;
  version: number;
  run_at: Generated<Date>;
  eligible: number;
  unknown: number;
  near: number;
  newly_eligible: ColumnType<string[], string, string>;
  no_longer_eligible: ColumnType<string[], string, string>;
}

declare module '../../platform/db/schema.ts' {
  interface Database {
    policies: PoliciesTable;
    policy_versions: PolicyVersionsTable;
    policy_matches: PolicyMatchesTable;
    policy_match_runs: PolicyMatchRunsTable;
  }
}

export const policyMigrations: MigrationSet = {
  '0300_policies': {
    async up(db: Kysely<unknown>) {
      await sql`
        create table policies (
          id bigserial primary key,
          code text not null unique,
          department text not null,
          status text not null default 'draft' check (status in ('draft','review','published','expired','withdrawn')),
          content jsonb not null,
          title text not null,
          category text not null,
          mode text not null check (mode in ('apply','auto')),
          valid_to date,
          apply_to date,
          tags text[] not null default '{}',
          published_version integer not null default 0,
          review_note text,
          search_text text not null default '',
          created_by text not null,
          created_at timestamptz not null default now(),
          updated_at timestamptz not null default now()
        );
        create index policies_status on policies (status);
        create table policy_versions (
          policy_id bigint not null references policies(id),
          version integer not null,
          content jsonb not null,
          content_hash text not null,
          published_at timestamptz not null default now(),
          published_by text not null,
          primary key (policy_id, version)
        );
        -- P-1: each publish is an immutable version; the database refuses to change one.
        create function policy_versions_immutable() returns trigger language plpgsql as $$
        begin
          raise exception 'policy versions are immutable';
        end $$;
        create trigger policy_versions_no_update before update or delete on policy_versions
          for each row execute function policy_versions_immutable();
        create table policy_matches (
          policy_id bigint not null,
          version integer not null,
          uscc text not null,
          status text not null check (status in ('eligible','unknown','near')),
          primary key (policy_id, version, uscc)
        );
        create index policy_matches_uscc on policy_matches (uscc);
        create table policy_match_runs (
          id bigserial primary key,
          policy_id bigint not null,
          version integer not null,
          run_at timestamptz not null default now(),
          eligible integer not null,
          unknown integer not null,
          near integer not null,
          newly_eligible jsonb not null,
          no_longer_eligible jsonb not null
        );
      `.execute(db);
    },
  },
  // P-3: jieba-segmented tokens in tsvector (weighted title/key points/body) + trigram on title and key points.
  '0301_policies_search': {
    async up(db: Kysely<unknown>) {
      await sql.raw(searchColumnsDdl('policies')).execute(db);
    },
  },
};
