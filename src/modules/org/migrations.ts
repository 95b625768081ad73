import { sql, type Kysely } from 'kysely';
import type { MigrationSet } from '../../platform/migrations.ts';

export interface OrgUnitsTable {
  code: string;
  name: string;
  kind: 'department' | 'street';
  district: string;
  sort: number;
}

declare module '../../platform/db/schema.ts' {
  interface Database {
    org_units: OrgUnitsTable;
  }
}

export const orgMigrations: MigrationSet = {
  '0100_org_units': {
    async up(db: Kysely<unknown>) {
      await sql`
        create table org_units (
          code text primary key,
          name text not null,
          kind text not null check (kind in ('department','street')),
          district text not null,
          sort int not null default 0
        );
      `.execute(db);
    },
  },
};
