import type { Executor } from '../../platform/db/schema.ts';

/** A policy that has been published at least once, as 政策评估 (P-8) sees it. */
export interface PublishedPolicyFacts {
  id: number;
  title: string;
  department: string;
  mode: string;
  status: string;
  applyTo: string | null;
  publishedVersion: number;
  /** Enterprises whose match for the published version is 'eligible'. */
  eligible: number;
  /** When each version was published (ISO), by version number. */
  versionPublishedAt: Record<number, string>;
}

/** Every policy published at least once (optionally of one department), with its eligible count for the published version. */
export async function publishedPolicyFacts(db: Executor, department?: string): Promise<PublishedPolicyFacts[]> {
  let q = db
    .selectFrom('policies as p')
    .select(['p.id', 'p.title', 'p.department', 'p.mode', 'p.status', 'p.apply_to', 'p.published_version'])
    .select((eb) =>
      eb
        .selectFrom('policy_matches as m')
        .whereRef('m.policy_id', '=', 'p.id')
        .whereRef('m.version', '=', 'p.published_version')
        .where('m.status', '=', 'eligible')
        .select((e2) => e2.fn.countAll<number>().as('n'))
        .as('eligible'),
    )
    .where('p.published_version', '>=', 1);
  if (department) q = q.where('p.department', '=', department);
  const rows = await q.orderBy('p.department').orderBy('p.id').execute();
  if (rows.length === 0) return [];
  const versions = await db.selectFrom('policy_versions').select(['policy_id', 'version', 'published_at']).where('policy_id', 'in', rows.map((r) => Number(r.id))).execute();
  const byPolicy = new Map<number, Record<number, string>>();
  for (const v of versions) {
    const m = byPolicy.get(Number(v.policy_id)) ?? {};
    m[v.version] = new Date(v.published_at).toISOString();
    byPolicy.set(Number(v.policy_id), m);
  }
  return rows.map((r) => ({
    id: Number(r.id),
    title: r.title,
    department: r.department,
    mode: r.mode,
    status: r.status,
    applyTo: r.apply_to,
    publishedVersion: r.published_version,
    eligible: Number(r.eligible ?? 0),
    versionPublishedAt: byPolicy.get(Number(r.id)) ?? {},
  }));
}

/** Published apply-mode policies whose application window closes on or after `today` (Asia/Shanghai dates). */
export async function openApplyWindows(db: Executor, today: string): Promise<Array<{ id: number; version: number; title: string; department: string; applyTo: string }>> {
  const rows = await db
    .selectFrom('policies')
    .select(['id', 'published_version', 'title', 'department', 'apply_to'])
    .where('status', '=', 'published')
    .where('mode', '=', 'apply')
    .where('apply_to', 'is not', null)
    .where('apply_to', '>=', today)
    .orderBy('id')
    .execute();
  return rows.map((r) => ({ id: Number(r.id), version: r.published_version, title: r.title, department: r.department, applyTo: String(r.apply_to) }));
}

/** Enterprises whose match for the given version of a policy is 'eligible'. */
export async function eligibleEnterprises(db: Executor, policyId: number, version: number): Promise<string[]> {
  const rows = await db.selectFrom('policy_matches').select('uscc').where('policy_id', '=', policyId).where('version', '=', version).where('status', '=', 'eligible').orderBy('uscc').execute();
  return rows.map((r) => r.uscc);
}
