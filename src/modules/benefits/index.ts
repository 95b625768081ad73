import type { ModuleManifest } from '../../platform/module.ts';
import { benefitMigrations } from './migrations.ts';
import { ledgerForEnterprise } from './queries.ts';
import { benefitRoutes } from './routes.ts';
import { shanghaiDate } from '../../platform/clock.ts';

export { approveBatch, computeBatch, eligibleNow, loadPolicy, payBatch, recordClaim, type ClaimInput, type PayResult } from './commands.ts';
export { isPeriod, paymentRef } from './domain/batch.ts';
export { getBatch, ledgerFor, ledgerForEnterprise, paymentFor, type EnjoyedBenefit } from './queries.ts';
export { approvedItemCounts, paymentsOf, type Payment } from './stats.ts';

/** 免申即享 disbursement and the benefit ledger (SPEC P-5); claims input for 申报 (applications). */
export const benefitsModule: ModuleManifest = {
  name: 'benefits',
  migrations: benefitMigrations,
  routes: benefitRoutes,
  async enterprisePage(ctx, uscc) {
    const rows = await ledgerForEnterprise(ctx.db, uscc);
    return {
      key: 'benefits',
      title: '已享受',
      items: rows.map((r) => ({ title: r.title, status: `已享受 ${(r.amountFen / 100).toFixed(2)} 元`, date: shanghaiDate(r.paidAt), link: `/policies/${r.policyId}`, detail: `第 ${r.version} 版 · ${r.period}` })),
    };
  },
};
