import { sql, type Generated, type Kysely } from 'kysely';
import type { MigrationSet } from '../../platform/migrations.ts';

/** In-app messages to a department's staff (the enterprise inbox `messages` is per USCC). */
export interface StaffMessagesTable {
  id: Generated<number>;
  department: string;
  kind: string;
  title: string;
  body: string;
  link: string | null;
  created_at: Generated<Date>;
  read_at: Date | null;
}

/** One row per reminder ever sent: the unique key makes every reminder go out once. */
export interface RemindersSentTable {
  key: string;
  kind: string;
  sent_on: string;
  created_at: Generated<Date>;
}

declare module '../../platform/db/schema.ts' {
  interface Database {
    staff_messages: StaffMessagesTable;
    reminders_sent: RemindersSentTable;
  }
}

export const evaluationMigrations: MigrationSet = {
  '0900_reminders': {
    async up(db: Kysely<unknown>) {
      await sql`
        create table staff_messages (
          id bigserial primary key,
          department text not null,
          kind text not null,
          title text not null,
          body text not null,
          link text,
          created_at timestamptz not null default now(),
          read_at timestamptz
        );
        create index staff_messages_department on staff_messages (department, id desc);
        create table reminders_sent (
          key text primary key,
          kind text not null,
          sent_on date not null,
          created_at timestamptz not null default now()
        );
      `.execute(db);
    },
  },
};
