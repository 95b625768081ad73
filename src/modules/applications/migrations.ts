import { sql, type ColumnType, type Generated, type Kysely } from 'kysely';
import type { MigrationSet } from '../../platform/migrations.ts';
import type { ApplicationStatus } from './domain/state.ts';

export interface ApplicationsTable {
  id: Generated<number>;
  policy_id: number;
  /** The published policy version the application was made under. */
  policy_version: number;
  policy_title: string;
  department: string;
  uscc: string;
  enterprise_name: string;
  /** Year (Asia/Shanghai) the application was opened: one live application per (policy, enterprise, period). */
  period: string;
  status: ColumnType<ApplicationStatus, ApplicationStatus | undefined, ApplicationStatus>;
  form: ColumnType<Record<string, unknown>, string, string>;
  amount_fen: number | null;
  reason: string | null;
  submitted_at: Date | null;
  /** Deadline of the step in progress (F-8): review due after submission, supplement due after return. */
  review_due: string | null;
  supplement_due: string | null;
  /** The deadline ran into a year without calendar data: computed Monday–Friday (暂定), recomputed when the year is loaded (F-9). */
  review_due_provisional: Generated<boolean>;
  supplement_due_provisional: Generated<boolean>;
  /** What the deadline of the step in progress counts from (its start day and working days), to recompute it. */
  deadline_from: string | null;
  deadline_workdays: number | null;
  decided_at: Date | null;
  decided_by: string | null;
  created_by: string;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface ApplicationEventsTable {
  id: Generated<number>;
  application_id: number;
  action: string;
  from_status: string | null;
  to_status: string;
  actor: string;
  actor_name: string;
  role: string;
  at: Generated<Date>;
  note: string | null;
  amount_fen: number | null;
  /** The deadline this step set (review or supplement), if any. */
  deadline: string | null;
  deadline_provisional: Generated<boolean>;
}

export interface ApplicationFilesTable {
  id: Generated<number>;
  application_id: number;
  material: string | null;
  filename: string;
  ext: string;
  mime: string;
  size: number;
  hash: string;
  uploaded_by: string;
  uploaded_at: Generated<Date>;
}

export interface ApplicationSettingsTable {
  policy_id: number;
  review_days: number;
  supplement_days: number;
  allowed_types: ColumnType<string[], string[], string[]>;
  max_file_bytes: number;
  updated_by: string;
  updated_at: Generated<Date>;
}

declare module '../../platform/db/schema.ts' {
  interface Database {
    applications: ApplicationsTable;
    application_events: ApplicationEventsTable;
    application_files: ApplicationFilesTable;
    application_settings: ApplicationSettingsTable;
  }
}

export const applicationMigrations: MigrationSet = {
  '0500_applications': {
    async up(db: Kysely<unknown>) {
      await sql`
        create table applications (
          id bigserial primary key,
          policy_id bigint not null,
          policy_version integer not null,
          policy_title text not null,
          department text not null,
          uscc text not null,
          enterprise_name text not null,
          period text not null,
          status text not null default 'draft' check (status in ('draft','submitted','returned','approved','rejected')),
          form jsonb not null,
          amount_fen bigint check (amount_fen > 0),
          reason text,
          submitted_at timestamptz,
          review_due date,
          supplement_due date,
          decided_at timestamptz,
          decided_by text,
          created_by text not null,
          created_at timestamptz not null default now(),
          updated_at timestamptz not null default now()
        );
        -- One live application per policy, enterprise and period; a rejected one may be followed by a new one.
        create unique index applications_one_live on applications (policy_id, uscc, period) where status <> 'rejected';
        create index applications_uscc on applications (uscc);
        create index applications_department on applications (department, status);
        create table application_events (
          id bigserial primary key,
          application_id bigint not null references applications(id),
          action text not null,
          from_status text,
          to_status text not null,
          actor text not null,
          actor_name text not null,
          role text not null,
          at timestamptz not null default now(),
          note text,
          amount_fen bigint,
          deadline date
        );
        create index application_events_app on application_events (application_id, id);
        create table application_files (
          id bigserial primary key,
          application_id bigint not null references applications(id),
          material text,
          filename text not null,
          ext text not null,
          mime text not null,
          size bigint not null,
          hash text not null,
          uploaded_by text not null,
          uploaded_at timestamptz not null default now()
        );
        create index application_files_app on application_files (application_id);
        create table application_settings (
          policy_id bigint primary key,
          review_days integer not null check (review_days between 1 and 60),
          supplement_days integer not null check (supplement_days between 1 and 60),
          allowed_types text[] not null,
          max_file_bytes bigint not null check (max_file_bytes > 0),
          updated_by text not null,
          updated_at timestamptz not null default now()
        );
      `.execute(db);
    },
  },
  '0501_applications_provisional_deadlines': {
    async up(db: Kysely<unknown>) {
      await sql`
        alter table applications
          add column review_due_provisional boolean not null default false,
          add column supplement_due_provisional boolean not null default false,
          add column deadline_from date,
          add column deadline_workdays integer check (deadline_workdays between 1 and 366);
        create index applications_provisional on applications (id) where review_due_provisional or supplement_due_provisional;
        alter table application_events add column deadline_provisional boolean not null default false;
      `.execute(db);
    },
  },
};
