import type { ModuleManifest } from '../../platform/module.ts';
import { orgCodeCheckChar, usccCheckChar } from '../../core/codes/uscc.ts';
import type { Executor } from '../../platform/db/schema.ts';
import { addAttribute, loadCatalog, rulesCatalog } from './catalog.ts';
import { importEnterprises, saveEnterprise } from './commands.ts';
import { verifyEnterpriseCode, signEnterpriseCode } from './domain/enterprise-code.ts';
import type { EnterpriseRecord } from './domain/record.ts';
import { generateEnterprises, SYNTHETIC_DEMO_COUNT } from './domain/synthetic.ts';
import { enterpriseMigrations } from './migrations.ts';
import { enterpriseBreakdown, enterpriseBriefs, listEnterprises, scopedQuery, toView } from './queries.ts';
import { enterpriseRoutes } from './routes.ts';
import { assignDemoSpecialist, insertRecords } from './seed.ts';
import { assertCanSee, scopeOf } from './scope.ts';
import { toCsv, toXlsx } from './spreadsheet.ts';
import { allEnterpriseRecords, findEnterprise, rowToFlat, scanEnterpriseRecords } from './store.ts';
import { todayInShanghai } from '../../platform/clock.ts';

export type { EnterpriseRecord };
export { PER_ENTERPRISE_TEXT, PERSONAL_ATTRIBUTES } from './domain/attributes.ts';
// The one masking rule for enterprise values leaving the server (SPEC §11).
export { enterpriseMask, personalAttributes, type EnterpriseMask } from './masking.ts';
export { DEFAULT_DISTRICT } from '../org/index.ts';
export type { CountBucket, EnterpriseBrief, UsccSubquery } from './queries.ts';
export { enterpriseBreakdown, enterpriseBriefs };
export { allEnterpriseRecords, scanEnterpriseRecords, addAttribute, assertCanSee, findEnterprise, importEnterprises, insertRecords, listEnterprises, loadCatalog, rowToFlat, rulesCatalog, saveEnterprise, scopedQuery, scopeOf, signEnterpriseCode, toCsv, toView, toXlsx, verifyEnterpriseCode };

function demoUscc(body8: string): string {
  const first17 = `91310112${body8}${orgCodeCheckChar(body8)}`;
  return first17 + usccCheckChar(first17);
}

/** The enterprise the demo `enterprise` user is bound to (a valid GB 32100 code in 闵行区). */
export const DEMO_ENTERPRISE_USCC = demoUscc('MA1G5B2K');

export async function enterpriseName(db: Executor, uscc: string): Promise<string | null> {
  const row = await db.selectFrom('enterprises').select('name').where('uscc', '=', uscc).executeTakeFirst();
  return row?.name ?? null;
}

/** The demo enterprise the `enterprise` demo user is bound to: complete, in 莘庄镇, a 专精特新 tech firm. */
export const DEMO_ENTERPRISE: EnterpriseRecord = {
  uscc: DEMO_ENTERPRISE_USCC,
  name: '上海闵欣智能科技有限公司',
  legalRep: '沈立新',
  entityType: '有限责任公司',
  industry: 'I6513',
  registeredCapital: 500_000_000,
  established: '2016-05-18',
  status: '存续',
  district: '310112',
  street: '310112101',
  park: '莘庄工业区',
  address: '上海市闵行区莘庄镇春东路 508 号',
  employees: 86,
  insuredEmployees: 79,
  revenue: 4_260_000_000,
  taxPaid: 215_000_000,
  rdSpending: 530_000_000,
  tags: ['高新技术企业', '专精特新', '科技型中小企业'],
  creditGrade: 'A',
  riskGrade: '低',
  attrs: {},
};

/** 企业名录: registry, attribute catalog, import/export, 一企一页, 企业码 (SPEC E-1…E-4). */
export const enterprisesModule: ModuleManifest = {
  name: 'enterprises',
  migrations: enterpriseMigrations,
  routes: enterpriseRoutes,
  async seed({ db }, opts) {
    if (!opts.demo) return;
    const inserted = await insertRecords(db, [DEMO_ENTERPRISE]);
    const today = todayInShanghai();
    const n = await insertRecords(db, generateEnterprises({ count: SYNTHETIC_DEMO_COUNT, seed: 2026, today }));
    if (n + inserted > 0) opts.log(`demo enterprises created: ${n + inserted}`);
    const some = await db.selectFrom('enterprises').select('uscc').where('street', '=', '310112101').orderBy('uscc').limit(30).execute();
    await assignDemoSpecialist(db, [...new Set([DEMO_ENTERPRISE_USCC, ...some.map((r) => r.uscc)])]);
  },
};
