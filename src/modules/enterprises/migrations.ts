import { sql, type ColumnType, type Generated, type Kysely } from 'kysely';
import type { MigrationSet } from '../../platform/migrations.ts';

export interface EnterprisesTable {
  uscc: string;
  name: string;
  legal_rep: string | null;
  entity_type: string | null;
  industry: string | null;
  registered_capital: number | null;
  established: string | null;
  status: string;
  district: string;
  street: string | null;
  park: string | null;
  address: string | null;
  employees: number | null;
  insured_employees: number | null;
  revenue: number | null;
  tax_paid: number | null;
  rd_spending: number | null;
  tags: ColumnType<string[], string[], string[]>;
  credit_grade: string | null;
  risk_grade: string | null;
  attrs: ColumnType<Record<string, unknown>, string, string>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  version: Generated<number>;
}

export interface EnterpriseAttributesTable {
  key: string;
  label: string;
  type: string;
  unit: string | null;
  options: ColumnType<string[] | null, string | null, string | null>;
  description: string | null;
  /** Personal data (SPEC §11): masked except for admin and the enterprise itself. */
  personal: Generated<boolean>;
  created_at: Generated<Date>;
}

export interface EnterpriseChangesTable {
  id: Generated<number>;
  uscc: string;
  at: Generated<Date>;
  actor: string;
  action: string;
  /** {field: [before, after]} */
  diff: ColumnType<Record<string, [unknown, unknown]>, string, string>;
  source: string | null;
}

export interface EnterpriseAssignmentsTable {
  uscc: string;
  user_id: number;
}

export interface EnterpriseImportsTable {
  id: Generated<number>;
  at: Generated<Date>;
  actor: string;
  filename: string;
  total: number;
  inserted: number;
  updated: number;
  unchanged: number;
  failed: number;
  errors: ColumnType<Array<{ row: number; column: string | null; reason: string }>, string, string>;
}

declare module '../../platform/db/schema.ts' {
  interface Database {
    enterprises: EnterprisesTable;
    enterprise_attributes: EnterpriseAttributesTable;
    enterprise_changes: EnterpriseChangesTable;
    enterprise_assignments: EnterpriseAssignmentsTable;
    enterprise_imports: EnterpriseImportsTable;
  }
}

export const enterpriseMigrations: MigrationSet = {
  '0200_enterprises': {
    async up(db: Kysely<unknown>) {
      await sql`
        create table enterprises (
          uscc text primary key,
          name text not null,
          legal_rep text,
          entity_type text,
          industry text,
          registered_capital bigint check (registered_capital >= 0),
          established date,
          status text not null,
          district text not null,
          street text,
          park text,
          address text,
          employees integer check (employees >= 0),
          insured_employees integer check (insured_employees >= 0),
          revenue bigint check (revenue >= 0),
          tax_paid bigint check (tax_paid >= 0),
          rd_spending bigint check (rd_spending >= 0),
          tags text[] not null default '{}',
          credit_grade text,
          risk_grade text,
          attrs jsonb not null default '{}'::jsonb,
          created_at timestamptz not null default now(),
          updated_at timestamptz not null default now(),
          version integer not null default 1
        );
        create index enterprises_street on enterprises (street);
        create index enterprises_industry on enterprises (industry);
        create index enterprises_tags on enterprises using gin (tags);
        create index enterprises_name on enterprises (name);
        create table enterprise_attributes (
          key text primary key,
          label text not null,
          type text not null check (type in ('number','money','date','enum','tags','text','boolean')),
          unit text,
          options jsonb,
          description text,
          created_at timestamptz not null default now()
        );
        create table enterprise_changes (
          id bigserial primary key,
          uscc text not null,
          at timestamptz not null default now(),
          actor text not null,
          action text not null,
          diff jsonb not null,
          source text
        );
        create index enterprise_changes_uscc on enterprise_changes (uscc, id);
        create table enterprise_assignments (
          uscc text not null references enterprises(uscc) on delete cascade,
          user_id bigint not null references users(id) on delete cascade,
          primary key (uscc, user_id)
        );
        create table enterprise_imports (
          id bigserial primary key,
          at timestamptz not null default now(),
          actor text not null,
          filename text not null,
          total integer not null,
          inserted integer not null,
          updated integer not null,
          unchanged integer not null,
          failed integer not null,
          errors jsonb not null
        );
      `.execute(db);
    },
  },
  // Issue 12: attributes added at runtime can be personal data, masked like 法定代表人.
  '0201_enterprise_attributes_personal': {
    async up(db: Kysely<unknown>) {
      await sql`alter table enterprise_attributes add column personal boolean not null default false`.execute(db);
    },
  },
};
