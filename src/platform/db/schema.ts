import type { ColumnType, Generated, Kysely, Transaction } from 'kysely';

/**
 * The database as Kysely sees it. Platform tables are declared here; each
 * module adds its own tables by augmenting this interface from its
 * migrations file (`declare module '.../platform/db/schema.ts'`), so the
 * module that owns a table is the one that declares it.
 */
export interface Database {
  audit_log: AuditLogTable;
  audit_head: AuditHeadTable;
  jobs: JobsTable;
  users: UsersTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  settings: SettingsTable;
}

export type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export interface AuditLogTable {
  seq: number;
  at: ColumnType<Date, Date | string, never>;
  actor: string;
  role: string;
  action: string;
  target: string;
  digest: string;
  prev_hash: string;
  hash: string;
}

export interface AuditHeadTable {
  id: number;
  seq: number;
  hash: string;
}

export type JobStatus = 'pending' | 'running' | 'done' | 'failed';

export interface JobsTable {
  id: Generated<number>;
  name: string;
  payload: ColumnType<unknown, string, string>;
  run_at: Timestamp;
  status: ColumnType<JobStatus, JobStatus | undefined, JobStatus>;
  attempts: ColumnType<number, number | undefined, number>;
  max_attempts: ColumnType<number, number | undefined, number>;
  dedupe_key: string | null;
  last_error: string | null;
  created_at: Generated<Date>;
  done_at: Date | null;
}

export type Role = 'admin' | 'dept' | 'street' | 'specialist' | 'inspector' | 'leader' | 'enterprise';

export interface UsersTable {
  id: Generated<number>;
  username: string;
  display_name: string;
  password_hash: string;
  role: Role;
  department: string | null;
  street: string | null;
  uscc: string | null;
  disabled: ColumnType<boolean, boolean | undefined, boolean>;
  demo: ColumnType<boolean, boolean | undefined, boolean>;
  created_at: Generated<Date>;
  password_changed_at: Generated<Date>;
}

export interface SessionsTable {
  token_hash: string;
  user_id: number;
  csrf_token: string;
  created_at: Generated<Date>;
  expires_at: Date;
}

export interface ApiTokensTable {
  id: Generated<number>;
  user_id: number;
  name: string;
  token_hash: string;
  created_at: Generated<Date>;
  last_used_at: Date | null;
  revoked: ColumnType<boolean, boolean | undefined, boolean>;
}

export interface SettingsTable {
  key: string;
  value: ColumnType<unknown, string, string>;
}

export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;
/** Either the database or a transaction: most helpers accept both. */
export type Executor = Kysely<Database> | Transaction<Database>;
