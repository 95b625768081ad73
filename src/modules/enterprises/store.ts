import { sql, type Selectable } from 'kysely';
import type { Actor } from '../../platform/audit.ts';
import { appendAudit } from '../../platform/audit.ts';
import { copyRows, parseTextArray } from '../../platform/db/copy.ts';
import type { Executor, Tx } from '../../platform/db/schema.ts';
import { sm3 } from '../../core/crypto/sm.ts';
import { BUILTIN_ATTRIBUTES, BUILTIN_BY_KEY } from './domain/attributes.ts';
import type { FieldError, FlatValues } from './domain/normalise.ts';
import type { AttrValue } from './domain/values.ts';
import type { EnterprisesTable } from './migrations.ts';

export type EnterpriseRow = Selectable<EnterprisesTable>;

/** DB row → flat attribute map (builtin keys + custom attrs), as rules and the API see it. */
export function rowToFlat(row: EnterpriseRow): FlatValues {
  const flat: FlatValues = {};
  for (const a of BUILTIN_ATTRIBUTES) flat[a.key] = (row as unknown as Record<string, AttrValue>)[a.column] ?? null;
  flat.tags = row.tags ?? [];
  const attrs = (row.attrs ?? {}) as Record<string, AttrValue>;
  for (const [k, v] of Object.entries(attrs)) if (!BUILTIN_BY_KEY.has(k)) flat[k] = v;
  return flat;
}

function same(a: AttrValue | undefined, b: AttrValue | undefined): boolean {
  const x = a ?? null;
  const y = b ?? null;
  if (Array.isArray(x) || Array.isArray(y)) return Array.isArray(x) && Array.isArray(y) && x.length === y.length && x.every((v, i) => v === y[i]);
  return x === y;
}

export interface UpsertResult {
  inserted: number;
  updated: number;
  unchanged: number;
  /** Rows rejected at write time (e.g. a new enterprise without a name), by input index. */
  errors: Array<{ index: number } & FieldError>;
  changed: string[];
}

const CHUNK = 2000;

/**
 * Upserts enterprises by USCC inside the caller's transaction: only the keys
 * present in each input row change; unchanged rows are not written (so a
 * re-import is a no-op); every change is recorded field by field and one
 * audit record covers the batch.
 */
export async function upsertEnterprises(tx: Tx, actor: Actor, rows: FlatValues[], opts: { source: string; defaultDistrict: string; auditAction: string; auditTarget: string }): Promise<UpsertResult> {
  const result: UpsertResult = { inserted: 0, updated: 0, unchanged: 0, errors: [], changed: [] };
  const actorName = actor.userId === null ? actor.username : `${actor.username}#${actor.userId}`;
  // The audit record carries the SM3 of exactly what was written, chunk by chunk.
  const writtenDigests: string[] = [];
  // Last occurrence of a USCC in one batch wins, like a sequence of updates.
  const byUscc = new Map<string, { index: number; values: FlatValues }>();
  rows.forEach((values, index) => byUscc.set(String(values.uscc), { index, values }));
  const entries = [...byUscc.entries()];

  for (let start = 0; start < entries.length; start += CHUNK) {
    const chunk = entries.slice(start, start + CHUNK);
    const existing = await tx.selectFrom('enterprises').selectAll().where('uscc', 'in', chunk.map(([u]) => u)).execute();
    const current = new Map(existing.map((r) => [r.uscc, rowToFlat(r)]));
    const writes: Record<string, unknown>[] = [];
    const changes: Array<{ uscc: string; diff: Record<string, [AttrValue, AttrValue]>; action: string }> = [];
    for (const [uscc, { index, values }] of chunk) {
      const before = current.get(uscc);
      if (!before && (values.name === undefined || values.name === null)) {
        result.errors.push({ index, column: 'name', reason: '新企业必须填写企业名称' });
        continue;
      }
      const merged: FlatValues = { ...(before ?? { status: '存续', tags: [] }), ...values };
      if (!merged.district) merged.district = opts.defaultDistrict;
      if (typeof merged.street === 'string' && !merged.street.startsWith(String(merged.district))) {
        result.errors.push({ index, column: 'street', reason: `街镇 ${merged.street} 不属于区 ${String(merged.district)}` });
        continue;
      }
      // A creation's history entry names no fields: its values are the row itself.
      const diff: Record<string, [AttrValue, AttrValue]> = {};
      if (before) for (const [k, v] of Object.entries(merged)) if (!same(before[k], v)) diff[k] = [before[k] ?? null, v];
      if (before && Object.keys(diff).length === 0) {
        result.unchanged++;
        continue;
      }
      if (before) result.updated++;
      else result.inserted++;
      result.changed.push(uscc);
      const attrs: Record<string, AttrValue> = {};
      for (const [k, v] of Object.entries(merged)) if (!BUILTIN_BY_KEY.has(k) && v !== null) attrs[k] = v;
      const w: Record<string, unknown> = { attrs };
      for (const a of BUILTIN_ATTRIBUTES) w[a.column] = merged[a.key] ?? null;
      w.tags = merged.tags ?? [];
      writes.push(w);
      changes.push({ uscc, diff, action: before ? 'update' : 'create' });
    }
    if (writes.length) {
      const payload = JSON.stringify(writes);
      writtenDigests.push(sm3(payload));
      // One statement per chunk: the rows travel as one jsonb parameter, which
      // keeps us far from the 65,535-parameter limit and works on PGlite and pg alike.
      await sql`
        insert into enterprises (uscc, name, legal_rep, entity_type, industry, registered_capital, established, status, district, street, park, address,
          employees, insured_employees, revenue, tax_paid, rd_spending, tags, credit_grade, risk_grade, attrs)
        select r.uscc, r.name, r.legal_rep, r.entity_type, r.industry, r.registered_capital, r.established, r.status, r.district, r.street, r.park, r.address,
          r.employees, r.insured_employees, r.revenue, r.tax_paid, r.rd_spending,
          array(select jsonb_array_elements_text(r.tags)), r.credit_grade, r.risk_grade, r.attrs
        from jsonb_to_recordset(${payload}::jsonb) as r(uscc text, name text, legal_rep text, entity_type text, industry text, registered_capital bigint,
          established date, status text, district text, street text, park text, address text, employees integer, insured_employees integer, revenue bigint,
          tax_paid bigint, rd_spending bigint, tags jsonb, credit_grade text, risk_grade text, attrs jsonb)
        on conflict (uscc) do update set
          name = excluded.name, legal_rep = excluded.legal_rep, entity_type = excluded.entity_type, industry = excluded.industry,
          registered_capital = excluded.registered_capital, established = excluded.established, status = excluded.status, district = excluded.district,
          street = excluded.street, park = excluded.park, address = excluded.address, employees = excluded.employees, insured_employees = excluded.insured_employees,
          revenue = excluded.revenue, tax_paid = excluded.tax_paid, rd_spending = excluded.rd_spending, tags = excluded.tags, credit_grade = excluded.credit_grade,
          risk_grade = excluded.risk_grade, attrs = excluded.attrs, updated_at = now(), version = enterprises.version + 1
      `.execute(tx);
      await sql`
        insert into enterprise_changes (uscc, actor, action, diff, source)
        select c.uscc, ${actorName}, c.action, c.diff, ${opts.source}
        from jsonb_to_recordset(${JSON.stringify(changes)}::jsonb) as c(uscc text, diff jsonb, action text)
      `.execute(tx);
    }
  }
  if (writtenDigests.length || opts.auditAction.endsWith('.import')) {
    await appendAudit(tx, actor, {
      action: opts.auditAction,
      target: opts.auditTarget,
      change: { inserted: result.inserted, updated: result.updated, unchanged: result.unchanged, written: writtenDigests },
    });
  }
  return result;
}

