import { type BenefitResult, type CompactExplanation, type ExplainNode, type NearMiss, type PolicySetExplainer, type Triage } from '../../core/rules/index.ts';
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
  /** Nearest first (fewest changes, then the newest policy); at most `nearMissLimit` of them. */
  nearMiss: CheckupItem[];
  unknown: CheckupItem[];
  /** How many there are in each list before any limit. */
  totals: { eligible: number; nearMiss: number; unknown: number };
}

/** Near misses listed by default: the nearest ones; `nearMissLimit` asks for more (or all). */
export const DEFAULT_NEAR_MISS_LIMIT = 10;

/**
 * 政策体检 (P-4): every active policy for one enterprise — eligible, near
 * misses (what value would qualify) and unknown (what to confirm), each with
 * its explanation and the version it used. Pure over the matching service's
 * snapshot: no database work per request.
 *
 * Why a limit on near misses: with "one or two conditions failing" most policies are a near
 * miss for most enterprises (≈ 140 of 200 in the benchmark population), and an enterprise
 * wants the nearest ones first. All of them are still counted (`totals`) and can be asked for;
 * a first pass (triage) finds and ranks them without building their explanations.
 */
export function policyCheckup(snap: MatchingSnapshot, record: Record<string, unknown>, opts: { detail?: 'full'; nearMissLimit?: number } = {}): Checkup {
  const ex = snap.explainer;
  const { t, eligible, unknown, near, shown } = triage(snap, record, opts.nearMissLimit);
  const trees = opts.detail === 'full' ? new Map(ex.explainAll(record).map((e) => [e.id, e.tree])) : null;
  const item = (i: number, conditions: boolean): CheckupItem => {
    const p = snap.policies[i]!;
    const c: PolicyContent = p.content;
    const { id: _id, ...explanation } = ex.compactAt(t, i, { conditions });
    const it: CheckupItem = { policyId: p.id, version: p.version, title: p.title, mode: c.mode, category: c.category, applyTo: c.applyTo, explanation };
    if (trees) it.explanation.tree = trees.get(String(p.id))!;
    const benefit = snap.benefits[i];
    if (conditions && t.status[i] === 2 && benefit) it.benefit = benefit(record);
    return it;
  };
  return {
    eligible: eligible.map((i) => item(i, true)),
    nearMiss: shown.map((i) => item(i, false)),
    unknown: unknown.map((i) => item(i, true)),
    totals: { eligible: eligible.length, nearMiss: near.length, unknown: unknown.length },
  };
}

/**
 * The same answer as `JSON.stringify(policyCheckup(…))` (without `detail`), written from
 * pieces that do not change between enterprises: each policy's head (id, version, title …)
 * once per snapshot, and explanations cached by the conditions' truth in the rules engine.
 * This is the 政策体检 hot path (SPEC §9: p99 ≤ 25 ms under 100 clients); a test compares it
 * with the object form for every demo enterprise.
 */
export function policyCheckupJson(snap: MatchingSnapshot, record: Record<string, unknown>, opts: { nearMissLimit?: number } = {}): string {
  const ex = snap.explainer;
  const { t, eligible, unknown, near, shown } = triage(snap, record, opts.nearMissLimit);
  const heads = headsOf(snap);
  const list = (ix: number[], conditions: boolean): string => {
    let json = '';
    for (const i of ix) {
      if (json) json += ',';
      json += heads[i]! + ex.compactJsonAt(t, i, { conditions });
      const benefit = snap.benefits[i];
      if (conditions && t.status[i] === 2 && benefit) json += `,"benefit":${JSON.stringify(benefit(record))}`;
      json += '}';
    }
    return json;
  };
  return `{"eligible":[${list(eligible, true)}],"nearMiss":[${list(shown, false)}],"unknown":[${list(unknown, true)}],"totals":{"eligible":${eligible.length},"nearMiss":${near.length},"unknown":${unknown.length}}}`;
}

/** Which policies go in which list, in order: the near misses nearest first. */
function triage(snap: MatchingSnapshot, record: Record<string, unknown>, limit = DEFAULT_NEAR_MISS_LIMIT): { t: Triage; eligible: number[]; unknown: number[]; near: number[]; shown: number[] } {
  const t = snap.explainer.triage(record);
  const eligible: number[] = [];
  const unknown: number[] = [];
  for (let i = 0; i < t.status.length; i++) {
    const s = t.status[i];
    if (s === 2) eligible.push(i);
    else if (s === 1) unknown.push(i);
  }
  // Nearest first: one change before two; the newest policy first among equals.
  const near: number[] = [];
  for (const changes of [1, 2]) for (const i of snap.newestFirst) if (t.status[i] === 0 && t.changes[i] === changes) near.push(i);
  return { t, eligible, unknown, near, shown: near.slice(0, limit) };
}

// Per snapshot's policy set: `{"policyId":…,"version":…,"title":…,"mode":…,"category":…,"applyTo":…,"explanation":` per policy.
const headCache = new WeakMap<PolicySetExplainer, string[]>();

function headsOf(snap: MatchingSnapshot): string[] {
  let heads = headCache.get(snap.explainer);
  if (!heads) {
    heads = snap.policies.map((p) => {
      const c = p.content;
      const json = JSON.stringify({ policyId: p.id, version: p.version, title: p.title, mode: c.mode, category: c.category, applyTo: c.applyTo });
      return `${json.slice(0, -1)},"explanation":`;
    });
    headCache.set(snap.explainer, heads);
  }
  return heads;
}
