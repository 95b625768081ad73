import { sql, type ColumnType, type Generated, type Kysely } from 'kysely';
import type { MigrationSet } from '../../platform/migrations.ts';
import type { BatchStatus, ItemState } from './domain/batch.ts';

export interface BenefitBatchesTable {
  id: Generated<number>;
  policy_id: number;
  policy_version: number;
  /** 'auto' (免申即享, items from the eligibility rule) or 'apply' (申报, items from claims). */
  source: string;
  period: string;
  status: ColumnType<BatchStatus, BatchStatus | undefined, BatchStatus>;
  item_count: ColumnType<number, number | undefined, number>;
  total_fen: ColumnType<number, number | undefined, number>;
  payable_count: ColumnType<number, number | undefined, number>;
  payable_fen: ColumnType<number, number | undefined, number>;
  waiting_count: ColumnType<number, number | undefined, number>;
  waiting_fen: ColumnType<number, number | undefined, number>;
  held_count: ColumnType<number, number | undefined, number>;
  /** The policy's budget in fen at compute time; null = unlimited. */
  budget_fen: number | null;
  /** What was still available for this batch at compute time (budget − paid or committed elsewhere); null = unlimited. */
  available_fen: number | null;
  created_by: string;
  created_at: Generated<Date>;
  computed_at: ColumnType<Date, Date | string | undefined, Date | string>;
  approved_by: string | null;
  approved_at: Date | null;
  paid_at: Date | null;
}

export interface BenefitBatchItemsTable {
  batch_id: number;
  /** Position in the stated order (1-based): budget is applied in this order. */
  seq: number;
  uscc: string;
  name: string;
  amount_fen: number;
  state: ColumnType<ItemState, ItemState, ItemState>;
  reason: string | null;
  payment_ref: string;
  paid_at: Date | null;
}

export interface BenefitLedgerTable {
  id: Generated<number>;
  policy_id: number;
  period: string;
  uscc: string;
  amount_fen: number;
  policy_version: number;
  batch_id: number;
  payment_ref: string;
  paid_at: Generated<Date>;
}

export interface BenefitClaimsTable {
  id: Generated<number>;
  policy_id: number;
  version: number;
  period: string;
  uscc: string;
  amount_fen: number;
  application_id: number | null;
  created_at: Generated<Date>;
}

declare module '../../platform/db/schema.ts' {
  interface Database {
    benefit_batches: BenefitBatchesTable;
    benefit_batch_items: BenefitBatchItemsTable;
    benefit_ledger: BenefitLedgerTable;
    benefit_claims: BenefitClaimsTable;
  }
}

export const benefitMigrations: MigrationSet = {
  '0500_benefits': {
    async up(db: Kysely<unknown>) {
      await sql`
        create table benefit_batches (
          id bigserial primary key,
          policy_id bigint not null,
          policy_version integer not null,
          source text not null check (source in ('auto','apply')),
          period text not null,
          status text not null default 'draft' check (status in ('draft','approved','paying','paid')),
          item_count integer not null default 0,
          total_fen bigint not null default 0,
          payable_count integer not null default 0,
          payable_fen bigint not null default 0,
          waiting_count integer not null default 0,
          waiting_fen bigint not null default 0,
          held_count integer not null default 0,
          budget_fen bigint,
          available_fen bigint,
          created_by text not null,
          created_at timestamptz not null default now(),
          computed_at timestamptz not null default now(),
          approved_by text,
          approved_at timestamptz,
          paid_at timestamptz,
          unique (policy_id, period)
        );
        create table benefit_batch_items (
          batch_id bigint not null references benefit_batches(id),
          seq integer not null,
          uscc text not null,
          name text not null,
          amount_fen bigint not null check (amount_fen >= 0),
          state text not null check (state in ('pending','waiting_budget','held','paid')),
          reason text,
          payment_ref text not null,
          paid_at timestamptz,
          primary key (batch_id, uscc),
          unique (batch_id, seq)
        );
        create index benefit_batch_items_pending on benefit_batch_items (batch_id, seq) where state = 'pending';
        -- P-5 exactly once: one payment per (policy, period, enterprise), whatever happens.
        create table benefit_ledger (
          id bigserial primary key,
          policy_id bigint not null,
          period text not null,
          uscc text not null,
          amount_fen bigint not null check (amount_fen >= 0),
          policy_version integer not null,
          batch_id bigint not null references benefit_batches(id),
          payment_ref text not null unique,
          paid_at timestamptz not null default now(),
          unique (policy_id, period, uscc)
        );
        create index benefit_ledger_uscc on benefit_ledger (uscc);
        create table benefit_claims (
          id bigserial primary key,
          policy_id bigint not null,
          version integer not null,
          period text not null,
          uscc text not null,
          amount_fen bigint not null check (amount_fen >= 0),
          application_id bigint,
          created_at timestamptz not null default now(),
          unique (policy_id, period, uscc)
        );
      `.execute(db);
    },
  },
};
