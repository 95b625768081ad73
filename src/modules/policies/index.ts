import { appendAudit, SYSTEM_ACTOR } from '../../platform/audit.ts';
import type { ModuleManifest } from '../../platform/module.ts';
import { EXPIRE_JOB, MATCH_JOB, recomputeMatches, transition } from './commands.ts';
import { policyMigrations } from './migrations.ts';
import { rematchWorker } from './rematch.ts';
import { policyRoutes } from './routes.ts';
import { seedDemoPolicies } from './seed.ts';

export { activePolicies } from './queries.ts';
export { policyCheckup } from './checkup.ts';
export { eligibleEnterprises, openApplyWindows, publishedPolicyFacts, type PublishedPolicyFacts } from './stats.ts';

/** 惠企政策: catalogue, lifecycle with immutable versions, matching, 政策体检 (SPEC P-1…P-4). */
export const policiesModule: ModuleManifest = {
  name: 'policies',
  migrations: policyMigrations,
  routes: policyRoutes,
  // P-4/P-6: enterprises changed since the durable cursor are re-matched and pushed to.
  workers: (ctx) => rematchWorker(ctx.db, ctx.log),
  jobs: {
    // P-2: a published policy expires automatically at the end of its validity.
    async [EXPIRE_JOB](payload, tx) {
      const { id, version } = payload as { id: number; version: number };
      const p = await tx.selectFrom('policies').select(['status', 'published_version']).where('id', '=', id).executeTakeFirst();
      if (!p || p.status !== 'published' || p.published_version !== version) return; // withdrawn or republished since
      await tx.updateTable('policies').set({ status: 'expired', updated_at: new Date() }).where('id', '=', id).execute();
      await appendAudit(tx, SYSTEM_ACTOR, { action: 'policy.expire', target: `policy:${id}`, change: { from: 'published', to: 'expired', version } });
    },
    // In the job's transaction: the version's matches and the run record commit with the job, exactly once.
    async [MATCH_JOB](payload, tx) {
      const { id, version } = payload as { id: number; version: number };
      await recomputeMatches(tx, id, version);
    },
  },
  async enterprisePage(ctx, uscc) {
    const rows = await ctx.db
      .selectFrom('policy_matches as m')
      .innerJoin('policies as p', (j) => j.onRef('p.id', '=', 'm.policy_id').onRef('p.published_version', '=', 'm.version'))
      .select(['p.id', 'p.title', 'p.mode', 'p.apply_to'])
      .where('m.uscc', '=', uscc)
      .where('m.status', '=', 'eligible')
      .where('p.status', '=', 'published')
      .orderBy('p.id')
      .execute();
    return {
      key: 'policies',
      title: '可享政策',
      items: rows.map((r) => ({ title: r.title, status: r.mode === 'auto' ? '免申即享' : '可申报', date: r.apply_to ?? undefined, link: `/policies/${r.id}` })),
    };
  },
  async seed({ db }, opts) {
    if (opts.demo) await seedDemoPolicies(db, opts.log);
  },
};

export { transition };
