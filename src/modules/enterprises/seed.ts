import { sql } from 'kysely';
import { appendAudit, SYSTEM_ACTOR } from '../../platform/audit.ts';
import { markChanged } from '../../platform/changes.ts';
import type { Db } from '../../platform/db/schema.ts';
import type { EnterpriseRecord } from './domain/record.ts';

/** Writes generated or demo records fast: insert-if-absent, one audit record per chunk, no per-field history. */
export async function insertRecords(db: Db, records: Iterable<EnterpriseRecord>, opts: { chunk?: number; onProgress?: (n: number) => void } = {}): Promise<number> {
  const size = opts.chunk ?? 5000;
  let batch: EnterpriseRecord[] = [];
  let written = 0;
  const flush = async (): Promise<void> => {
    if (!batch.length) return;
    const rows = batch.map((r) => ({
      uscc: r.uscc, name: r.name, legal_rep: r.legalRep, entity_type: r.entityType, industry: r.industry, registered_capital: r.registeredCapital,
      established: r.established, status: r.status, district: r.district, street: r.street, park: r.park, address: r.address, employees: r.employees,
      insured_employees: r.insuredEmployees, revenue: r.revenue, tax_paid: r.taxPaid, rd_spending: r.rdSpending, tags: r.tags, credit_grade: r.creditGrade,
      risk_grade: r.riskGrade, attrs: r.attrs,
    }));
    const first = batch[0]!.uscc;
    const n = batch.length;
    batch = [];
    await db.transaction().execute(async (tx) => {
      const res = await sql`
        insert into enterprises (uscc, name, legal_rep, entity_type, industry, registered_capital, established, status, district, street, park, address,
          employees, insured_employees, revenue, tax_paid, rd_spending, tags, credit_grade, risk_grade, attrs)
        select r.uscc, r.name, r.legal_rep, r.entity_type, r.industry, r.registered_capital, r.established, r.status, r.district, r.street, r.park, r.address,
          r.employees, r.insured_employees, r.revenue, r.tax_paid, r.rd_spending, array(select jsonb_array_elements_text(r.tags)), r.credit_grade, r.risk_grade, r.attrs
        from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as r(uscc text, name text, legal_rep text, entity_type text, industry text, registered_capital bigint,
          established date, status text, district text, street text, park text, address text, employees integer, insured_employees integer, revenue bigint,
          tax_paid bigint, rd_spending bigint, tags jsonb, credit_grade text, risk_grade text, attrs jsonb)
        on conflict (uscc) do nothing
      `.execute(tx);
      const inserted = Number(res.numAffectedRows ?? 0);
      written += inserted;
      if (inserted > 0) {
        await appendAudit(tx, SYSTEM_ACTOR, { action: 'enterprise.seed', target: `enterprise:${first}+${n}`, change: { inserted } });
        // Bulk inserts bypass the change log: a generation counter tells caches (the matching service) to reload.
        await sql`insert into settings (key, value) values ('enterprises.bulk_generation', '1'::jsonb)
          on conflict (key) do update set value = to_jsonb((settings.value #>> '{}')::bigint + 1)`.execute(tx);
      }
    });
    markChanged('enterprises');
    opts.onProgress?.(written);
  };
  for (const r of records) {
    batch.push(r);
    if (batch.length >= size) await flush();
  }
  await flush();
  return written;
}

/** Assigns the demo specialist to some enterprises, so the 企业服务专员 scope has content. */
export async function assignDemoSpecialist(db: Db, usccs: string[]): Promise<void> {
  const specialist = await db.selectFrom('users').select('id').where('username', '=', 'specialist').executeTakeFirst();
  if (!specialist || usccs.length === 0) return;
  const existing = await db.selectFrom('enterprise_assignments').select('uscc').where('user_id', '=', specialist.id).limit(1).executeTakeFirst();
  if (existing) return;
  await db.transaction().execute(async (tx) => {
    await tx.insertInto('enterprise_assignments').values(usccs.map((uscc) => ({ uscc, user_id: Number(specialist.id) }))).onConflict((oc) => oc.doNothing()).execute();
    await appendAudit(tx, SYSTEM_ACTOR, { action: 'enterprise.assign', target: `user:${specialist.id}`, change: { usccs } });
  });
}
