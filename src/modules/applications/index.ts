import { idempotencyMigrations } from '../../platform/idempotency.ts';
import type { ModuleManifest } from '../../platform/module.ts';
import { canSeeApplication } from './commands.ts';
import { applicationMigrations } from './migrations.ts';
import { applicationRoutes } from './routes.ts';
import { STATUS_LABELS } from './domain/state.ts';
import { shanghaiDate } from '../../platform/clock.ts';

export { STATUS_LABELS as APPLICATION_STATUS_LABELS };
export { applicationDeadlines } from './deadlines.ts';
export { applicationCounts, appliedEnterprises, firstSubmissions, pendingReviews, type ApplicationCounts } from './stats.ts';

/** 申报 (SPEC P-7): apply with a prefilled form, upload materials, department review with deadlines, approval into the disbursement batch. */
export const applicationsModule: ModuleManifest = {
  name: 'applications',
  // The platform's idempotency-key table travels with its first user (docs/applications.md).
  migrations: { ...idempotencyMigrations, ...applicationMigrations },
  routes: applicationRoutes,
  async enterprisePage(ctx, uscc, user) {
    const rows = await ctx.db.selectFrom('applications').select(['id', 'policy_title', 'status', 'uscc', 'department', 'updated_at', 'period']).where('uscc', '=', uscc).orderBy('id', 'desc').limit(50).execute();
    const visible = rows.filter((r) => canSeeApplication(user, r));
    return {
      key: 'applications',
      title: '申报记录',
      items: visible.map((r) => ({ title: r.policy_title, status: STATUS_LABELS[r.status], date: shanghaiDate(r.updated_at), link: `/applications/${r.id}`, detail: `${r.period} 年度` })),
    };
  },
};
