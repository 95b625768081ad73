import { prepareBenefit, preparePolicySet, readAttributes, type BenefitResult, type Catalog, type PolicySetExplainer } from '../../core/rules/index.ts';
import type { ActivePolicy } from './queries.ts';

/**
 * The active policies prepared for 政策体检: compiled rules, benefit formulas, and the order
 * near misses are listed in. Pure: built from the active policies, the catalog and the date.
 */
export interface PolicySet {
  catalog: Catalog;
  today: string;
  policies: ActivePolicy[];
  byId: Map<string, ActivePolicy>;
  explainer: PolicySetExplainer;
  /** Indexes into `policies`, newest published first: near misses of equal size are listed in this order. */
  newestFirst: Int32Array;
  /** Per policy: its benefit formula prepared (null when it has none). */
  benefits: (((data: unknown) => BenefitResult) | null)[];
  /** Every attribute a 政策体检 reads (conditions and amounts): a record of these alone gives the same answer. */
  reads: string[];
  /** `reads` and the street (what the scope check needs). */
  readsAndStreet: string[];
}

export function preparePolicies(policies: ActivePolicy[], catalog: Catalog, today: string): PolicySet {
  const newestFirst = Int32Array.from(
    policies
      .map((p, i) => ({ i, at: p.publishedAt, id: p.id }))
      .sort((a, b) => (a.at === b.at ? b.id - a.id : a.at < b.at ? 1 : -1))
      .map((x) => x.i),
  );
  const explainer = preparePolicySet(
    policies.map((p) => ({ id: String(p.id), rule: p.content.eligibility })),
    { catalog, today },
  );
  const reads = new Set<string>();
  let all = false;
  for (const p of policies) {
    for (const rule of p.content.benefit ? [p.content.eligibility, p.content.benefit.amount] : [p.content.eligibility]) {
      const names = readAttributes(rule);
      if (names === null) all = true;
      else for (const a of names) reads.add(a);
    }
  }
  if (all) for (const a of Object.keys(catalog)) reads.add(a);
  return {
    catalog,
    today,
    reads: [...reads],
    readsAndStreet: [...new Set([...reads, 'street'])],
    policies,
    newestFirst,
    benefits: policies.map((p) => (p.content.benefit ? prepareBenefit(p.content.benefit, { today }) : null)),
    byId: new Map(policies.map((p) => [String(p.id), p])),
    explainer,
  };
}