export async function findEnterprise(db: Executor, uscc: string): Promise<EnterpriseRow | undefined> {
  return db.selectFrom('enterprises').selectAll().where('uscc', '=', uscc).executeTakeFirst();
}

/** Every enterprise as a flat attribute record (for matching), read in pages of `page` rows. */
export async function* allEnterpriseRecords(db: Executor, page = 10_000): AsyncGenerator<{ uscc: string; record: FlatValues }> {
  let after = '';
  for (;;) {
    const rows = await db.selectFrom('enterprises').selectAll().where('uscc', '>', after).orderBy('uscc').limit(page).execute();
    for (const r of rows) yield { uscc: r.uscc, record: rowToFlat(r) };
    if (rows.length < page) return;
    after = rows[rows.length - 1]!.uscc;
  }
}

/**
 * Every enterprise as a flat attribute record, read in physical order (TID
 * ranges of `blocks` pages) through COPY on PGlite: the fast path for loading
 * the matching columns. Not a consistent snapshot across chunks — a row
 * updated meanwhile may be seen twice or missed, so callers read the change
 * log's position first and apply later changes afterwards.
 */
export async function* scanEnterpriseRecords(db: Executor, blocks = 500, only?: ReadonlySet<string>): AsyncGenerator<{ uscc: string; record: FlatValues }> {
  const size = await sql<{ n: string | number }>`select pg_relation_size('enterprises') / current_setting('block_size')::int as n`.execute(db);
  const total = Number(size.rows[0]!.n);
  // `only`: just these attributes (and the USCC, the key) — the database sends less and nothing else is parsed.
  const builtins = BUILTIN_ATTRIBUTES.filter((a) => !only || a.key === 'uscc' || only.has(a.key));
  const custom = !only || [...only].some((k) => !BUILTIN_BY_KEY.has(k));
  const select = [...builtins.map((a) => `${a.column}::text`), ...(custom ? ['attrs::text'] : [])].join(', ');
  const chunk = (from: number) => copyRows(db, `select ${select} from enterprises where ctid >= '(${from},0)'::tid and ctid < '(${from + blocks},0)'::tid`);
  // The next chunk is asked for before this one is parsed: the database (PGlite's worker
  // thread, or the server) produces it while this thread turns the last one into records.
  let next = total > 0 ? chunk(0) : null;
  for (let from = 0; from < total; from += blocks) {
    const rows = await next!;
    next = from + blocks < total ? chunk(from + blocks) : null;
    next?.catch(() => undefined); // a caller that stops early never awaits it; when awaited, a failure still throws
    for (const f of rows) {
      const flat: FlatValues = {};
      for (let i = 0; i < builtins.length; i++) {
        const a = builtins[i]!;
        const v = f[i] ?? null;
        flat[a.key] = v === null ? null : a.type === 'tags' ? parseTextArray(v) : a.type === 'number' || a.type === 'money' ? Number(v) : a.type === 'boolean' ? v === 't' || v === 'true' : v;
      }
      if (flat.tags === null) flat.tags = [];
      if (custom) {
        const attrs = JSON.parse(f[builtins.length] ?? '{}') as Record<string, AttrValue>;
        for (const [k, v] of Object.entries(attrs)) if (!BUILTIN_BY_KEY.has(k) && (!only || only.has(k))) flat[k] = v;
      }
      yield { uscc: String(flat.uscc), record: flat };
    }
  }
}
