import { sql, type Kysely } from 'kysely';
import type { MigrationSet } from '../../platform/migrations.ts';

/** One throttle key (login or password change, per account + address or per address); see platform/auth/rate-limit.ts. */
export interface AuthThrottleTable {
  key: string;
  level: number;
  leak_from: Date;
  blocked_until: Date | null;
  updated_at: Date;
}

// users, sessions and api_tokens are platform tables (created in 0001); this
// module adds what it needs to them. The platform's bearer-token lookup reads
// expires_at as well.
declare module '../../platform/db/schema.ts' {
  interface Database {
    auth_throttle: AuthThrottleTable;
  }
  interface ApiTokensTable {
    expires_at: Date | null;
    revoked_at: Date | null;
  }
}

export const userMigrations: MigrationSet = {
  '0150_users_throttle_and_tokens': {
    async up(db: Kysely<unknown>) {
      await sql`
        create table auth_throttle (
          key text primary key,
          level int not null,
          leak_from timestamptz not null,
          blocked_until timestamptz,
          updated_at timestamptz not null
        );
        create index auth_throttle_updated on auth_throttle (updated_at);
        alter table api_tokens add column expires_at timestamptz;
        alter table api_tokens add column revoked_at timestamptz;
        create index api_tokens_user on api_tokens (user_id);
      `.execute(db);
    },
  },
};
