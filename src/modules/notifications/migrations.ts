import { sql, type ColumnType, type Generated, type Kysely } from 'kysely';
import type { MigrationSet } from '../../platform/migrations.ts';

export interface MessagesTable {
  id: Generated<number>;
  uscc: string;
  kind: string;
  title: string;
  body: string;
  link: string | null;
  created_at: Generated<Date>;
  read_at: Date | null;
}

export interface WebhookSubscribersTable {
  id: Generated<number>;
  name: string;
  url: string;
  secret: string;
  events: ColumnType<string[], string[], string[]>;
  active: ColumnType<boolean, boolean | undefined, boolean>;
  created_at: Generated<Date>;
}

export type DeliveryStatus = 'pending' | 'sending' | 'delivered' | 'failed';

export interface WebhookDeliveriesTable {
  id: Generated<number>;
  subscriber_id: number;
  event: string;
  payload: ColumnType<unknown, string, never>;
  status: ColumnType<DeliveryStatus, DeliveryStatus | undefined, DeliveryStatus>;
  attempts: ColumnType<number, number | undefined, number>;
  next_at: ColumnType<Date, Date | undefined, Date>;
  lease_until: Date | null;
  last_error: string | null;
  created_at: Generated<Date>;
  delivered_at: Date | null;
}

declare module '../../platform/db/schema.ts' {
  interface Database {
    messages: MessagesTable;
    webhook_subscribers: WebhookSubscribersTable;
    webhook_deliveries: WebhookDeliveriesTable;
  }
}

export const notificationMigrations: MigrationSet = {
  '0400_notifications': {
    async up(db: Kysely<unknown>) {
      await sql`
        create table messages (
          id bigserial primary key,
          uscc text not null,
          kind text not null,
          title text not null,
          body text not null,
          link text,
          created_at timestamptz not null default now(),
          read_at timestamptz
        );
        create index messages_uscc on messages (uscc, id desc);
        create table webhook_subscribers (
          id bigserial primary key,
          name text not null,
          url text not null,
          secret text not null,
          events text[] not null,
          active boolean not null default true,
          created_at timestamptz not null default now()
        );
        create table webhook_deliveries (
          id bigserial primary key,
          subscriber_id bigint not null references webhook_subscribers(id),
          event text not null,
          payload jsonb not null,
          status text not null default 'pending' check (status in ('pending','sending','delivered','failed')),
          attempts int not null default 0,
          next_at timestamptz not null default now(),
          lease_until timestamptz,
          last_error text,
          created_at timestamptz not null default now(),
          delivered_at timestamptz
        );
        create index webhook_deliveries_due on webhook_deliveries (next_at) where status in ('pending','sending');
      `.execute(db);
    },
  },
};
