import { evaluateBenefit, type BenefitResult, type CompactExplanation, type ExplainNode, type NearMiss } from '../../core/rules/index.ts';
import type { PolicyContent } from './domain/content.ts';
import type { MatchingSnapshot } from './matching.ts';

export interface CheckupItem {
  policyId: number;
  version: number;
  title: string;
  mode: string;
  category: string;
  applyTo: string | null;
  /**
   * Why: the outcome, what to confirm (`missing`), the near misses (what value would
   * qualify), and each condition's wording and outcome (`conditions`, for eligible and
   * unknown items). With `detail=full` the whole explanation tree as well.
   */
  explanation: Omit<CompactExplanation, 'id'> & { tree?: ExplainNode; nearMisses: NearMiss[] };
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
 * its explanation and the version it used. Pure over the matching service's
 * snapshot: no database work per request.
 */
export function policyCheckup(snap: MatchingSnapshot, record: Record<string, unknown>, opts: { detail?: 'full' } = {}): Checkup {
  const out: Checkup = { eligible: [], nearMiss: [], unknown: [] };
  const trees = opts.detail === 'full' ? new Map(snap.explainer.explainAll(record).map((e) => [e.id, e.tree])) : null;
  for (const e of snap.explainer.explainCompact(record)) {
    if (e.status === 'false' && e.nearMisses.length === 0) continue;
    const p = snap.byId.get(e.id)!;
    const c: PolicyContent = p.content;
    const { id: _id, ...explanation } = e;
    const item: CheckupItem = { policyId: p.id, version: p.version, title: p.title, mode: c.mode, category: c.category, applyTo: c.applyTo, explanation };
    if (trees) item.explanation.tree = trees.get(e.id)!;
    if (e.status === 'true') {
      if (c.benefit) item.benefit = evaluateBenefit(c.benefit, record, { today: snap.today });
      out.eligible.push(item);
    } else if (e.status === 'unknown') out.unknown.push(item);
    else out.nearMiss.push(item);
  }
  return out;
}
