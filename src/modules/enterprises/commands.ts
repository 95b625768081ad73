import type { AuthUser } from '../../platform/access.ts';
import type { Actor } from '../../platform/audit.ts';
import { markChanged } from '../../platform/changes.ts';
import type { Db } from '../../platform/db/schema.ts';
import { AppError, Errors } from '../../platform/errors.ts';
import { loadCatalog } from './catalog.ts';
import { normaliseRow, type FlatValues } from './domain/normalise.ts';
import { parseSpreadsheet } from './spreadsheet.ts';
import { findEnterprise, upsertEnterprises } from './store.ts';

export interface ImportError {
  row: number;
  column: string | null;
  reason: string;
}

export interface ImportResult {
  importId: number;
  total: number;
  inserted: number;
  updated: number;
  unchanged: number;
  failed: number;
  unknownColumns: string[];
  /** The first 200 errors; the full list is in the downloadable report. */
  errors: ImportError[];
}

/**
 * E-2 import: every row is validated on its own; bad rows are reported with
 * row, column and reason while all good rows are committed together in one
 * transaction (a crash commits none of them). Upsert by USCC makes a re-run of
 * the same file a no-op.
 */
export async function importEnterprises(db: Db, actor: Actor, filename: string, buf: Buffer, defaultDistrict: string): Promise<ImportResult> {
  const catalog = await loadCatalog(db);
  const sheet = await parseSpreadsheet(filename, buf, catalog);
  const errors: ImportError[] = [];
  const good: FlatValues[] = [];
  const goodRows: number[] = [];
  for (const r of sheet.rows) {
    const { values, errors: fieldErrors } = normaliseRow(r.raw, catalog, { moneyScale: sheet.moneyScale });
    // Cells whose text cannot be stored (not UTF-8, NUL) fail their row (SPEC §10).
    if (r.errors) fieldErrors.push(...r.errors);
    if (!values.uscc && !fieldErrors.some((e) => e.column === 'uscc')) fieldErrors.push({ column: 'uscc', reason: '统一社会信用代码不能为空' });
    if (fieldErrors.length) {
      for (const e of fieldErrors) errors.push({ row: r.row, column: e.column, reason: e.reason });
      continue;
    }
    good.push(values);
    goodRows.push(r.row);
  }
  const result = await db.transaction().execute(async (tx) => {
    const imp = await tx
      .insertInto('enterprise_imports')
      .values({ actor: actor.username, filename: [...filename].slice(0, 200).join(''), total: sheet.rows.length, inserted: 0, updated: 0, unchanged: 0, failed: 0, errors: '[]' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const importId = Number(imp.id);
    const res = await upsertEnterprises(tx, actor, good, { source: `import:${importId}`, defaultDistrict, auditAction: 'enterprise.import', auditTarget: `import:${importId}` });
    for (const e of res.errors) errors.push({ row: goodRows[e.index]!, column: e.column, reason: e.reason });
    errors.sort((a, b) => a.row - b.row);
    const failed = new Set(errors.map((e) => e.row)).size;
    await tx
      .updateTable('enterprise_imports')
      .set({ inserted: res.inserted, updated: res.updated, unchanged: res.unchanged, failed, errors: JSON.stringify(errors) })
      .where('id', '=', importId)
      .execute();
    return { importId, total: sheet.rows.length, inserted: res.inserted, updated: res.updated, unchanged: res.unchanged, failed, unknownColumns: sheet.unknownColumns, errors: errors.slice(0, 200) };
  });
  markChanged('enterprises');
  return result;
}

/** Fields an enterprise may report about itself; everything else comes from registration data. */
export const SELF_REPORTED = new Set(['address', 'employees', 'insuredEmployees', 'revenue', 'taxPaid', 'rdSpending']);

/** Creates or updates one enterprise from API input (money in fen). */
export async function saveEnterprise(db: Db, user: AuthUser, actor: Actor, input: Record<string, unknown>, mode: 'create' | 'update', defaultDistrict: string): Promise<string> {
  const catalog = await loadCatalog(db);
  if (user.role === 'enterprise') {
    const forbidden = Object.keys(input).filter((k) => k !== 'uscc' && !SELF_REPORTED.has(k));
    if (forbidden.length) throw new AppError('FIELD_NOT_EDITABLE', 403, '企业只能更新自报信息', { field: forbidden[0], detail: `不可修改：${forbidden.join(', ')}` });
  }
  const { values, errors } = normaliseRow(input, catalog, { strict: true });
  if (errors.length) throw new AppError('ENTERPRISE_INVALID', 400, '企业信息有误', { field: errors[0]!.column, detail: errors.map((e) => e.reason).join('；'), extra: { errors } });
  const uscc = String(values.uscc ?? '');
  if (!uscc) throw Errors.validation('uscc', '统一社会信用代码不能为空');
  const existing = await findEnterprise(db, uscc);
  if (mode === 'create' && existing) throw Errors.conflict('ENTERPRISE_EXISTS', '该统一社会信用代码的企业已存在', 'uscc');
  if (mode === 'update' && !existing) throw Errors.notFound('企业');
  if (existing && typeof values.employees === 'number' && values.insuredEmployees === undefined && existing.insured_employees !== null && existing.insured_employees > values.employees) {
    throw new AppError('ENTERPRISE_INVALID', 400, '企业信息有误', { field: 'employees', detail: '从业人数不能小于参保人数' });
  }
  await db.transaction().execute(async (tx) => {
    const res = await upsertEnterprises(tx, actor, [values], { source: 'api', defaultDistrict, auditAction: `enterprise.${mode}`, auditTarget: `enterprise:${uscc}` });
    if (res.errors.length) throw Errors.validation(res.errors[0]!.column, res.errors[0]!.reason);
  });
  markChanged('enterprises');
  return uscc;
}
