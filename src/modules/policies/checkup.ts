import { evaluateBenefit, preparePolicySet, type BenefitResult, type Catalog, type ExplainNode, type NearMiss, type PolicySetExplainer } from '../../core/rules/index.ts';
import type { Executor } from '../../platform/db/schema.ts';
import type { PolicyContent } from './domain/content.ts';
import { activePolicies, type ActivePolicy } from './queries.ts';

export interface CheckupItem {
  policyId: number;
  version: number;
  title: string;
  mode: string;
  category: string;
  applyTo: string | null;
  explanation: { status: 'true' | 'false' | 'unknown'; tree: ExplainNode; missing: string[]; nearMisses: NearMiss[] };
  benefit?: BenefitResult;
}

export interface Checkup {
  eligible: CheckupItem[];
  nearMiss: CheckupItem[];
  unknown: CheckupItem[];
}

/**
 * 政策体检 (P-4): every active policy for one enterprise — eligible, near
 * misses (what value would qualify) and unknown (what to confirm), each with
 * the condition-by-condition explanation and the version it used.
 */
// The active policies stay compiled between requests: rebuilt only when the
// published set, the attribute catalog or the day changes (cheap fingerprint query).
let cache: { key: string; set: PolicySetExplainer; byId: Map<string, ActivePolicy> } | null = null;

async function preparedPolicies(db: Executor, catalog: Catalog, today: string) {
  const fp = await db
    .selectFrom('policies')
    .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.max('updated_at').as('at'), eb.fn.sum<number>('published_version').as('v')])
    .where('status', '=', 'published')
    .executeTakeFirstOrThrow();
  const key = `${fp.n}|${fp.at ? new Date(fp.at as Date).toISOString() : ''}|${fp.v}|${today}|${JSON.stringify(catalog)}`;
  if (cache?.key !== key) {
    const policies = await activePolicies(db);
    cache = { key, byId: new Map(policies.map((p) => [String(p.id), p])), set: preparePolicySet(policies.map((p) => ({ id: String(p.id), rule: p.content.eligibility })), { catalog, today }) };
  }
  return cache;
}

export async function policyCheckup(db: Executor, record: Record<string, unknown>, catalog: Catalog, today: string): Promise<Checkup> {
  const { set, byId } = await preparedPolicies(db, catalog, today);
  const out: Checkup = { eligible: [], nearMiss: [], unknown: [] };
  for (const e of set.explainAll(record)) {
    const p = byId.get(e.id)!;
    const c: PolicyContent = p.content;
    const item: CheckupItem = {
      policyId: p.id,
      version: p.version,
      title: p.title,
      mode: c.mode,
      category: c.category,
      applyTo: c.applyTo,
      explanation: { status: e.status, tree: e.tree, missing: e.missing, nearMisses: e.nearMisses },
    };
    if (e.status === 'true') {
      if (c.benefit) item.benefit = evaluateBenefit(c.benefit, record, { today });
      out.eligible.push(item);
    } else if (e.status === 'unknown') out.unknown.push(item);
    else if (e.nearMisses.length > 0) out.nearMiss.push(item);
  }
  return out;
}
